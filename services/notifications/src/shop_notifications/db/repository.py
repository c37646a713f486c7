"""Queries on the email log, inside the caller's transaction (the caller commits)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.envelope import Envelope
from shop_messaging.outbox import add_to_outbox
from shop_notifications.db.tables import EMAILS_CHANNEL, email_attachments, emails, orders
from shop_notifications.domain.model import Attachment, EmailStatus, LoggedEmail, OrderEmail
from shop_notifications.service.ports import Delivered, NewEmail
from shop_platform.paging import TimeKey

_SUMMARY_COLUMNS = [
    c for c in emails.c if c.name not in ("text_body", "html_body", "traceparent", "held_context")
]
_NUMBER = orders.c.number.label("order_number")
_WITH_NUMBER = emails.outerjoin(orders, orders.c.order_id == emails.c.order_id)

# One row per email of the batch, each with its own status and time; only pending rows move.
_MARK_DELIVERED = text(
    """
    UPDATE emails
    SET status = d.status, sent_at = d.sent_at, attempts = emails.attempts + 1,
        claimed_until = NULL, last_error = NULL
    FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:sent_ats AS timestamptz[]))
         AS d(id, status, sent_at)
    WHERE emails.id = d.id AND emails.status = 'pending'
    RETURNING emails.id
    """
)


# Built once (two emails per order). `_ADD` inserts the columns of the parameters it gets.
_ADD = (
    insert(emails).on_conflict_do_nothing(constraint="uq_emails_idempotency").returning(emails.c.id)
)
_WAKE_SENDER = text(f"NOTIFY {EMAILS_CHANNEL}")

RECIPIENT_LOCK = 5_101  # namespace of the two-key advisory locks on a recipient address
# Two statements: a count in the lock's own statement would read a snapshot taken before
# the wait, missing what the transaction that held the lock had just committed.
_LOCK_RECIPIENT = text("SELECT pg_advisory_xact_lock(:namespace, hashtext(lower(:to)))")
_COUNT_RECENT_TO = text(
    """
    SELECT count(*) FROM emails
    WHERE lower(recipient) = lower(:to) AND template = ANY(:templates)
      AND status <> 'suppressed' AND created_at > now() - make_interval(secs => :within)
    """
)


class EmailRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, email: NewEmail) -> bool:
        """Record a pending email; False when its idempotency key is already there."""
        values = {
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
            "held_context": dict(email.held_context) if email.held_context is not None else None,
            "invoice_number": email.invoice_number,
        }
        result = await self._session.execute(_ADD, values)
        if result.first() is None:
            return False
        await self._attach(email.id, email.attachments)
        return True

    async def _attach(self, email_id: uuid.UUID, attachments: Sequence[Attachment]) -> None:
        if not attachments:
            return
        await self._session.execute(
            insert(email_attachments),
            [
                {
                    "id": uuid.uuid4(),
                    "email_id": email_id,
                    "position": position,
                    "filename": a.filename,
                    "content_type": a.content_type,
                    "content": a.content,
                }
                for position, a in enumerate(attachments)
            ],
        )

    async def order_emails(
        self, order_id: uuid.UUID, *, templates: Collection[str]
    ) -> list[OrderEmail]:
        """The order's emails of `templates`, oldest first; `in_flight`: a sender's lease
        holds it right now."""
        in_flight = (emails.c.claimed_until.is_not(None)) & (emails.c.claimed_until > func.now())
        query = (
            select(
                emails.c.id,
                emails.c.template,
                emails.c.recipient,
                emails.c.subject,
                emails.c.status,
                emails.c.held_until,
                emails.c.held_context,
                emails.c.invoice_number,
                in_flight.label("in_flight"),
            )
            .where(emails.c.order_id == order_id, emails.c.template.in_(list(templates)))
            .order_by(emails.c.created_at, emails.c.id)
        )
        rows = (await self._session.execute(query)).all()
        return [
            OrderEmail(
                id=r.id,
                template=r.template,
                to=r.recipient,
                subject=r.subject,
                status=EmailStatus(r.status),
                held=r.held_until is not None,
                in_flight=bool(r.in_flight),
                invoice_number=r.invoice_number,
                held_context=r.held_context,
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
        sender claiming it meanwhile wins, and the invoice goes in an email of its own)."""
        result = await self._session.execute(
            update(emails)
            .where(
                emails.c.id == email_id,
                emails.c.status == EmailStatus.PENDING,
                emails.c.held_until.is_not(None),
                emails.c.invoice_number.is_(None),
                emails.c.claimed_until.is_(None) | (emails.c.claimed_until <= func.now()),
            )
            .values(
                text_body=text,
                html_body=html,
                invoice_number=invoice_number,
                held_until=None,
                held_context=None,
                claimed_until=None,
            )
            .returning(emails.c.id)
        )
        if result.first() is None:
            return False
        await self._attach(email_id, attachments)
        return True

    async def count_recent_to(
        self, to: str, *, templates: Collection[str], within: timedelta
    ) -> int:
        """Emails of `templates` to `to` (any case) in the last `within`, not suppressed;
        the address stays locked until the transaction ends."""
        await self._session.execute(_LOCK_RECIPIENT, {"namespace": RECIPIENT_LOCK, "to": to})
        count = await self._session.scalar(
            _COUNT_RECENT_TO,
            {"to": to, "templates": sorted(templates), "within": within.total_seconds()},
        )
        return int(count or 0)

    async def wake_sender(self) -> None:
        """Transactional NOTIFY: the sender wakes once the new rows are visible."""
        await self._session.execute(_WAKE_SENDER)

    async def mark_delivered(self, delivered: Sequence[Delivered]) -> set[uuid.UUID]:
        """pending -> sent/logged, all in one statement. Returns the ids it changed: one
        missing was settled by another sender first."""
        if not delivered:
            return set()
        result = await self._session.execute(
            _MARK_DELIVERED,
            {
                "ids": [d.email.id for d in delivered],
                "statuses": [str(d.status) for d in delivered],
                "sent_ats": [d.sent_at for d in delivered],
            },
        )
        return {row.id for row in result}

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
