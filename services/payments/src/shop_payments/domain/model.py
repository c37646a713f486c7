"""Payment requests and payments: pure Python, no I/O.

A payment request is created when an order is placed and follows
awaiting_validation -> open -> paid, or ends cancelled. Every transition is guarded. Once
open, the client is told how to pay, once (`request_payment`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from shop_payments.domain.errors import AmountMismatchError, IllegalTransitionError


class RequestStatus(StrEnum):
    AWAITING_VALIDATION = "awaiting_validation"
    OPEN = "open"
    PAID = "paid"
    CANCELLED = "cancelled"


class PaymentMethod(StrEnum):
    CARD = "card"
    OFFLINE = "offline"


class PaymentDisposition(StrEnum):
    CONFIRMED = "confirmed"  # the order's one confirmed payment
    REFUND_DUE = "refund_due"  # money received that the order does not need


class PaymentWay(StrEnum):
    """How the client can pay, as the payment page and the payment email say it."""

    CARD = "card"  # a "Secure payment" button to the processor's hosted checkout
    INSTRUCTIONS = "instructions"  # the photographer's payment instructions
    CONTACT = "contact"  # neither: the client contacts the photographer


def payment_way(card_ready: bool, instructions: str | None) -> PaymentWay:
    if card_ready:
        return PaymentWay.CARD
    return PaymentWay.INSTRUCTIONS if instructions else PaymentWay.CONTACT


class SettlementOutcome(StrEnum):
    CONFIRMED = "confirmed"
    AFTER_CANCELLATION = "received_after_cancellation"
    ALREADY_PAID = "already_paid"


_PAYABLE = (RequestStatus.AWAITING_VALIDATION, RequestStatus.OPEN)


@dataclass(frozen=True)
class ReceivedPayment:
    """Money a processor (or the photographer, off-line) says was received."""

    method: PaymentMethod
    processor: str | None
    processor_reference: str | None
    amount: int
    currency: str
    paid_at: datetime


@dataclass(frozen=True)
class Payment:
    id: uuid.UUID
    order_id: uuid.UUID
    method: PaymentMethod
    processor: str | None
    processor_reference: str | None
    amount: int
    currency: str
    paid_at: datetime
    disposition: PaymentDisposition


@dataclass(frozen=True)
class Settlement:
    """What receiving a payment did: the outcome, and the payment to record (if any)."""

    outcome: SettlementOutcome
    payment: Payment | None


@dataclass(frozen=True)
class RequestLine:
    """What the client pays for (a copy of the order's line, for the payment page and email).

    `discount`: the line's share of the order's discounts (quantity and coupon);
    `usage`: a rights-managed line's chosen options, as text ("Usage: Web; Size: A3")."""

    media_title: str
    license_name: str
    price: int
    discount: int = 0
    usage: str | None = None

    @property
    def net(self) -> int:
        """What the line costs after its discounts (in the prices' own terms)."""
        return self.price - self.discount


@dataclass(frozen=True)
class OrderFigures:
    """The order's figures from order.placed: total = subtotal - discount + tax
    (`shop_pricing.totals`). `subtotal` None: an order from before them (subtotal = total).
    With `prices_include_tax`, the tax is part of the lines' prices (shown, not added)."""

    subtotal: int | None = None
    discount: int = 0
    tax: int = 0
    tax_rate: Decimal | None = None  # percent
    prices_include_tax: bool = False
    reverse_charge: bool = False
    vat_number: str | None = None
    coupon_code: str | None = None

    @property
    def itemised(self) -> bool:
        """Whether the order carries its figures (placed since the pricing issue)."""
        return self.subtotal is not None


@dataclass
class PaymentRequest:
    order_id: uuid.UUID
    number: str
    amount: int
    currency: str
    client_name: str
    client_email: str
    status: RequestStatus
    created_at: datetime
    updated_at: datetime
    processor: str | None = None
    checkout_session_id: str | None = None
    checkout_attempts: int = 0
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    lines: tuple[RequestLine, ...] = ()
    order_url: str | None = None  # the client's order page (orders), token included
    requested_at: datetime | None = None  # when the client was told how to pay
    # The W3C traceparent of the span that handled order.placed (tracing on): the card
    # payment's webhook span joins the order's trace as its child.
    order_traceparent: str | None = None
    figures: OrderFigures = field(default_factory=OrderFigures)

    @classmethod
    def place(
        cls,
        *,
        order_id: uuid.UUID,
        number: str,
        amount: int,
        currency: str,
        client_name: str,
        client_email: str,
        manual_validation: bool,
        now: datetime,
        lines: tuple[RequestLine, ...] = (),
        order_url: str | None = None,
        order_traceparent: str | None = None,
        figures: OrderFigures | None = None,
    ) -> PaymentRequest:
        status = RequestStatus.AWAITING_VALIDATION if manual_validation else RequestStatus.OPEN
        return cls(
            order_id=order_id,
            number=number,
            amount=amount,
            currency=currency.upper(),
            client_name=client_name,
            client_email=client_email,
            status=status,
            created_at=now,
            updated_at=now,
            lines=lines,
            order_url=order_url,
            order_traceparent=order_traceparent,
            figures=figures or OrderFigures(),
        )

    @property
    def payable(self) -> bool:
        """Whether a payment received now is confirmed (`receive`)."""
        return self.status in _PAYABLE

    @property
    def nothing_to_pay(self) -> bool:
        """A total of 0 (a coupon covered everything): orders confirms it itself with
        `MarkOrderPaid` (amount 0, requested by "system"); the client pays nothing."""
        return self.amount == 0

    def validate(self, now: datetime) -> None:
        if self.status is not RequestStatus.AWAITING_VALIDATION:
            raise IllegalTransitionError(
                f"order {self.number} cannot be validated: payment is {self.status.value}"
            )
        self.status = RequestStatus.OPEN
        self.updated_at = now

    def request_payment(self, now: datetime) -> bool:
        """Whether the client is to be told now how to pay: once, when the request is open
        (on placing, or on validation). False when already told, or not open, or when there
        is nothing to pay (orders marks a zero total paid itself: no "how to pay" email)."""
        if self.status is not RequestStatus.OPEN or self.requested_at is not None:
            return False
        if self.nothing_to_pay:
            return False
        self.requested_at = now
        self.updated_at = now
        return True

    def cancel(self, now: datetime) -> bool:
        """The order was cancelled. True when a payment was already confirmed for it: a card
        payment that landed before the cancellation reached payments (the order was cancelled
        first, in orders); that money is now owed back to the client."""
        if self.status is RequestStatus.PAID:
            refund_due = True
        elif self.status in _PAYABLE:
            refund_due = False
        else:
            raise IllegalTransitionError(
                f"order {self.number} cannot be cancelled for payment: it is {self.status.value}"
            )
        self.status = RequestStatus.CANCELLED
        self.cancelled_at = now
        self.updated_at = now
        return refund_due

    def checkout_refusal(self) -> str | None:
        """Why a card checkout cannot start now, or None when it can."""
        reasons = {
            RequestStatus.PAID: f"order {self.number} is already paid",
            RequestStatus.CANCELLED: f"order {self.number} is cancelled",
            RequestStatus.AWAITING_VALIDATION: (
                f"order {self.number} awaits the photographer's validation"
            ),
        }
        refusal = reasons.get(self.status)
        if refusal is None and self.nothing_to_pay:
            return f"order {self.number} has nothing to pay"
        return refusal

    def start_checkout(self, processor: str, now: datetime) -> str:
        """Count a checkout attempt; returns its idempotency key (order + attempt). Its
        session is recorded by `checkout_started` once the processor has created it."""
        refusal = self.checkout_refusal()
        if refusal:
            raise IllegalTransitionError(refusal)
        self.checkout_attempts += 1
        self.checkout_session_id = None
        self.processor = processor
        self.updated_at = now
        return self.checkout_key

    @property
    def checkout_key(self) -> str:
        """The idempotency key of the current checkout attempt (order + attempt)."""
        return f"checkout-{self.order_id}-{self.checkout_attempts}"

    def checkout_started(self, attempt: int, session_id: str) -> bool:
        """Record the hosted checkout of `attempt` (the processor is called between the
        transaction that started the attempt and this one). False when a newer attempt has
        started since (a double click): the newer one records its own session.
        IllegalTransitionError when the request was paid or cancelled meanwhile."""
        refusal = self.checkout_refusal()
        if refusal:
            raise IllegalTransitionError(refusal)
        if attempt != self.checkout_attempts:
            return False
        self.checkout_session_id = session_id
        return True

    def check_amount(self, amount: int, currency: str) -> None:
        if currency.upper() != self.currency:
            raise AmountMismatchError(
                f"currency mismatch: received {currency.upper()}, order {self.number} "
                f"is in {self.currency}"
            )
        if amount != self.amount:
            raise AmountMismatchError(
                f"amount mismatch: received {amount}, order {self.number} costs {self.amount} "
                f"(minor units of {self.currency})"
            )

    def receive(self, received: ReceivedPayment, payment_id: uuid.UUID) -> Settlement:
        """Apply a received payment. Exactly one payment is ever confirmed per request.

        A card payment that arrives too late is still recorded (refund due); a second
        off-line "mark paid" changes nothing.
        """
        if self.payable:
            self.status = RequestStatus.PAID
            self.paid_at = received.paid_at
            self.updated_at = received.paid_at
            payment = _payment(self.order_id, received, payment_id, PaymentDisposition.CONFIRMED)
            return Settlement(SettlementOutcome.CONFIRMED, payment)
        outcome = (
            SettlementOutcome.ALREADY_PAID
            if self.status is RequestStatus.PAID
            else SettlementOutcome.AFTER_CANCELLATION
        )
        if received.method is PaymentMethod.OFFLINE:
            return Settlement(outcome, None)
        payment = _payment(self.order_id, received, payment_id, PaymentDisposition.REFUND_DUE)
        return Settlement(outcome, payment)


def _payment(
    order_id: uuid.UUID,
    received: ReceivedPayment,
    payment_id: uuid.UUID,
    disposition: PaymentDisposition,
) -> Payment:
    return Payment(
        id=payment_id,
        order_id=order_id,
        method=received.method,
        processor=received.processor,
        processor_reference=received.processor_reference,
        amount=received.amount,
        currency=received.currency.upper(),
        paid_at=received.paid_at,
        disposition=disposition,
    )
