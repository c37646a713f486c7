"""The Order entity and its guarded status state machine.

Three statuses travel together (CONTRACT.md): `status` is the shop's view, `payment_status`
and `delivery_status` record the two facts that arrive from payments and delivery. Every
change appends an entry to the order's append-only history; an illegal command raises
`IllegalTransitionError` with the reason. Facts from the other services are ruled in
`facts` (an already-applied fact is a no-op); `Order.apply` follows those rules in memory.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from shop_contracts.common import InfoFieldValue
from shop_orders.domain.errors import IllegalTransitionError
from shop_orders.domain.facts import Note
from shop_orders.domain.order_refunds import OrderRefunds
from shop_orders.domain.photographer import Photographer
from shop_orders.domain.refunds import AfterPayment, Refund, cancel_choice
from shop_orders.domain.status import DeliveryStatus, OrderState, OrderStatus, PaymentStatus

__all__ = [
    "Address",
    "AdminAction",
    "Charges",
    "Customer",
    "DeliveryStatus",
    "HistoryEntry",
    "MediaKind",
    "Order",
    "OrderLine",
    "OrderState",
    "OrderStatus",
    "PaymentStatus",
]

MediaKind = Literal["image", "video"]
Usage = tuple[tuple[str, str], ...]  # (group, option) pairs in the profile's group order
PAYMENT_SKIPPED = "Nothing to pay (total 0 after the coupon): payment skipped"


class AdminAction(StrEnum):
    """The photographer's commands on an order (the admin page's buttons)."""

    VALIDATE = "validate"
    MARK_PAID = "mark-paid"
    FORCE_DELIVERY = "force-delivery"
    CANCEL = "cancel"
    REISSUE_LINKS = "reissue-links"


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None
    region: str | None = None  # state or province: tax rates may differ by region


@dataclass(frozen=True, slots=True)
class Customer:
    name: str
    email: str
    address: Address


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A snapshot of what was bought, taken from the catalog when the order was placed."""

    id: uuid.UUID
    media_id: uuid.UUID
    media_title: str
    media_kind: MediaKind
    media_key: str
    license_id: uuid.UUID
    license_name: str
    price: int
    delivery: dict[str, Any]  # a shop_contracts DeliverySpec, as JSON
    media_status: Literal["proof", "final"] = "final"
    media_created_at: datetime | None = None
    media_updated_at: datetime | None = None
    credit: str | None = None
    usage_terms: str | None = None
    # A whole gallery sold as one line: media_id = license_id = gallery_id, media_key "",
    # members = the gallery's files when the order was placed (GalleryMember as JSON).
    gallery_id: uuid.UUID | None = None
    members: tuple[dict[str, Any], ...] = ()
    # Pricing (issue 12): the profile the line was priced with; a rights-managed line's
    # usage, (group, option) in the profile's group order (its license_id is the profile's
    # id); the line's share of the order's discounts (quantity and coupon).
    profile_id: uuid.UUID | None = None
    usage: Usage | None = None
    discount: int = 0
    # Quotations (issue 13): a service line has no file; an offline one is delivered by hand.
    service: bool = False
    offline_delivery: bool = False
    # The agency (issue 14): the photographer of the media or gallery sold (None: the shop
    # owner's own work, and every line from before the agency).
    photographer: Photographer | None = None

    @property
    def photographer_id(self) -> uuid.UUID | None:
        return self.photographer.id if self.photographer is not None else None

    @property
    def usage_text(self) -> str | None:
        """ "Usage: Web; Size: A3" (None: royalty-free)."""
        if not self.usage:
            return None
        return "; ".join(f"{group}: {option}" for group, option in self.usage)


@dataclass(frozen=True, slots=True)
class Charges:
    """What an order charges (shop_pricing.totals.order_totals): total = subtotal - discount
    + tax. With prices entered with tax the figures are net of tax (the lines' prices stay as
    entered). `tax_rate` is a percentage, None when no tax settings applied."""

    subtotal: int
    discount: int = 0
    tax: int = 0
    tax_rate: Decimal | None = None
    prices_include_tax: bool = False
    reverse_charge: bool = False

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.tax


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    at: datetime
    kind: str
    detail: str
    actor: str

    @classmethod
    def of(cls, note: Note, at: datetime) -> HistoryEntry:
        return cls(at=at, kind=note.kind, detail=note.detail, actor=note.actor)


@dataclass(eq=False)
class Order(OrderRefunds):
    id: uuid.UUID
    number: str
    customer: Customer
    lines: list[OrderLine]
    currency: str
    manual_validation: bool
    created_at: datetime
    updated_at: datetime
    note: str | None = None
    status: OrderStatus = OrderStatus.AWAITING_PAYMENT
    payment_status: PaymentStatus = PaymentStatus.UNPAID
    delivery_status: DeliveryStatus = DeliveryStatus.PENDING
    downloads_url: str | None = None
    idempotency_key: str | None = None  # scoped to the client (service/idempotency.py)
    request_hash: str | None = None  # what the key was first used for: another body is a 409
    # The W3C traceparent of the request that placed it (tracing on): the photographer's
    # commands on the order join the order's trace as its children.
    traceparent: str | None = None
    # Pricing (issue 12). `charges` None: figured from the lines (no discount, no tax).
    charges: Charges | None = None
    vat_number: str | None = None
    coupon_code: str | None = None
    coupon_id: uuid.UUID | None = None
    fields: list[InfoFieldValue] = field(default_factory=list)  # information fields answered
    invoice_number: str | None = None  # set when the invoice is issued (paid orders)
    # Refunds (issue 13): given back so far, asked for and not answered yet (payments
    # refunds), and whether a paid order was cancelled with the money kept (a reason given).
    refunded: int = 0
    refund_pending: int = 0
    payment_kept: bool = False
    new_history: list[HistoryEntry] = field(default_factory=list)

    @classmethod
    def place(
        cls,
        *,
        id: uuid.UUID,
        number: str,
        customer: Customer,
        lines: list[OrderLine],
        currency: str,
        manual_validation: bool,
        now: datetime,
        note: str | None = None,
        idempotency_key: str | None = None,
        request_hash: str | None = None,
        traceparent: str | None = None,
        charges: Charges | None = None,
        vat_number: str | None = None,
        coupon_code: str | None = None,
        coupon_id: uuid.UUID | None = None,
        fields: list[InfoFieldValue] | None = None,
    ) -> Order:
        if not lines:
            raise ValueError("an order has at least one line")
        status = (
            OrderStatus.AWAITING_VALIDATION if manual_validation else OrderStatus.AWAITING_PAYMENT
        )
        order = cls(
            id=id,
            number=number,
            customer=customer,
            lines=list(lines),
            currency=currency,
            manual_validation=manual_validation,
            created_at=now,
            updated_at=now,
            note=note,
            status=status,
            idempotency_key=idempotency_key,
            request_hash=request_hash,
            traceparent=traceparent,
            charges=charges,
            vat_number=vat_number,
            coupon_code=coupon_code,
            coupon_id=coupon_id,
            fields=list(fields or []),
        )
        detail = "placed, held for manual validation" if manual_validation else "placed"
        order._record(now, "placed", detail, "client")
        if not manual_validation:
            order.skip_payment_if_free(now)
        return order

    @property
    def subtotal(self) -> int:
        return self.charges.subtotal if self.charges else sum(line.price for line in self.lines)

    @property
    def discount(self) -> int:
        return self.charges.discount if self.charges else 0

    @property
    def tax(self) -> int:
        return self.charges.tax if self.charges else 0

    @property
    def tax_rate(self) -> Decimal | None:
        return self.charges.tax_rate if self.charges else None

    @property
    def prices_include_tax(self) -> bool:
        return self.charges.prices_include_tax if self.charges else False

    @property
    def reverse_charge(self) -> bool:
        return self.charges.reverse_charge if self.charges else False

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.tax

    @property
    def is_free(self) -> bool:
        """Nothing to pay (a coupon took it all, say): payment is skipped."""
        return self.total == 0

    def skip_payment_if_free(self, now: datetime) -> bool:
        """A free order awaiting payment is not sent to pay: the history says why (the use
        case asks payments to confirm it with amount 0). True when skipped."""
        if not self.is_free or self.status is not OrderStatus.AWAITING_PAYMENT or self.is_paid:
            return False
        self._record(now, "payment_skipped", PAYMENT_SKIPPED, "system")
        return True

    @property
    def state(self) -> OrderState:
        return OrderState(self.status, self.payment_status, self.delivery_status)

    @property
    def is_paid(self) -> bool:
        """Money was received (some or all of it may have been refunded since)."""
        return self.payment_status.was_paid

    @property
    def is_delivered(self) -> bool:
        return self.delivery_status is DeliveryStatus.DELIVERED

    # -- the photographer's commands -------------------------------------------------------

    def refusal(self, action: AdminAction) -> str | None:
        """Why `action` is illegal now, or None when it is allowed."""
        cancelled = self.status is OrderStatus.CANCELLED
        if action is AdminAction.VALIDATE:
            if self.status is not OrderStatus.AWAITING_VALIDATION:
                return f"only an order awaiting validation can be validated (it is {self._said})"
        elif action is AdminAction.MARK_PAID:
            if cancelled:
                return "cannot mark a cancelled order as paid"
            if self.is_paid:
                return "the order is already paid"
        elif action is AdminAction.FORCE_DELIVERY:
            if cancelled:
                return "cannot deliver a cancelled order"
            if self.is_delivered:
                return "the order is already delivered"
        elif action is AdminAction.CANCEL:
            if self.is_delivered:
                return "cannot cancel a delivered order"
            if cancelled:
                return "the order is already cancelled"
        elif action is AdminAction.REISSUE_LINKS and (not self.is_delivered or cancelled):
            return f"only a delivered order's links can be re-issued (it is {self._said})"
        return None

    @property
    def _said(self) -> str:
        """The status in words, for reasons a person reads ("awaiting payment")."""
        return self.status.value.replace("_", " ")

    def allowed_actions(self) -> list[AdminAction]:
        return [action for action in AdminAction if self.refusal(action) is None]

    def _guard(self, action: AdminAction) -> None:
        reason = self.refusal(action)
        if reason is not None:
            raise IllegalTransitionError(reason)

    def validate(self, now: datetime, actor: str = "admin") -> None:
        self._guard(AdminAction.VALIDATE)
        self.status = OrderStatus.AWAITING_PAYMENT
        if self.is_free:
            self._record(now, "validated", "validated", actor)
            self.skip_payment_if_free(now)
            return
        self._record(now, "validated", "validated: payment link sent to the client", actor)

    def request_mark_paid(self, now: datetime, actor: str = "admin") -> None:
        """Only a request: the order becomes paid when payments confirms it."""
        self._guard(AdminAction.MARK_PAID)
        self._record(now, "mark_paid_requested", "mark paid requested", actor)

    def request_force_delivery(self, now: datetime, actor: str = "admin") -> None:
        self._guard(AdminAction.FORCE_DELIVERY)
        self._record(now, "delivery_forced", "delivery forced", actor)

    def request_links_reissue(self, now: datetime, actor: str = "admin") -> None:
        self._guard(AdminAction.REISSUE_LINKS)
        self._record(now, "links_reissue_requested", "download links re-issue requested", actor)

    def cancel(
        self,
        now: datetime,
        actor: str = "admin",
        reason: str | None = None,
        after_payment: AfterPayment | None = None,
    ) -> Refund | None:
        """Cancel; a paid order needs `after_payment` (refund: everything left is asked back,
        the refund returned; keep: the reason is recorded)."""
        self._guard(AdminAction.CANCEL)
        choice = cancel_choice(after_payment, reason) if self.holds_payment else None
        self.status = OrderStatus.CANCELLED
        if choice is AfterPayment.KEEP:
            self.payment_kept = True
            self._record(now, "cancelled", f"cancelled, payment kept: {reason}", actor)
            return None
        self._record(now, "cancelled", f"cancelled: {reason}" if reason else "cancelled", actor)
        if choice is AfterPayment.REFUND and self.refundable > 0:
            return self.request_refund(uuid.uuid4(), None, (), reason, now, actor)
        return None

    # Facts from the other services (payment confirmed, delivered, ...) are not applied here:
    # their tables of effects live in `facts`, and `db.fact_statements` applies the effect a
    # table gives for the order's state in one guarded statement. One piece of code applies
    # them, in production and in tests (tests/integration/test_apply_facts.py).

    def _record(self, now: datetime, kind: str, detail: str, actor: str) -> None:
        self.updated_at = now
        self.new_history.append(HistoryEntry(at=now, kind=kind, detail=detail, actor=actor))
