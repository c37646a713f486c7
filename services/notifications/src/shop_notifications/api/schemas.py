"""HTTP schemas of the email log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shop_notifications.domain.model import EmailStatus, LoggedEmail


class EmailSummary(BaseModel):
    id: uuid.UUID
    order_id: uuid.UUID | None = Field(
        description="the order it is about; null for a gallery's access link, a selection..."
    )
    correlation_id: uuid.UUID | None = Field(
        default=None,
        description="what it is about: the order's id, or the selection's, the free-download "
        "grant's, or one gallery access's",
    )
    template: str
    to: str
    subject: str
    status: EmailStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    message_id: uuid.UUID = Field(description="event_id of the message that caused the email")
    message_type: str
    order_number: str | None = Field(default=None, description="the order's number, if known")
    held_until: datetime | None = Field(
        default=None,
        description="a paid order's delivery email waits for its invoice until then at most",
    )
    invoice_number: str | None = Field(
        default=None, description="the invoice it carries (its PDF attached)"
    )

    @classmethod
    def of(cls, email: LoggedEmail) -> EmailSummary:
        return cls(**_summary(email))


class EmailRead(EmailSummary):
    text: str
    html: str

    @classmethod
    def of(cls, email: LoggedEmail) -> EmailRead:
        return cls(**_summary(email), text=email.text_body or "", html=email.html_body or "")


def _summary(email: LoggedEmail) -> dict[str, Any]:
    return {
        "id": email.id,
        "order_id": email.order_id,
        "correlation_id": email.correlation_id,
        "template": email.template,
        "to": email.recipient,
        "subject": email.subject,
        "status": email.status,
        "attempts": email.attempts,
        "last_error": email.last_error,
        "created_at": email.created_at,
        "sent_at": email.sent_at,
        "message_id": email.message_id,
        "message_type": email.message_type,
        "order_number": email.order_number,
        "held_until": email.held_until,
        "invoice_number": email.invoice_number,
    }


class EmailList(BaseModel):
    emails: list[EmailSummary]
    next_cursor: str | None = Field(
        default=None,
        description="pass as `cursor`, with the same filters, for the next page; null on the last",
    )
