"""What the use cases need from the outside world (the database, the renderer)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from shop_contracts.envelope import Envelope
from shop_contracts.events import Invoice, InvoiceIssued
from shop_notifications.domain.model import (
    Attachment,
    EmailStatus,
    KnownOrder,
    OrderEmail,
    OutgoingEmail,
)

Clock = Callable[[], datetime]  # timezone-aware UTC; tests hand in their own


@dataclass(frozen=True)
class RenderedEmail:
    text: str
    html: str


@dataclass(frozen=True)
class NewEmail:
    id: uuid.UUID
    order_id: uuid.UUID | None  # None: not about an order (no `email.sent`)
    correlation_id: uuid.UUID  # the order's id, or the selection's, the grant's...
    message_id: uuid.UUID
    message_type: str
    template: str
    to: str
    subject: str
    text: str
    html: str
    status: EmailStatus = EmailStatus.PENDING  # or SUPPRESSED: recorded, never sent
    reason: str | None = None  # why it was suppressed
    traceparent: str | None = None  # the recording handler's span (tracing on): the send joins it
    attachments: tuple[Attachment, ...] = field(default=(), repr=False)
    invoice_number: str | None = None  # the invoice it carries
    held_until: datetime | None = None  # not sent before then unless released
    held_context: Mapping[str, object] | None = None  # to render it again (held ones)


@dataclass(frozen=True)
class Delivered:
    """An email the server accepted (or the log kept), not recorded yet."""

    email: OutgoingEmail
    status: EmailStatus
    sent_at: datetime


class Renderer(Protocol):
    def render(self, template: str, context: Mapping[str, object]) -> RenderedEmail: ...

    async def refresh(self) -> None:
        """Take the shop's current name (set in the shop settings) before rendering."""
        ...


class EmailStore(Protocol):
    async def add_all(self, new: Sequence[NewEmail]) -> set[uuid.UUID]:
        """Record them, with their attachments; the ids of those added (one whose
        (message, template, recipient) is already there is not). Wakes the sender, once
        the transaction commits, when one added is pending."""
        ...

    async def count_recent_to(
        self, to: str, *, templates: Collection[str], within: timedelta
    ) -> int:
        """Emails of `templates` recorded to `to` (any case) within `within`, suppressed ones
        aside. Locks the address until the transaction ends, so two transactions cannot
        both count below a limit and both add."""
        ...

    async def mark_delivered(self, delivered: Sequence[Delivered]) -> set[uuid.UUID]: ...

    async def mark_attempt_failed(
        self, email_id: uuid.UUID, *, attempts: int, error: str, give_up: bool, delay_s: float
    ) -> None: ...

    async def add_events(self, envelopes: Sequence[Envelope]) -> None: ...

    async def order_emails(
        self, order_id: uuid.UUID, *, templates: Collection[str]
    ) -> list[OrderEmail]:
        """The order's emails of `templates`, oldest first."""
        ...

    async def release_held(
        self,
        email_id: uuid.UUID,
        *,
        text: str,
        html: str,
        invoice_number: str,
        attachments: Sequence[Attachment],
    ) -> bool:
        """A held email with its invoice: new bodies, the attachments, no longer held; the
        sender woken at commit. False when it is no longer held and pending, or a sender
        holds it right now (it may be on its way without the invoice)."""
        ...


class KnownInvoices(Protocol):
    """The invoices orders issued (`order.invoice_issued`), one per order."""

    async def add(self, issued: InvoiceIssued, *, message_id: uuid.UUID) -> bool:
        """Keep it; False when the order's invoice is already kept (it stays as it was)."""
        ...

    async def get(self, order_id: uuid.UUID) -> InvoiceIssued | None: ...


class InvoicePdf(Protocol):
    """`shop_invoices`' rendering of an invoice (the document orders issued)."""

    async def render(self, invoice: Invoice) -> bytes: ...


class KnownOrders(Protocol):
    """The orders placed, as `order.placed` told them."""

    async def add(self, order: KnownOrder) -> None:
        """Keep it; an order already known stays as it was (a redelivery)."""
        ...

    async def get(self, order_id: uuid.UUID) -> KnownOrder | None: ...
