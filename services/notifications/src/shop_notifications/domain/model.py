"""What an email is, in the service's own terms."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class EmailStatus(StrEnum):
    PENDING = "pending"  # rendered and recorded; the sender loop will send it
    SENT = "sent"  # accepted by the SMTP server
    LOGGED = "logged"  # no SMTP server configured: kept in the log only
    FAILED = "failed"  # gave up after the last attempt (or a permanent refusal)


class Template(StrEnum):
    """One per email; names the HTML and text templates (`templates/emails/<name>.*`)."""

    ORDER_PLACED_SELLER = "order_placed_seller"
    ORDER_AWAITING_VALIDATION = "order_awaiting_validation"
    ORDER_VALIDATED = "order_validated"
    ORDER_CANCELLED = "order_cancelled"
    DELIVERY_COMPLETED = "delivery_completed"
    LINKS_REISSUED = "links_reissued"
    FILES_RELEASED = "files_released"


@dataclass(frozen=True)
class EmailIntent:
    """An email a message causes: rendered from `template` with `context`."""

    template: Template
    to: str
    subject: str
    context: Mapping[str, object]


@dataclass(frozen=True)
class OutgoingEmail:
    """A recorded email the sender loop has claimed."""

    id: uuid.UUID
    order_id: uuid.UUID
    message_id: uuid.UUID  # the message that caused it
    template: str
    to: str
    subject: str
    text: str
    html: str
    attempts: int
