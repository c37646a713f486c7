"""The sender's claims: FOR UPDATE SKIP LOCKED with a lease (`shop_messaging.leased_loop`), so
replicas share the work and a crashed sender's emails come back once its lease expires."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_messaging.leased_loop import claim_statement
from shop_notifications.domain.model import Attachment, OutgoingEmail

# A held email (a delivery email waiting for its invoice) is left alone until it is released
# (held_until NULL) or its wait is over (`:now`, the sender's clock).
_LEASE = claim_statement(
    "emails",
    ready=(
        "status = 'pending' AND available_at <= now() "
        "AND (held_until IS NULL OR held_until <= CAST(:now AS timestamptz))"
    ),
    order_by="available_at, created_at",
    returning=(
        "id, order_id, correlation_id, message_id, template, recipient, subject, text_body, "
        "html_body, attempts, traceparent, available_at, created_at"
    ),
)
# The claimed emails with their attachments (the invoice PDF), one row per attachment, in
# one statement: the claim and the read of what it claimed, one round trip (issue 15).
_CLAIM = text(
    f"""
    WITH claimed AS ({_LEASE.text})
    SELECT c.*, a.filename, a.content_type, a.content
    FROM claimed c LEFT JOIN email_attachments a ON a.email_id = c.id
    ORDER BY c.available_at, c.created_at, c.id, a.position
    """  # noqa: S608 - constant fragments
)


async def claim_pending(
    engine: AsyncEngine, *, lease_s: float, batch: int, now: datetime | None = None
) -> list[OutgoingEmail]:
    """`now`: the sender's clock, for the held emails' wait (default: the real time).
    One statement in autocommit, committed as it ends (no BEGIN, no COMMIT)."""
    params = {"lease_s": lease_s, "limit": batch, "now": now or datetime.now(UTC)}
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        rows = (await conn.execute(_CLAIM, params)).all()
    claimed: dict[uuid.UUID, Any] = {}
    attached: dict[uuid.UUID, list[Attachment]] = defaultdict(list)
    for r in rows:
        claimed.setdefault(r.id, r)
        if r.filename is not None:
            attached[r.id].append(Attachment(r.filename, r.content_type, r.content))
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
            attachments=tuple(attached.get(r.id, ())),
        )
        for r in claimed.values()
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
