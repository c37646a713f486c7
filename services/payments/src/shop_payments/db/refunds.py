"""Refunds: the shop's (and the processors' dashboard ones), and the sandbox's own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_payments.db.tables import metadata, sandbox_sessions
from shop_payments.service.ports import SandboxRefund

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
    CheckConstraint("amount > 0", name="ck_refunds_amount_positive"),
    CheckConstraint("origin IN ('shop', 'processor')", name="ck_refunds_origin"),
    CheckConstraint("status IN ('pending', 'succeeded', 'failed')", name="ck_refunds_status"),
    Index("ix_refunds_order_id", "order_id"),
    Index("ix_refunds_payment_id", "payment_id"),
)

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
