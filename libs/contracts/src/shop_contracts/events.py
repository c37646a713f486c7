"""Events: facts, past tense. Routing key = TYPE, on the events exchange."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, EmailStr, Field

from shop_contracts.common import (
    AnyOffer,
    Client,
    ClientContact,
    CurrencyField,
    DeliverySpec,
    Frozen,
    GalleryMember,
    InfoFieldValue,
    MediaState,
    MinorUnits,
    OrderLine,
    PhotographerContact,
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
    # Pricing issue: total = subtotal - discount + tax (shop_pricing.totals.order_totals);
    # `subtotal` None on orders from before it (then subtotal = total, no discount, no tax).
    subtotal: MinorUnits | None = Field(default=None, ge=0)
    discount: MinorUnits = Field(default=0, ge=0)
    tax: MinorUnits = Field(default=0, ge=0)
    tax_rate: Decimal | None = Field(default=None, description="percent; None: no tax set")
    prices_include_tax: bool = False
    reverse_charge: bool = Field(default=False, description="EU business buyer: no VAT charged")
    vat_number: str | None = None
    coupon_code: str | None = None
    fields: list[InfoFieldValue] = Field(
        default_factory=list, description="the photographer's order information fields"
    )
    # Back-office issue (agency): the photographers whose lines the order has (not the shop
    # owner, who gets the seller email): each is emailed about their own lines.
    photographers: list[PhotographerContact] = Field(default_factory=list)


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
    subtotal: MinorUnits | None = Field(default=None, ge=0, description="None: = total")
    discount: MinorUnits = Field(default=0, ge=0)
    tax: MinorUnits = Field(default=0, ge=0)
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
    refund_due: bool = Field(
        default=False,
        description="money received after the order was cancelled: it pays for nothing and "
        "is owed back (orders shows a Refund button; delivery delivers nothing)",
    )


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
    """A Proof media file was marked Final: paid orders holding it can now receive it.
    Published by catalog (orders published it before the catalog service existed)."""

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


# --- catalog: what is for sale (event-carried state; each snapshot is complete) -------------
#
# Snapshots carry a `revision` that grows with every change of that media or gallery: a
# consumer keeps a snapshot only when its revision is higher than the one it holds, so a
# late or redelivered older snapshot never overwrites a newer one.


class MediaOffered(MessageBody):
    """A media's full snapshot as the storefront offers it: published on upload, edit,
    state change, file replacement and whenever its pricing profiles (its own or its
    galleries') change. `offers` empty: not for sale (no profile, or "offer only Final"
    and not Final). Orders prices checkouts from these snapshots, never from the client."""

    TYPE = "catalog.media_offered"

    media_id: uuid.UUID
    revision: int = Field(ge=1)
    title: str
    kind: Literal["image", "video"]
    media_key: str
    width: int = Field(ge=1)
    height: int = Field(ge=1)
    credit: str | None = None
    state: MediaState = "undefined"
    offers: list[AnyOffer] = Field(default_factory=list)
    created_at: AwareDatetime
    updated_at: AwareDatetime
    # Back-office issue (agency): the photographer who owns the media (an orders account, with
    # the name and email their sales are credited and emailed to); None: the owner's own work.
    photographer: PhotographerContact | None = None


class MediaWithdrawn(MessageBody):
    """A media was deleted by the photographer: no longer for sale. Its original is kept
    for orders that have it (re-issued links still work)."""

    TYPE = "catalog.media_withdrawn"

    media_id: uuid.UUID
    revision: int = Field(ge=1)


class MediaFileReplaced(MessageBody):
    """The photographer replaced a media's original (same id, same key): cached renditions
    of the old file are stale and must be dropped."""

    TYPE = "catalog.media_file_replaced"

    media_id: uuid.UUID
    media_key: str
    revision: int = Field(ge=1)


class GalleryOffered(MessageBody):
    """A gallery's snapshot: its files in order and, when it is sold as a whole,
    `whole_gallery_price` (None: not sold whole, or the gallery was deleted: `deleted`)."""

    TYPE = "catalog.gallery_offered"

    gallery_id: uuid.UUID
    revision: int = Field(ge=1)
    title: str
    slug: str
    whole_gallery_price: MinorUnits | None = Field(default=None, ge=0, le=10**12)
    delivery: DeliverySpec = Field(
        default_factory=DeliverySpec, description="the format a whole-gallery sale delivers"
    )
    members: list[GalleryMember] = Field(default_factory=list)
    deleted: bool = False
    # Back-office issue (agency): the gallery's photographer (a whole-gallery line is theirs).
    photographer: PhotographerContact | None = None


class GalleryAccessGranted(MessageBody):
    """A client email was allowed into a private gallery: they are emailed its access link."""

    TYPE = "catalog.gallery_access_granted"

    gallery_id: uuid.UUID
    gallery_title: str
    client_email: str
    access_url: str


class SelectionSent(MessageBody):
    """The photographer sent a selection of media to a client: they are emailed its link."""

    TYPE = "catalog.selection_sent"

    selection_id: uuid.UUID
    title: str
    client_email: str
    url: str
    message: str | None = None


class FreeDownloadGranted(MessageBody):
    """The photographer authorized a client to download a gallery's files for free, with
    the license's link limits (in `delivery`). Delivery makes the links (the grant id plays
    the order id's part there) and announces them with `delivery.free_download_ready`."""

    TYPE = "catalog.free_download_granted"

    grant_id: uuid.UUID
    gallery_id: uuid.UUID
    gallery_title: str
    client_email: str
    members: list[GalleryMember] = Field(min_length=1)
    delivery: DeliverySpec
    license_name: str = "Free download"


class FreeDownloadReady(MessageBody):
    """The files of a free-download authorization are ready: the client is emailed the
    download page link."""

    TYPE = "delivery.free_download_ready"

    grant_id: uuid.UUID
    gallery_title: str
    client_email: str
    downloads_url: str
    files: list[DeliveredFile]
    expires_at: AwareDatetime | None = None


# --- invoices (pricing issue) -----------------------------------------------------------------


class InvoiceParty(Frozen):
    """The seller or the buyer as an invoice names them."""

    name: str
    address_lines: list[str] = Field(default_factory=list)
    email: str | None = None
    vat_number: str | None = None


class InvoiceLine(Frozen):
    description: str = Field(description="media title and license name")
    usage: str | None = Field(default=None, description="rights-managed usage, as text")
    price: MinorUnits = Field(ge=0)
    discount: MinorUnits = Field(default=0, ge=0)


class Invoice(Frozen):
    """A paid order's receipt: numbered without gaps in its own sequence (order numbers may
    have gaps), fixed once issued. Rendered to PDF for the client, the admin and the
    delivery email."""

    invoice_number: str
    order_id: uuid.UUID
    order_number: str
    issued_at: AwareDatetime
    currency: str = CurrencyField
    seller: InvoiceParty
    buyer: InvoiceParty
    lines: list[InvoiceLine] = Field(min_length=1)
    subtotal: MinorUnits = Field(ge=0)
    discount: MinorUnits = Field(default=0, ge=0)
    tax: MinorUnits = Field(default=0, ge=0)
    total: MinorUnits = Field(ge=0)
    tax_rate: Decimal | None = None
    prices_include_tax: bool = False
    reverse_charge: bool = False
    coupon_code: str | None = None
    payment_method: str | None = None
    paid_at: AwareDatetime | None = None
    mentions: list[str] = Field(
        default_factory=list, description="legal mentions (the seller's, the reverse charge)"
    )


class InvoiceIssued(MessageBody):
    """A paid order got its invoice (in the transaction that recorded the payment). The
    client receives it attached to the delivery email (or, delivered before payment, in an
    email of its own)."""

    TYPE = "order.invoice_issued"

    invoice: Invoice
    client: ClientContact
    order_url: str = Field(description="the client's view of the order, token included")


class CurrencyChanged(MessageBody):
    """The photographer changed the shop's currency (refused while unpaid orders exist;
    prices are not converted). The catalog shows and reads amounts in it from then on."""

    TYPE = "order.currency_changed"

    currency: str = CurrencyField
    changed_at: AwareDatetime


# --- payments and after-sale -----------------------------------------------------------------


class OfflinePaymentChosen(MessageBody):
    """The client chose one of the photographer's offline methods (bank transfer, cheque...)
    on the payment page and accepted it: they are shown and emailed its instructions; nothing
    is delivered until the photographer marks the order paid."""

    TYPE = "payment.offline_chosen"

    order_id: uuid.UUID
    number: str
    client: ClientContact
    method_name: str
    instructions: str
    total: MinorUnits = Field(ge=0)
    currency: str = CurrencyField
    chosen_at: AwareDatetime


class PaymentRefunded(MessageBody):
    """Money given back, by the shop (`origin` "shop": the photographer's refund) or in the
    processor's dashboard (`origin` "processor"). `full`: everything paid is now refunded
    (every link and held file is revoked); otherwise the links of `line_ids` are."""

    TYPE = "payment.refunded"

    order_id: uuid.UUID
    number: str
    client: ClientContact
    refund_id: uuid.UUID
    amount: MinorUnits = Field(gt=0)
    currency: str = CurrencyField
    refunded_total: MinorUnits = Field(gt=0, description="all refunds of the order so far")
    full: bool
    line_ids: list[uuid.UUID] = Field(default_factory=list)
    processor: str | None = None
    processor_refund_id: str | None = None
    by_hand: bool = False
    origin: Literal["shop", "processor"] = "shop"
    reason: str | None = None
    refunded_at: AwareDatetime


class RefundFailed(MessageBody):
    """The processor refused a refund the photographer asked for (nothing was refunded)."""

    TYPE = "payment.refund_failed"

    order_id: uuid.UUID
    refund_id: uuid.UUID
    amount: MinorUnits | None = None
    reason: str


class OrderPaymentReminder(MessageBody):
    """An order is still unpaid after the photographer's reminder delay: the client is
    reminded once, with the payment link (and when it will be cancelled, if it will)."""

    TYPE = "order.payment_reminder"

    order_id: uuid.UUID
    number: str
    client: ClientContact
    payment_url: str
    total: MinorUnits = Field(ge=0)
    currency: str = CurrencyField
    placed_at: AwareDatetime
    cancel_at: AwareDatetime | None = None


class QuoteLineText(Frozen):
    title: str
    description: str | None = None
    price: MinorUnits = Field(ge=0)


class QuoteRequested(MessageBody):
    """A client asked for a quotation on media: the photographer is emailed."""

    TYPE = "quote.requested"

    quote_id: uuid.UUID
    client: ClientContact
    message: str | None = None
    items: list[str] = Field(default_factory=list, description="the media titles")
    admin_url: str
    seller_email: str


class QuoteSent(MessageBody):
    """The photographer sent a quotation (or a new version of it): the client is emailed
    its link."""

    TYPE = "quote.sent"

    quote_id: uuid.UUID
    version: int = Field(ge=1)
    client: ClientContact
    url: str = Field(description="the client's quote page, token included")
    total: MinorUnits = Field(ge=0)
    currency: str = CurrencyField
    expires_at: AwareDatetime | None = None
    lines: list[QuoteLineText] = Field(default_factory=list)


class QuoteAnswered(MessageBody):
    """The client accepted (an order was placed at the quote's prices) or declined."""

    TYPE = "quote.answered"

    quote_id: uuid.UUID
    version: int = Field(ge=1)
    client: ClientContact
    accepted: bool
    order_id: uuid.UUID | None = None
    order_number: str | None = None
    seller_email: str


# --- back office: accounts (orders owns them; notifications sends the emails) ----------------


class AccountInvited(MessageBody):
    """The owner invited someone to the admin: they are emailed a single-use link to set
    their password (the link's token is stored hashed by orders; only this email has it)."""

    TYPE = "account.invited"

    account_id: uuid.UUID
    email: EmailStr
    name: str
    role: Literal["owner", "photographer", "assistant"]
    invited_by: str = Field(description="the inviting person's name")
    accept_url: str = Field(description="the page that sets the password, token included")
    expires_at: AwareDatetime


class PasswordResetRequested(MessageBody):
    """Someone asked to reset an account's password: its owner is emailed a single-use,
    short-lived link (nothing is sent, and nothing is said, for an unknown email)."""

    TYPE = "account.password_reset_requested"

    account_id: uuid.UUID
    email: EmailStr
    name: str
    reset_url: str = Field(description="the page that sets a new password, token included")
    expires_at: AwareDatetime
