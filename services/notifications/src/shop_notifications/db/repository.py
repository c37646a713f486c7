"""Queries on the email log, inside the caller's transaction (the caller commits)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.envelope import Envelope
from shop_messaging.outbox import add_to_outbox
from shop_notifications.db.tables import EMAILS_CHANNEL, emails
from shop_notifications.domain.model import EmailStatus
from shop_notifications.service.ports import NewEmail

_SUMMARY_COLUMNS = [c for c in emails.c if c.name not in ("text_body", "html_body")]


class EmailRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, email: NewEmail) -> bool:
        """Record a pending email; False when its idempotency key is already there."""
        result = await self._session.execute(
            insert(emails)
            .values(
                id=email.id,
                order_id=email.order_id,
                message_id=email.message_id,
                message_type=email.message_type,
                template=email.template,
                recipient=email.to,
                subject=email.subject,
                text_body=email.text,
                html_body=email.html,
            )
            .on_conflict_do_nothing(constraint="uq_emails_idempotency")
            .returning(emails.c.id)
        )
        return result.first() is not None

    async def wake_sender(self) -> None:
        """Transactional NOTIFY: the sender wakes once the new rows are visible."""
        await self._session.execute(text(f"NOTIFY {EMAILS_CHANNEL}"))

    async def mark_delivered(
        self, email_id: uuid.UUID, status: EmailStatus, sent_at: datetime
    ) -> bool:
        """pending -> sent/logged. False when another sender settled it first."""
        result = await self._session.execute(
            update(emails)
            .where(emails.c.id == email_id, emails.c.status == EmailStatus.PENDING)
            .values(
                status=status,
                sent_at=sent_at,
                attempts=emails.c.attempts + 1,
                claimed_until=None,
                last_error=None,
            )
            .returning(emails.c.id)
        )
        return result.first() is not None

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

    async def add_event(self, envelope: Envelope) -> None:
        await add_to_outbox(self._session, envelope)

    async def list(self, *, order_id: uuid.UUID | None, limit: int) -> list[dict[str, Any]]:
        """The log, newest first, without the bodies."""
        query = select(*_SUMMARY_COLUMNS).order_by(emails.c.created_at.desc(), emails.c.id)
        if order_id is not None:
            query = query.where(emails.c.order_id == order_id)
        rows = (await self._session.execute(query.limit(limit))).mappings().all()
        return [dict(row) for row in rows]

    async def get(self, email_id: uuid.UUID) -> dict[str, Any] | None:
        result = await self._session.execute(select(emails).where(emails.c.id == email_id))
        row = result.mappings().first()
        return dict(row) if row is not None else None
