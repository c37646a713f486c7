"""Events: facts, past tense. Routing key = TYPE, on the events exchange."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import AwareDatetime, Field

from shop_contracts.common import (
    Client,
    ClientContact,
    CurrencyField,
    Frozen,
    MinorUnits,
    OrderLine,
)
from shop_contracts.envelope import MessageBody


class OrderPlaced(MessageBody):
    """A client checked out. Carries what payments, delivery and notifications need."""

    TYPE = "order.placed"

    order_id: uuid.UUID
    number: str
    placed_at: AwareDatetime
    client: Client
    lines: list[OrderLine] = Field(min_length=1)
    total: MinorUnits = Field(ge=0)
    currency: str = CurrencyField
    note: str | None = None
    manual_validation: bool
    seller_email: str
    payment_url: str = Field(description="the client's payment page, token included")
    order_url: str = Field(description="the client's view of the order, token included")
    terms_text: str | None = Field(
        default=None, description="the photographer's terms, delivered as a PDF with the files"
    )


class OrderValidated(MessageBody):
    """The photographer validated an order held for manual validation."""

    TYPE = "order.validated"

    order_id: uuid.UUID
    number: str
    client: ClientContact
    total: MinorUnits = Field(ge=0)
    currency: str = CurrencyField
    payment_url: str


class OrderCancelled(MessageBody):
    TYPE = "order.cancelled"

    order_id: uuid.UUID
    number: str
    client: ClientContact
    reason: str | None = None


class PaidLine(Frozen):
    """What the client is paying for, as the payment email lists it."""

    media_title: str
    license_name: str
    price: MinorUnits = Field(ge=0)


class PaymentRequested(MessageBody):
    """The client's payment page is open (on placing, or on validation with manual
    validation): how they can pay, so the client is emailed what happens next."""

    TYPE = "payment.requested"

    order_id: uuid.UUID
    number: str
    client: ClientContact
    lines: list[PaidLine]
    total: MinorUnits = Field(ge=0)
    currency: str = CurrencyField
    payment_url: str
    how: Literal["card", "instructions", "contact"] = Field(
        description="card: a card processor; instructions: the photographer's payment "
        "instructions; contact: neither, the client contacts the photographer"
    )
    instructions: str | None = None


class PaymentConfirmed(MessageBody):
    """Money received, by card (processor webhook) or off-line (marked paid)."""

    TYPE = "payment.confirmed"

    order_id: uuid.UUID
    payment_id: uuid.UUID
    method: Literal["card", "offline"]
    processor: str | None = None
    amount: MinorUnits = Field(ge=0)
    currency: str = CurrencyField
    paid_at: AwareDatetime


class PaymentFailed(MessageBody):
    TYPE = "payment.failed"

    order_id: uuid.UUID
    reason: str


class DeliveredFile(Frozen):
    line_id: uuid.UUID
    file_name: str
    size_bytes: int = Field(ge=0)


class DeliveryCompleted(MessageBody):
    TYPE = "delivery.completed"

    order_id: uuid.UUID
    number: str
    client: ClientContact
    downloads_url: str
    files: list[DeliveredFile]
    forced: bool
    delivered_at: AwareDatetime
    expires_at: AwareDatetime | None = None
    held_line_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Proof files held until they are marked Final"
    )


class DeliveryFailed(MessageBody):
    TYPE = "delivery.failed"

    order_id: uuid.UUID
    reason: str


class EmailSent(MessageBody):
    """Notifications sent an email about an order (kept in the order's history)."""

    TYPE = "email.sent"

    order_id: uuid.UUID
    email_id: uuid.UUID
    template: str
    to: str
    subject: str
    sent_at: AwareDatetime


class MediaFinalized(MessageBody):
    """A Proof media file was marked Final: paid orders holding it can now receive it."""

    TYPE = "media.finalized"

    media_id: uuid.UUID
    media_key: str


class DownloadLinksReissued(MessageBody):
    """Fresh download links replaced expired or used-up ones (the client is emailed again)."""

    TYPE = "delivery.links_reissued"

    order_id: uuid.UUID
    number: str
    client: ClientContact
    downloads_url: str
    files: list[DeliveredFile]
    expires_at: AwareDatetime | None = None


class DeliveryFilesReleased(MessageBody):
    """Files held back as Proof in a delivered order were delivered once marked Final."""

    TYPE = "delivery.files_released"

    order_id: uuid.UUID
    number: str
    client: ClientContact
    downloads_url: str
    files: list[DeliveredFile]
