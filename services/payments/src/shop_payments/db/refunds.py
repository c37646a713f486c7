"""Refunds: the shop's (and the processors' dashboard ones), and the sandbox's own."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_payments.db.repositories import _payment
from shop_payments.db.tables import metadata, payments, sandbox_sessions
from shop_payments.domain.model import Payment
from shop_payments.domain.refunds import Refund, RefundOrigin, RefundStatus
from shop_payments.service.ports import SandboxRefund

REFUNDS_CHANNEL = "payments_refunds"
_WAKE_WORKER = text(f"NOTIFY {REFUNDS_CHANNEL}")

refunds = Table(
    "refunds",
    metadata,
    Column("refund_id", UUID(as_uuid=True), primary_key=True),
    Column("order_id", UUID(as_uuid=True), nullable=False),
    Column("payment_id", UUID(as_uuid=True), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("processor", String(30), nullable=True),
    Column("processor_refund_id", String(255), nullable=True, unique=True),
    Column("origin", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("by_hand", Boolean, nullable=False),
    Column("line_ids", JSONB, nullable=False),
    Column("reason", Text, nullable=True),
    Column("requested_by", String(200), nullable=True),
    Column("failure", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("refunded_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("retry_at", DateTime(timezone=True), nullable=True),
    Column("claimed_until", DateTime(timezone=True), nullable=True),  # the worker's lease
    CheckConstraint("amount > 0", name="ck_refunds_amount_positive"),
    CheckConstraint("origin IN ('shop', 'processor')", name="ck_refunds_origin"),
    CheckConstraint(
        "status IN ('pending', 'submitted', 'succeeded', 'failed')", name="ck_refunds_status"
    ),
    Index("ix_refunds_order_id", "order_id"),
    Index("ix_refunds_payment_id", "payment_id"),
    Index("ix_refunds_pending", "created_at", postgresql_where=text("status = 'pending'")),
)

# Processor refund events name the payment by its processor reference.
payments_by_reference = Index("ix_payments_processor_reference", payments.c.processor_reference)

sandbox_refunds = Table(
    "sandbox_refunds",
    metadata,
    Column("id", String(100), primary_key=True),
    Column(
        "session_id",
        String(100),
        ForeignKey("sandbox_checkout_sessions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("refund_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("amount", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def _sandbox_refund(row: Any) -> SandboxRefund:
    return SandboxRefund(
        id=row.id,
        session_id=row.session_id,
        amount=row.amount,
        refund_id=row.refund_id,
        created_at=row.created_at,
    )


async def record_sandbox_refund(
    sessions: async_sessionmaker[AsyncSession], refund: SandboxRefund
) -> tuple[SandboxRefund, ...] | None:
    """`SandboxStore.refund`: in one transaction, with the session's row locked."""
    async with sessions.begin() as db:
        paid = (
            await db.execute(
                select(sandbox_sessions.c.amount)
                .where(sandbox_sessions.c.id == refund.session_id)
                .with_for_update()
            )
        ).scalar_one()
        known = await _session_refunds(db, refund.session_id)
        if any(item.refund_id == refund.refund_id for item in known):
            return known
        if sum(item.amount for item in known) + refund.amount > paid:
            return None
        await db.execute(
            pg_insert(sandbox_refunds).values(
                id=refund.id,
                session_id=refund.session_id,
                refund_id=refund.refund_id,
                amount=refund.amount,
                created_at=refund.created_at,
            )
        )
        return (*known, refund)


async def _session_refunds(db: AsyncSession, session_id: str) -> tuple[SandboxRefund, ...]:
    rows = await db.execute(
        select(sandbox_refunds)
        .where(sandbox_refunds.c.session_id == session_id)
        .order_by(sandbox_refunds.c.created_at, sandbox_refunds.c.id)
    )
    return tuple(_sandbox_refund(row) for row in rows)


_FIELDS = (
    "refund_id",
    "order_id",
    "payment_id",
    "amount",
    "currency",
    "processor",
    "processor_refund_id",
    "by_hand",
    "reason",
    "requested_by",
    "failure",
    "created_at",
    "updated_at",
    "refunded_at",
    "attempts",
    "retry_at",
)


def _values(refund: Refund) -> dict[str, Any]:
    values = {name: getattr(refund, name) for name in _FIELDS}
    values["origin"] = refund.origin.value
    values["status"] = refund.status.value
    values["line_ids"] = [str(line_id) for line_id in refund.line_ids]
    return values


def _refund(row: Any) -> Refund:
    values = {name: getattr(row, name) for name in _FIELDS}
    return Refund(
        **values,
        origin=RefundOrigin(row.origin),
        status=RefundStatus(row.status),
        line_ids=tuple(uuid.UUID(line_id) for line_id in row.line_ids or ()),
    )


class SqlRefunds:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, refund: Refund) -> bool:
        result = await self._session.execute(
            pg_insert(refunds)
            .values(**_values(refund))
            .on_conflict_do_nothing(index_elements=[refunds.c.refund_id])
            .returning(refunds.c.refund_id)
        )
        added = result.first() is not None
        if added and refund.status is RefundStatus.PENDING:
            await self._session.execute(_WAKE_WORKER)  # delivered when this commits
        return added

    async def get(self, refund_id: uuid.UUID, *, for_update: bool = False) -> Refund | None:
        query = select(refunds).where(refunds.c.refund_id == refund_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _refund(row) if row else None

    async def for_order(self, order_id: uuid.UUID, *, for_update: bool = False) -> list[Refund]:
        query = (
            select(refunds)
            .where(refunds.c.order_id == order_id)
            .order_by(refunds.c.created_at, refunds.c.refund_id)
        )
        if for_update:
            query = query.with_for_update()
        return [_refund(row) for row in await self._session.execute(query)]

    async def save(self, refund: Refund) -> None:
        values = _values(refund)
        del values["refund_id"]
        await self._session.execute(
            update(refunds)
            .where(refunds.c.refund_id == refund.refund_id)
            .values(**values, claimed_until=None)
        )

    async def payment_by_reference(self, processor_reference: str) -> Payment | None:
        row = (
            await self._session.execute(
                select(payments)
                .where(payments.c.processor_reference == processor_reference)
                .order_by(payments.c.recorded_at)
                .limit(1)
            )
        ).first()
        return _payment(row) if row else None


_CLAIM = text(
    """
    UPDATE refunds SET claimed_until = now() + make_interval(secs => :lease_s)
    WHERE refund_id IN (
        SELECT refund_id FROM refunds
        WHERE status = 'pending' AND (retry_at IS NULL OR retry_at <= now())
          AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY created_at LIMIT :limit
        FOR UPDATE SKIP LOCKED)
    RETURNING refund_id
    """
)


class SqlRefundClaims:
    """The refund worker's leases, each call in its own transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def claim(self, *, lease_s: float, limit: int) -> Sequence[uuid.UUID]:
        async with self._engine.begin() as connection:
            rows = await connection.execute(_CLAIM, {"lease_s": lease_s, "limit": limit})
            return [row.refund_id for row in rows]

    async def give_back(self, refund_ids: Sequence[uuid.UUID]) -> int:
        ids = list(refund_ids)
        if not ids:
            return 0
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(refunds).where(refunds.c.refund_id.in_(ids)).values(claimed_until=None)
            )
            return int(getattr(result, "rowcount", 0) or 0)
