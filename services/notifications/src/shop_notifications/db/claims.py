"""The sender's claims: FOR UPDATE SKIP LOCKED with a lease (`shop_messaging.leased_loop`), so
replicas share the work and a crashed sender's emails come back once its lease expires."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_messaging.leased_loop import claim_statement
from shop_notifications.domain.model import OutgoingEmail

_CLAIM = claim_statement(
    "emails",
    ready="status = 'pending' AND available_at <= now()",
    order_by="available_at, created_at",
    returning=(
        "id, order_id, correlation_id, message_id, template, recipient, subject, text_body, "
        "html_body, attempts, traceparent"
    ),
)


async def claim_pending(engine: AsyncEngine, *, lease_s: float, batch: int) -> list[OutgoingEmail]:
    async with engine.begin() as conn:
        rows = (await conn.execute(_CLAIM, {"lease_s": lease_s, "limit": batch})).all()
    return [
        OutgoingEmail(
            id=r.id,
            order_id=r.order_id,
            message_id=r.message_id,
            template=r.template,
            to=r.recipient,
            subject=r.subject,
            text=r.text_body,
            html=r.html_body,
            attempts=r.attempts,
            correlation_id=r.correlation_id,
            traceparent=r.traceparent,
        )
        for r in rows
    ]


_RELEASE = text(
    """
    UPDATE emails SET claimed_until = NULL
    WHERE id = ANY(:ids) AND status = 'pending' AND claimed_until IS NOT NULL
    """
)


async def release_claims(engine: AsyncEngine, ids: Iterable[uuid.UUID]) -> int:
    """Give claimed, unsent emails back at once (a stopping sender): another sender, or this
    one after a restart, takes them without waiting for the lease to expire."""
    wanted = list(ids)
    if not wanted:
        return 0
    async with engine.begin() as conn:
        result = await conn.execute(_RELEASE, {"ids": wanted})
    return int(result.rowcount or 0)
