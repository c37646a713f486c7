"""Queries on the email log, inside the caller's transaction (the caller commits)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.envelope import Envelope
from shop_messaging.outbox import add_to_outbox
from shop_notifications.db.tables import EMAILS_CHANNEL, emails, orders
from shop_notifications.domain.model import Attachment, EmailStatus, LoggedEmail, OrderEmail
from shop_notifications.service.ports import Delivered, NewEmail
from shop_platform.fastpath import as_json, raw
from shop_platform.paging import TimeKey

_SUMMARY_COLUMNS = [
    c for c in emails.c if c.name not in ("text_body", "html_body", "traceparent", "held_context")
]
_NUMBER = orders.c.number.label("order_number")
_WITH_NUMBER = emails.outerjoin(orders, orders.c.order_id == emails.c.order_id)

# One row per email of the batch, each with its own status and time; only pending rows move.
# asyncpg directly (`shop_platform.fastpath`): the sender's settle is one statement.
_MARK_DELIVERED = """
UPDATE emails
SET status = d.status, sent_at = d.sent_at, attempts = emails.attempts + 1,
    claimed_until = NULL, last_error = NULL
FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS d(id, status, sent_at)
WHERE emails.id = d.id AND emails.status = 'pending'
RETURNING emails.id
"""


# New emails and their attachments, one statement (asyncpg, `shop_platform.fastpath`): the
# emails as one jsonb array ($1), the attachments as arrays ($2-$7), kept for the emails
# actually added (a redelivered message's are already there: the unique key skips them).
# It wakes the sender too (NOTIFY, delivered at commit) when one of them is pending: no
# statement of its own. Was one INSERT per email, one per email's attachments and a NOTIFY.
_ADD_ALL = f"""
WITH added AS (
    INSERT INTO emails (id, order_id, correlation_id, message_id, message_type, template,
                        recipient, subject, text_body, html_body, status, last_error,
                        traceparent, held_until, held_context, invoice_number)
    SELECT id, order_id, correlation_id, message_id, message_type, template, recipient,
           subject, text_body, html_body, status, last_error, traceparent, held_until,
           held_context, invoice_number
    FROM jsonb_populate_recordset(NULL::emails, $1::jsonb)
    ON CONFLICT ON CONSTRAINT uq_emails_idempotency DO NOTHING
    RETURNING id, status
), attached AS (
    INSERT INTO email_attachments (id, email_id, position, filename, content_type, content)
    SELECT a.id, a.email_id, a.position, a.filename, a.content_type, a.content
    FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::bytea[])
         AS a(id, email_id, position, filename, content_type, content)
    JOIN added ON added.id = a.email_id
)
SELECT id, CASE WHEN status = 'pending' THEN pg_notify('{EMAILS_CHANNEL}', '') END AS woke
FROM added
"""  # noqa: S608 - a constant channel name
# A held email released with its invoice, as `_ADD_ALL` adds one.
_RELEASE_HELD = f"""
WITH released AS (
    UPDATE emails
    SET text_body = $2, html_body = $3, invoice_number = $4,
        held_until = NULL, held_context = NULL, claimed_until = NULL
    WHERE id = $1 AND status = 'pending' AND held_until IS NOT NULL
      AND invoice_number IS NULL AND (claimed_until IS NULL OR claimed_until <= now())
    RETURNING id
), attached AS (
    INSERT INTO email_attachments (id, email_id, position, filename, content_type, content)
    SELECT a.id, released.id, a.position, a.filename, a.content_type, a.content
    FROM unnest($5::uuid[], $6::int[], $7::text[], $8::text[], $9::bytea[])
         AS a(id, position, filename, content_type, content)
    CROSS JOIN released
)
SELECT id, pg_notify('{EMAILS_CHANNEL}', '') AS woke FROM released
"""  # noqa: S608 - a constant channel name

RECIPIENT_LOCK = 5_101  # namespace of the two-key advisory locks on a recipient address
# Two statements: a count in the lock's own statement would read a snapshot taken before
# the wait, missing what the transaction that held the lock had just committed. Both raw
# (asyncpg, `shop_platform.fastpath`), as the order's emails below: each SQLAlchemy statement
# cost ~0.25 ms more CPU (one order makes three of them: its payment request, its invoice).
_LOCK_RECIPIENT = "SELECT pg_advisory_xact_lock($1::int, hashtext(lower($2::text)))"
_COUNT_RECENT_TO = """
SELECT count(*) FROM emails
WHERE lower(recipient) = lower($1) AND template = ANY($2::text[])
  AND status <> 'suppressed' AND created_at > now() - make_interval(secs => $3::float8)
"""
_ORDER_EMAILS = """
SELECT id, template, recipient, subject, status, held_until, held_context, invoice_number,
       claimed_until IS NOT NULL AND claimed_until > now() AS in_flight
FROM emails WHERE order_id = $1 AND template = ANY($2::text[])
ORDER BY created_at, id
"""


class EmailRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, email: NewEmail) -> bool:
        """Record a pending email; False when its idempotency key is already there."""
        return email.id in await self.add_all([email])

    async def add_all(self, new: Sequence[NewEmail]) -> set[uuid.UUID]:
        """Record them (with their attachments), all in one statement; returns the ids of
        those added (one whose idempotency key is already there is not). Wakes the sender at
        commit when one added is pending."""
        if not new:
            return set()
        rows = [
            {
                "id": email.id,
                "order_id": email.order_id,
                "correlation_id": email.correlation_id,
                "message_id": email.message_id,
                "message_type": email.message_type,
                "template": email.template,
                "recipient": email.to,
                "subject": email.subject,
                "text_body": email.text,
                "html_body": email.html,
                "status": str(email.status),
                "last_error": email.reason,  # shown next to the status in the log
                "traceparent": email.traceparent,
                "held_until": email.held_until,
                "held_context": (
                    dict(email.held_context) if email.held_context is not None else None
                ),
                "invoice_number": email.invoice_number,
            }
            for email in new
        ]
        attached = [
            (uuid.uuid4(), email.id, position, a.filename, a.content_type, a.content)
            for email in new
            for position, a in enumerate(email.attachments)
        ]
        columns: list[list[Any]] = [list(c) for c in zip(*attached, strict=True)] or [[]] * 6
        db = await raw(self._session)
        added = await db.fetch(_ADD_ALL, as_json(rows), *columns)
        return {row["id"] for row in added}

    async def order_emails(
        self, order_id: uuid.UUID, *, templates: Collection[str]
    ) -> list[OrderEmail]:
        """The order's emails of `templates`, oldest first; `in_flight`: a sender's lease
        holds it right now."""
        db = await raw(self._session)
        rows = await db.fetch(_ORDER_EMAILS, order_id, [str(t) for t in templates])
        return [
            OrderEmail(
                id=r["id"],
                template=r["template"],
                to=r["recipient"],
                subject=r["subject"],
                status=EmailStatus(r["status"]),
                held=r["held_until"] is not None,
                in_flight=bool(r["in_flight"]),
                invoice_number=r["invoice_number"],
                held_context=r["held_context"],
            )
            for r in rows
        ]

    async def release_held(
        self,
        email_id: uuid.UUID,
        *,
        text: str,
        html: str,
        invoice_number: str,
        attachments: Sequence[Attachment],
    ) -> bool:
        """Held, pending, no sender's lease on it (checked again under the row's lock: a
        sender claiming it meanwhile wins, and the invoice goes in an email of its own).
        One statement: the new bodies, the attachments, the sender woken (at commit)."""
        columns: list[list[Any]] = [
            list(c)
            for c in zip(
                *(
                    (uuid.uuid4(), position, a.filename, a.content_type, a.content)
                    for position, a in enumerate(attachments)
                ),
                strict=True,
            )
        ] or [[]] * 5
        db = await raw(self._session)
        released = await db.fetch(_RELEASE_HELD, email_id, text, html, invoice_number, *columns)
        return bool(released)

    async def count_recent_to(
        self, to: str, *, templates: Collection[str], within: timedelta
    ) -> int:
        """Emails of `templates` to `to` (any case) in the last `within`, not suppressed;
        the address stays locked until the transaction ends."""
        db = await raw(self._session)
        await db.execute(_LOCK_RECIPIENT, RECIPIENT_LOCK, to)
        count = await db.fetchval(
            _COUNT_RECENT_TO, to, sorted(str(t) for t in templates), within.total_seconds()
        )
        return int(count or 0)

    async def mark_delivered(self, delivered: Sequence[Delivered]) -> set[uuid.UUID]:
        """pending -> sent/logged, all in one statement. Returns the ids it changed: one
        missing was settled by another sender first."""
        if not delivered:
            return set()
        db = await raw(self._session)
        rows = await db.fetch(
            _MARK_DELIVERED,
            [d.email.id for d in delivered],
            [str(d.status) for d in delivered],
            [d.sent_at for d in delivered],
        )
        return {row["id"] for row in rows}

    async def mark_attempt_failed(
        self, email_id: uuid.UUID, *, attempts: int, error: str, give_up: bool, delay_s: float
    ) -> None:
        await self._session.execute(
            update(emails)
            .where(emails.c.id == email_id, emails.c.status == EmailStatus.PENDING)
            .values(
                attempts=attempts,
                last_error=error[:2000],
                claimed_until=None,
                status=EmailStatus.FAILED if give_up else EmailStatus.PENDING,
                available_at=func.now() + timedelta(seconds=delay_s),
            )
        )

    async def add_events(self, envelopes: Sequence[Envelope]) -> None:
        await add_to_outbox(self._session, *envelopes)

    async def list(
        self,
        *,
        order_id: uuid.UUID | None,
        limit: int,
        order_number: str | None = None,
        after: TimeKey | None = None,
    ) -> list[LoggedEmail]:
        """The log, newest first on `(created_at, id)`, without the bodies; only one order's
        when given its id or its number (any case); only the emails after `after` (a page's
        last, issue 14: keyset paging)."""
        query = (
            select(*_SUMMARY_COLUMNS, _NUMBER)
            .select_from(_WITH_NUMBER)
            .order_by(emails.c.created_at.desc(), emails.c.id.desc())
        )
        if after is not None:
            query = query.where(
                tuple_(emails.c.created_at, emails.c.id) < tuple_(after.created_at, after.id)
            )
        if order_id is not None:
            query = query.where(emails.c.order_id == order_id)
        if order_number is not None:
            query = query.where(func.lower(orders.c.number) == order_number.lower())
        rows = (await self._session.execute(query.limit(limit))).mappings().all()
        return [_logged(row) for row in rows]

    async def get(self, email_id: uuid.UUID) -> LoggedEmail | None:
        query = select(emails, _NUMBER).select_from(_WITH_NUMBER).where(emails.c.id == email_id)
        row = (await self._session.execute(query)).mappings().first()
        return _logged(row) if row is not None else None


def _logged(row: Mapping[Any, Any]) -> LoggedEmail:
    return LoggedEmail(
        id=row["id"],
        order_id=row["order_id"],
        message_id=row["message_id"],
        message_type=row["message_type"],
        template=row["template"],
        recipient=row["recipient"],
        subject=row["subject"],
        status=EmailStatus(row["status"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        text_body=row.get("text_body"),
        html_body=row.get("html_body"),
        order_number=row.get("order_number"),
        correlation_id=row["correlation_id"],
        held_until=row.get("held_until"),
        invoice_number=row.get("invoice_number"),
    )
