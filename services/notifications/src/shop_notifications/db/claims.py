"""The sender's claims: FOR UPDATE SKIP LOCKED with a lease, so replicas share the work and a
crashed sender's emails come back once its lease expires."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_notifications.domain.model import OutgoingEmail

_CLAIM = text(
    """
    UPDATE emails SET claimed_until = now() + make_interval(secs => :lease)
    WHERE id IN (
        SELECT id FROM emails
        WHERE status = 'pending' AND available_at <= now()
          AND (claimed_until IS NULL OR claimed_until < now())
        ORDER BY available_at, created_at LIMIT :batch
        FOR UPDATE SKIP LOCKED)
    RETURNING id, order_id, message_id, template, recipient, subject, text_body, html_body,
              attempts
    """
)


async def claim_pending(engine: AsyncEngine, *, lease_s: float, batch: int) -> list[OutgoingEmail]:
    async with engine.begin() as conn:
        rows = (await conn.execute(_CLAIM, {"lease": lease_s, "batch": batch})).all()
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
        )
        for r in rows
    ]
