"""Messages that arrive before what they refer to: kept whole, replayed through the same
router when it arrives. Written once for every service (payments kept envelopes, delivery kept
trigger kinds; both now use this).

No order holds across queues: `payment.confirmed` may reach delivery before `order.placed`.
The early message's handler calls `keep_waiting(...)` (its inbox row is written as usual, in
the same transaction, so a redelivery is a duplicate). When the awaited message arrives, its
handler does its own work and then `router.replay_waiting(session, waits_for)`: the kept
envelopes are taken (deleted) and their handlers run in that same transaction, without a
second inbox claim. A crash anywhere rolls both back; the broker redelivers the late message.

A service that uses it includes `waiting_metadata` in its migrations and creates the table
with `create_waiting_messages_table()`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.envelope import Envelope

waiting_metadata = MetaData()

waiting_messages = Table(
    "waiting_messages",
    waiting_metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),  # arrival order
    Column("consumer", String(100), nullable=False),
    Column("waits_for", String(200), nullable=False),  # e.g. the order id
    Column("message_type", String(100), nullable=False),
    Column("envelope", JSONB, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_waiting_messages_for", "consumer", "waits_for"),
)


async def keep_waiting(
    session: AsyncSession, consumer: str, waits_for: str, envelope: Envelope
) -> None:
    """Keep `envelope` until `waits_for` arrives (in the caller's transaction)."""
    await session.execute(
        insert(waiting_messages).values(
            consumer=consumer,
            waits_for=waits_for,
            message_type=envelope.type,
            envelope=envelope.model_dump(mode="json"),
        )
    )


async def take_waiting(session: AsyncSession, consumer: str, waits_for: str) -> list[Envelope]:
    """The envelopes kept for `waits_for`, in arrival order, removed (in the caller's
    transaction: a rollback keeps them)."""
    result = await session.execute(
        delete(waiting_messages)
        .where(waiting_messages.c.consumer == consumer)
        .where(waiting_messages.c.waits_for == waits_for)
        .returning(waiting_messages.c.id, waiting_messages.c.envelope)
    )
    rows = sorted(result.all(), key=lambda row: row.id)
    return [Envelope.model_validate(row.envelope) for row in rows]


async def count_waiting(session: AsyncSession, consumer: str, waits_for: str) -> int:
    result = await session.execute(
        func.count()
        .select()
        .select_from(waiting_messages)
        .where(waiting_messages.c.consumer == consumer)
        .where(waiting_messages.c.waits_for == waits_for)
    )
    return int(result.scalar_one())


def create_waiting_messages_table() -> None:
    """For a service's migration that starts using the store."""
    from alembic import op

    waiting_messages.create(op.get_bind())
