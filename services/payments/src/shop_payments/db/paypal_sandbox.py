"""The built-in PayPal sandbox's orders and refunds, each call in its own transaction (a
remote API's). Its tables are in the payments metadata (migration 0007)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    String,
    Table,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_payments.db.tables import metadata
from shop_payments.service.paypal_ports import PaypalSandboxOrder, PaypalSandboxRefund

paypal_sandbox_orders = Table(
    "paypal_sandbox_orders",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("order_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("number", String(50), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(20), nullable=False),  # CREATED | APPROVED | COMPLETED
    Column("return_url", Text, nullable=False),
    Column("cancel_url", Text, nullable=False),
    Column("capture_id", String(40), nullable=True, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

paypal_sandbox_refunds = Table(
    "paypal_sandbox_refunds",
    metadata,
    Column("id", String(40), primary_key=True),
    Column(
        "paypal_order_id",
        String(40),
        ForeignKey("paypal_sandbox_orders.id"),
        nullable=False,
        index=True,
    ),
    Column("refund_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("amount", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

_ORDER = (
    "id",
    "order_id",
    "number",
    "amount",
    "currency",
    "status",
    "return_url",
    "cancel_url",
    "capture_id",
)


def _order(row: Any) -> PaypalSandboxOrder:
    return PaypalSandboxOrder(**{name: getattr(row, name) for name in _ORDER})


def _refund(row: Any) -> PaypalSandboxRefund:
    return PaypalSandboxRefund(
        id=row.id, paypal_order_id=row.paypal_order_id, amount=row.amount, refund_id=row.refund_id
    )


class SqlPaypalSandboxStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, order: PaypalSandboxOrder, idempotency_key: str) -> PaypalSandboxOrder:
        values = {name: getattr(order, name) for name in _ORDER}
        async with self._sessions.begin() as db:
            await db.execute(
                pg_insert(paypal_sandbox_orders)
                .values(idempotency_key=idempotency_key, **values)
                .on_conflict_do_nothing(index_elements=[paypal_sandbox_orders.c.idempotency_key])
            )
            row = (
                await db.execute(
                    select(paypal_sandbox_orders).where(
                        paypal_sandbox_orders.c.idempotency_key == idempotency_key
                    )
                )
            ).one()
        return _order(row)

    async def get(self, paypal_order_id: str) -> PaypalSandboxOrder | None:
        async with self._sessions() as db:
            row = (
                await db.execute(
                    select(paypal_sandbox_orders).where(
                        paypal_sandbox_orders.c.id == paypal_order_id
                    )
                )
            ).first()
        return _order(row) if row else None

    async def by_capture(self, capture_id: str) -> PaypalSandboxOrder | None:
        async with self._sessions() as db:
            row = (
                await db.execute(
                    select(paypal_sandbox_orders).where(
                        paypal_sandbox_orders.c.capture_id == capture_id
                    )
                )
            ).first()
        return _order(row) if row else None

    async def approve(self, paypal_order_id: str) -> PaypalSandboxOrder | None:
        async with self._sessions.begin() as db:
            await db.execute(
                update(paypal_sandbox_orders)
                .where(
                    paypal_sandbox_orders.c.id == paypal_order_id,
                    paypal_sandbox_orders.c.status == "CREATED",
                )
                .values(status="APPROVED")
            )
        return await self.get(paypal_order_id)

    async def capture(
        self, paypal_order_id: str, capture_id: str
    ) -> tuple[PaypalSandboxOrder, bool] | None:
        async with self._sessions.begin() as db:
            row = (
                await db.execute(
                    update(paypal_sandbox_orders)
                    .where(
                        paypal_sandbox_orders.c.id == paypal_order_id,
                        paypal_sandbox_orders.c.status == "APPROVED",
                    )
                    .values(status="COMPLETED", capture_id=capture_id)
                    .returning(*paypal_sandbox_orders.c)
                )
            ).first()
        if row is not None:
            return _order(row), True
        order = await self.get(paypal_order_id)
        return (order, False) if order is not None else None

    async def refund(self, refund: PaypalSandboxRefund) -> PaypalSandboxRefund | None:
        orders, refunds = paypal_sandbox_orders, paypal_sandbox_refunds
        async with self._sessions.begin() as db:
            captured = (
                await db.execute(
                    select(orders.c.amount)
                    .where(orders.c.id == refund.paypal_order_id)
                    .with_for_update()
                )
            ).scalar_one()
            known = (
                await db.execute(select(refunds).where(refunds.c.refund_id == refund.refund_id))
            ).first()
            if known is not None:
                return _refund(known)
            refunded = (
                await db.execute(
                    select(func.coalesce(func.sum(refunds.c.amount), 0)).where(
                        refunds.c.paypal_order_id == refund.paypal_order_id
                    )
                )
            ).scalar_one()
            if refund.amount <= 0 or refunded + refund.amount > captured:
                return None
            await db.execute(
                pg_insert(refunds).values(
                    id=refund.id,
                    paypal_order_id=refund.paypal_order_id,
                    refund_id=refund.refund_id,
                    amount=refund.amount,
                )
            )
        return refund
