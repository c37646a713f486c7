"""Writing to the outbox: in the caller's transaction, never straight to the broker."""

from __future__ import annotations

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.envelope import Envelope
from shop_contracts.registry import message_class
from shop_contracts.routing import exchange_for
from shop_messaging.tables import OUTBOX_CHANNEL, outbox


async def add_to_outbox(session: AsyncSession, *envelopes: Envelope) -> None:
    """Record messages to publish once the caller's transaction commits.

    The NOTIFY is transactional too: the relay wakes only when the rows are visible.
    """
    if not envelopes:
        return
    rows = [
        {
            "event_id": e.event_id,
            "message_type": e.type,
            "exchange": exchange_for(message_class(e.type, e.version)),
            "routing_key": e.type,
            "correlation_id": e.correlation_id,
            "envelope": e.model_dump(mode="json"),
        }
        for e in envelopes
    ]
    await session.execute(insert(outbox), rows)
    await session.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))
