"""What an email is, in the service's own terms."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from shop_notifications.domain.pricing import Pricing


class EmailStatus(StrEnum):
    PENDING = "pending"  # rendered and recorded; the sender loop will send it
    SENT = "sent"  # accepted by the SMTP server
    LOGGED = "logged"  # no SMTP server configured: kept in the log only
    FAILED = "failed"  # gave up after the last attempt (or a permanent refusal)
    SUPPRESSED = "suppressed"  # never sent: over the per-address limit (the reason is kept)


class Template(StrEnum):
    """One per email; names the HTML and text templates (`templates/emails/<name>.*`)."""

    ORDER_PLACED_SELLER = "order_placed_seller"
    ORDER_AWAITING_VALIDATION = "order_awaiting_validation"
    PAYMENT_REQUESTED = "payment_requested"
    ORDER_VALIDATED = "order_validated"
    ORDER_CANCELLED = "order_cancelled"
    DELIVERY_COMPLETED = "delivery_completed"
    LINKS_REISSUED = "links_reissued"
    FILES_RELEASED = "files_released"
    INVOICE_ISSUED = "invoice_issued"  # an invoice after the delivery email went without it
    # Not about an order: the photographer sent the client something from the catalog.
    GALLERY_ACCESS = "gallery_access"
    SELECTION_SENT = "selection_sent"
    FREE_DOWNLOAD_READY = "free_download_ready"
    # After sale (issue 13): offline payment methods, refunds, reminders.
    OFFLINE_INSTRUCTIONS = "offline_instructions"  # the chosen method's instructions
    OFFLINE_CHOSEN_SELLER = "offline_chosen_seller"  # the client will pay by that method
    REFUND_CLIENT = "refund_client"
    REFUND_SELLER = "refund_seller"
    PAYMENT_REMINDER = "payment_reminder"
    # Quotations: not about an order (known by the quote's id).
    QUOTE_REQUESTED_SELLER = "quote_requested_seller"
    QUOTE_SENT = "quote_sent"
    QUOTE_ANSWERED_SELLER = "quote_answered_seller"
    # Back office (issue 14): an agency's photographer hears of their own lines sold; the
    # admin's people get their invitation and password reset links (not about an order).
    ORDER_PLACED_PHOTOGRAPHER = "order_placed_photographer"
    ACCOUNT_INVITED = "account_invited"
    PASSWORD_RESET = "password_reset"

    @property
    def kind(self) -> EmailKind:
        return KINDS[self]


@dataclass(frozen=True)
class EmailKind:
    """Who an email goes to, and whether anyone has vouched for the order by then."""

    to_client: bool  # to the address typed at checkout (anyone can type anyone's)
    before_payment: bool  # may go out while the order is neither paid nor validated

    @property
    def unvouched(self) -> bool:
        """Anyone can make the shop send it to any address: it carries no text the client
        typed but the name, and only a few go to one address an hour (`domain.unvouched`)."""
        return self.to_client and self.before_payment


# Every template says which kind it is: a new client email sent at checkout is unvouched.
KINDS: Mapping[Template, EmailKind] = {
    Template.ORDER_PLACED_SELLER: EmailKind(to_client=False, before_payment=True),
    Template.ORDER_AWAITING_VALIDATION: EmailKind(to_client=True, before_payment=True),
    # The order placed without manual validation: nobody has vouched for the address yet.
    Template.PAYMENT_REQUESTED: EmailKind(to_client=True, before_payment=True),
    Template.ORDER_VALIDATED: EmailKind(to_client=True, before_payment=False),
    # Only an unpaid order is cancelled, maybe never validated.
    Template.ORDER_CANCELLED: EmailKind(to_client=True, before_payment=True),
    # Paid, or the photographer forced the delivery.
    Template.DELIVERY_COMPLETED: EmailKind(to_client=True, before_payment=False),
    Template.LINKS_REISSUED: EmailKind(to_client=True, before_payment=False),
    Template.FILES_RELEASED: EmailKind(to_client=True, before_payment=False),
    Template.INVOICE_ISSUED: EmailKind(to_client=True, before_payment=False),  # paid
    # The photographer chose the address (an allowed email, a selection's client, a free
    # download's): vouched for, as a paid order's client is.
    Template.GALLERY_ACCESS: EmailKind(to_client=True, before_payment=False),
    Template.SELECTION_SENT: EmailKind(to_client=True, before_payment=False),
    Template.FREE_DOWNLOAD_READY: EmailKind(to_client=True, before_payment=False),
    # Chosen on the payment page of an order nobody has paid or vouched for.
    Template.OFFLINE_INSTRUCTIONS: EmailKind(to_client=True, before_payment=True),
    Template.OFFLINE_CHOSEN_SELLER: EmailKind(to_client=False, before_payment=True),
    # Only money paid is refunded.
    Template.REFUND_CLIENT: EmailKind(to_client=True, before_payment=False),
    Template.REFUND_SELLER: EmailKind(to_client=False, before_payment=False),
    # An order still unpaid (maybe never validated).
    Template.PAYMENT_REMINDER: EmailKind(to_client=True, before_payment=True),
    Template.QUOTE_REQUESTED_SELLER: EmailKind(to_client=False, before_payment=True),
    # The photographer read the request and sent the quote: vouched, as a selection is.
    Template.QUOTE_SENT: EmailKind(to_client=True, before_payment=False),
    Template.QUOTE_ANSWERED_SELLER: EmailKind(to_client=False, before_payment=True),
    # To the shop's own people: a photographer of the order's lines; an account's address,
    # which the owner typed (an invitation) or which is an active account's (a reset).
    Template.ORDER_PLACED_PHOTOGRAPHER: EmailKind(to_client=False, before_payment=True),
    Template.ACCOUNT_INVITED: EmailKind(to_client=False, before_payment=True),
    Template.PASSWORD_RESET: EmailKind(to_client=False, before_payment=True),
}

UNVOUCHED_TEMPLATES = frozenset(t for t, kind in KINDS.items() if kind.unvouched)

# Emails carrying a single-use link that signs someone in (sets an account's password): the
# email log shows that they went, not their bodies. Whoever reads the log (the assistant
# too) could otherwise take over the account, the owner's included.
SECRET_LINK_TEMPLATES = frozenset({Template.ACCOUNT_INVITED, Template.PASSWORD_RESET})


@dataclass(frozen=True)
class About:
    """What an email is about. An order's emails go to its history in orders (`email.sent`);
    the others (a private gallery's access link, a selection, a free download) are known by
    their own id (`correlation_id`) and told to nobody: orders would keep an `email.sent`
    about an order it never had waiting forever."""

    correlation_id: uuid.UUID  # the order's id, or the selection's, the grant's...
    order_id: uuid.UUID | None = None

    @classmethod
    def order(cls, order_id: uuid.UUID) -> About:
        return cls(correlation_id=order_id, order_id=order_id)

    @classmethod
    def other(cls, correlation_id: uuid.UUID) -> About:
        return cls(correlation_id=correlation_id)


@dataclass(frozen=True)
class Attachment:
    """A file sent with an email (the invoice PDF)."""

    filename: str
    content_type: str  # "application/pdf"
    content: bytes = field(repr=False)


@dataclass(frozen=True)
class EmailIntent:
    """An email a message causes: rendered from `template` with `context`.

    `held_until`: recorded now but not sent before then unless released (a paid order's
    delivery email waiting for its invoice); its context is kept to render it again."""

    template: Template
    to: str
    subject: str
    context: Mapping[str, object]
    attachments: tuple[Attachment, ...] = ()
    invoice_number: str | None = None  # the invoice it carries (attached)
    held_until: datetime | None = None


@dataclass(frozen=True)
class KnownOrder:
    """What notifications keeps of an order placed (from `order.placed`): its number, for
    the email log, and whether it was held for the photographer's validation."""

    order_id: uuid.UUID
    number: str
    manual_validation: bool
    pricing: Pricing | None = None  # None: placed before the pricing issue
    seller_email: str | None = None  # where the photographer's emails go; None: placed before


@dataclass(frozen=True)
class OrderEmail:
    """One of an order's emails as the invoice's use case sees it."""

    id: uuid.UUID
    template: str
    to: str
    subject: str
    status: EmailStatus
    held: bool  # held for the invoice (not released yet)
    in_flight: bool  # a sender holds it right now: it may be on its way already
    invoice_number: str | None
    held_context: Mapping[str, object] | None


@dataclass(frozen=True)
class ShopContact:
    """How the client reaches the photographer (the shop's settings, in orders)."""

    name: str
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class OutgoingEmail:
    """A recorded email the sender loop has claimed."""

    id: uuid.UUID
    order_id: uuid.UUID | None  # None: not about an order (no `email.sent`)
    message_id: uuid.UUID  # the message that caused it
    template: str
    to: str
    subject: str
    text: str
    html: str
    attempts: int
    correlation_id: uuid.UUID | None = None  # the order's id, or what else it is about
    traceparent: str | None = None  # the handler's span that recorded it (tracing on)
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class LoggedEmail:
    """One line of the email log as the photographer reads it (bodies only when asked)."""

    id: uuid.UUID
    order_id: uuid.UUID | None  # None: not about an order
    message_id: uuid.UUID  # the message that caused it
    message_type: str
    template: str
    recipient: str
    subject: str
    status: EmailStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    text_body: str | None = None
    html_body: str | None = None
    order_number: str | None = None  # None: an order placed before numbers were kept here
    correlation_id: uuid.UUID | None = None  # the order's id, or the selection's, the grant's...
    held_until: datetime | None = None  # waiting for the order's invoice until then
    invoice_number: str | None = None  # the invoice it carries


class EmailNotFoundError(Exception):
    """No such email in the log (HTTP 404)."""

    def __init__(self, email_id: uuid.UUID) -> None:
        super().__init__(f"no email {email_id}")
        self.reason = f"There is no email {email_id} in the log."
