"""HTTP schemas of the email log."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from shop_notifications.domain.model import EmailStatus


class EmailSummary(BaseModel):
    id: uuid.UUID
    order_id: uuid.UUID
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

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EmailSummary:
        return cls.model_validate({**row, "to": row["recipient"]})


class EmailRead(EmailSummary):
    text: str
    html: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EmailRead:
        return cls.model_validate(
            {**row, "to": row["recipient"], "text": row["text_body"], "html": row["html_body"]}
        )


class EmailList(BaseModel):
    emails: list[EmailSummary]
