"""What the use cases need from the outside, and the errors it may answer with.

`db` implements the storage ports; `processors` the card processors and the sandbox's own
store; `webhooks` the event verifier. Adapters import this module and the domain, nothing
else of the service.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shop_contracts.envelope import Envelope
from shop_payments.domain.errors import PaymentsDomainError
from shop_payments.domain.model import Payment, PaymentRequest
from shop_payments.domain.offline import OfflineChoice
from shop_payments.domain.refunds import Refund
from shop_payments.domain.settings import CardProcessorName, PaymentSettings
from shop_platform.paging import Page, TimeKey

# Storage ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AddedRequest:
    added: bool  # False: the order was known already (nothing written)
    # Messages about the order were kept for it (they came first): the request was written
    # without `requested_at`, for the client to be told once they are applied.
    early: bool


class PaymentRequests(Protocol):
    async def lock_order(self, order_id: uuid.UUID) -> None:
        """Serialise everything about one order until the transaction ends."""

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> PaymentRequest | None:
        """The request, locked FOR UPDATE when asked."""

    async def get_locked(self, order_id: uuid.UUID) -> PaymentRequest | None:
        """`lock_order`, then the request FOR UPDATE (one round trip when it exists)."""

    async def record_checkout_session(
        self, order_id: uuid.UUID, attempt: int, session_id: str
    ) -> bool:
        """`PaymentRequest.checkout_started` in one statement, when it is simply true: the
        request open with something to pay and `attempt` its latest. False when not (nothing
        written): the caller loads the request and lets the domain say why."""

    async def add(self, request: PaymentRequest) -> AddedRequest:
        """Insert, under the order's lock (`lock_order` first); told (`requested_at`) only
        when no message about the order waits for it."""

    async def save(
        self,
        request: PaymentRequest,
        *,
        payment: Payment | None = None,
        event: EventRecord | None = None,
    ) -> bool:
        """Write the request's state; with `payment`, record that payment too, in the same
        round trip (a settlement). With `event`, the processor event that brought it is
        recorded by the same statement, unless it was recorded before: then nothing is
        written, and False."""


class Payments(Protocol):
    async def add(self, payment: Payment) -> None: ...

    async def owe_back(self, order_id: uuid.UUID) -> int:
        """The order's confirmed payments become refunds due; how many."""
        ...

    async def list(self, order_id: uuid.UUID | None = None, limit: int = 100) -> list[Payment]: ...

    async def page(
        self, order_id: uuid.UUID | None, *, limit: int, after: TimeKey | None
    ) -> Page[Payment]:
        """Newest first on `(recorded_at, id)`, `limit` after `after` (keyset paging)."""
        ...


class Refunds(Protocol):
    async def add(self, refund: Refund) -> bool:
        """Insert; False when its refund_id is known already (nothing written). A pending
        refund wakes the refund worker when the transaction commits."""

    async def get(self, refund_id: uuid.UUID, *, for_update: bool = False) -> Refund | None: ...

    async def for_order(self, order_id: uuid.UUID, *, for_update: bool = False) -> list[Refund]:
        """The order's refunds, oldest first."""

    async def save(self, refund: Refund) -> None:
        """Write its state and release the worker's claim on it."""

    async def payment_by_reference(self, processor_reference: str) -> Payment | None:
        """The payment a processor knows by this reference (payment intent, capture id)."""


class RefundClaims(Protocol):
    """The refund worker's leases (`shop_messaging.leased_loop`), each call its own
    transaction."""

    async def claim(self, *, lease_s: float, limit: int) -> Sequence[uuid.UUID]:
        """Lease up to `limit` pending refunds whose time has come; their ids."""

    async def give_back(self, refund_ids: Sequence[uuid.UUID]) -> int: ...


@dataclass(frozen=True)
class EventRecord:
    """A processor event's row (`processor_events`: each event is processed once)."""

    event_id: str
    processor: str
    type: str
    order_id: uuid.UUID | None
    outcome: str


class ProcessorEvents(Protocol):
    async def claim(self, event_id: str, processor: str, event_type: str) -> bool:
        """Record the event; False when it was already processed (or is being processed)."""

    async def set_outcome(
        self, event_id: str, order_id: uuid.UUID | None, outcome: str
    ) -> None: ...


class SettingsStore(Protocol):
    async def get(self) -> PaymentSettings | None: ...

    async def put(self, settings: PaymentSettings) -> None: ...


class OfflineChoices(Protocol):
    """The client's offline choice, on its payment request."""

    async def get(self, order_id: uuid.UUID) -> OfflineChoice | None: ...

    async def record(self, choice: OfflineChoice) -> bool:
        """Keep it unless the request has a choice already; whether it was kept."""
        ...


class Outbox(Protocol):
    async def add(self, *envelopes: Envelope) -> None: ...


@dataclass(frozen=True)
class Repositories:
    """Everything one transaction works with."""

    requests: PaymentRequests
    payments: Payments
    events: ProcessorEvents
    settings: SettingsStore
    outbox: Outbox
    refunds: Refunds
    offline: OfflineChoices


class Transaction(Protocol):
    """Opens one database transaction; it commits when the block ends without an error."""

    def __call__(self) -> AbstractAsyncContextManager[Repositories]: ...


class Look(Protocol):
    """Opens a look at the database, for reading only: no transaction (no BEGIN, no COMMIT),
    each statement its own snapshot. For a use case whose reads are one statement."""

    def __call__(self) -> AbstractAsyncContextManager[Repositories]: ...


# Card processors ----------------------------------------------------------------------------


class ProcessorUnavailableError(PaymentsDomainError):
    """The card processor could not start a checkout (or confirm a sandbox payment)."""


class RefundRefusedError(PaymentsDomainError):
    """The processor answered and refused the refund (already refunded, more than is left,
    a disputed charge...): final, the message says why. A refund that could not be asked
    (network, 5xx) raises ProcessorUnavailableError instead: it is asked again, with the
    same idempotency key."""


@dataclass(frozen=True)
class ProcessorRefund:
    """What the processor answered to a refund: its own id for it and its status
    ("succeeded" | "pending" | "failed" | "canceled" for Stripe; PayPal's COMPLETED /
    PENDING are given in lower case: "completed" | "pending")."""

    processor_refund_id: str
    status: str


@dataclass(frozen=True)
class CheckoutRedirect:
    """Where to send the client (the processor's hosted checkout) and its session id."""

    session_id: str
    url: str


class CardProcessor(Protocol):
    name: str

    async def create_checkout(
        self, request: PaymentRequest, success_url: str, cancel_url: str
    ) -> CheckoutRedirect:
        """Start a hosted checkout; idempotent per `request.checkout_key` (order + attempt).
        ProcessorUnavailableError when the processor cannot."""
        ...

    async def refund(self, payment: Payment, amount: int, refund_id: uuid.UUID) -> ProcessorRefund:
        """Refund `amount` (minor units, > 0, at most what is left) of `payment` (its
        `processor_reference`: Stripe's payment intent, PayPal's capture id). Idempotent per
        `refund_id` (Stripe's idempotency key / PayPal's request id: str(refund_id)); the
        refund carries `refund_id` where the processor keeps it (Stripe metadata
        "refund_id", PayPal invoice_id / custom_id) so its refund events can be matched even
        before the shop records the processor's id. RefundRefusedError when the processor
        refuses it, ProcessorUnavailableError when it could not be asked."""
        ...


@dataclass(frozen=True)
class PaypalCapture:
    """What PayPal answered to capturing an approved order (Orders v2 capture)."""

    paypal_order_id: str
    order_id: uuid.UUID | None  # the shop's order (the purchase unit's custom_id)
    capture_id: str | None  # None: nothing captured (declined)
    status: str  # the capture's: COMPLETED | PENDING | DECLINED | FAILED ...
    amount: int | None  # minor units
    currency: str | None


class PaypalProcessor(CardProcessor, Protocol):
    """PayPal (or its built-in sandbox): the client approves the order on PayPal, then comes
    back to the shop, which captures it."""

    async def capture(self, paypal_order_id: str) -> PaypalCapture:
        """Capture an approved order; idempotent (a second call answers the same capture).
        ProcessorUnavailableError when PayPal could not, or refused (not approved, declined)."""
        ...


PAYPAL_PROCESSORS = ("paypal", "paypal_sandbox")


@dataclass(frozen=True)
class ProcessorRegistry:
    """The card processors that can work here, by the name the payment settings use."""

    sandbox: CardProcessor | None = None  # None in production: development and tests only
    stripe: CardProcessor | None = None  # None while STRIPE_SECRET_KEY is unset
    paypal: PaypalProcessor | None = None  # None while PAYPAL_CLIENT_ID/SECRET are unset
    paypal_sandbox: PaypalProcessor | None = None  # development and tests only

    def get(self, name: CardProcessorName | str | None) -> CardProcessor | None:
        return {
            "stripe": self.stripe,
            "sandbox": self.sandbox,
            "paypal": self.paypal,
            "paypal_sandbox": self.paypal_sandbox,
        }.get(name or "")

    def get_paypal(self, name: str | None) -> PaypalProcessor | None:
        """PayPal or its sandbox, by name (the return from PayPal names which)."""
        return {"paypal": self.paypal, "paypal_sandbox": self.paypal_sandbox}.get(name or "")

    def configured(self) -> tuple[CardProcessor, ...]:
        """Every card processor that can work here (the payment page offers those the
        settings enable): Stripe, PayPal, then the sandboxes."""
        every = (self.stripe, self.paypal, self.sandbox, self.paypal_sandbox)
        return tuple(processor for processor in every if processor is not None)


# Processor events (webhooks) ----------------------------------------------------------------


class SignatureError(PaymentsDomainError):
    """A webhook whose signature is missing, wrong, too old or from the future."""


class InvalidEventError(PaymentsDomainError):
    """A signed body that is not a usable event (not JSON, no id, fields of the wrong kind)."""


@dataclass(frozen=True)
class RefundReport:
    """A refund a processor event reports (Stripe `charge.refunded` / `refund.updated`,
    PayPal `PAYMENT.CAPTURE.REFUNDED`), in the service's terms.

    `payment_reference`: the refunded payment's `processor_reference` (payment intent,
    PayPal capture id). `refund_id`: the shop's refund id when the refund carries it (made
    by the shop). `cumulative`: a Stripe charge without its refunds list: `amount` is then
    everything refunded on the payment so far, and `processor_refund_id` None."""

    payment_reference: str
    processor_refund_id: str | None
    amount: int  # minor units
    currency: str
    status: str  # "succeeded" | "pending" | "failed" | "canceled" | "completed" (lower case)
    refund_id: uuid.UUID | None = None
    cumulative: bool = False


@dataclass(frozen=True)
class ProcessorEvent:
    """What a verified processor event says, in the service's terms."""

    event_id: str
    type: str
    processor: str
    order_id: uuid.UUID | None
    client_reference_id: str | None
    amount: int | None
    currency: str | None
    reference: str | None  # payment intent (or the checkout session)
    confirms_payment: bool  # a checkout that is paid
    reports_failure: bool  # a checkout whose (delayed) payment failed
    refunds: tuple[RefundReport, ...] = ()  # refunds it reports (`service.refund_events`)


class EventVerifier(Protocol):
    def verify(self, payload: bytes, signature: str | None) -> ProcessorEvent:
        """The event, once the signature over the raw body is checked; SignatureError or
        InvalidEventError otherwise (nothing in the body is trusted before that)."""
        ...


class PaypalEventVerifier(Protocol):
    async def verify(self, payload: bytes, headers: Mapping[str, str]) -> ProcessorEvent:
        """A PayPal webhook's event, once verified (PayPal's verify-webhook-signature, or the
        built-in sandbox's HMAC) with its transmission time within the tolerance, past or
        future; SignatureError or InvalidEventError otherwise."""
        ...


# The built-in sandbox processor (development and tests) -------------------------------------


@dataclass(frozen=True)
class SandboxLine:
    """A line item of a sandbox checkout, as Stripe's `line_items` carry them."""

    name: str
    amount: int
    description: str | None = None


@dataclass(frozen=True)
class SandboxSession:
    id: str
    order_id: uuid.UUID
    number: str
    amount: int  # the sum of `lines` (Stripe's amount_total)
    currency: str
    status: str  # open | complete
    success_url: str
    cancel_url: str
    lines: tuple[SandboxLine, ...] = ()


@dataclass(frozen=True)
class SandboxRefund:
    """A refund the sandbox made (Stripe's Refund object, as far as the shop needs it)."""

    id: str  # re_sandbox_...
    session_id: str
    amount: int
    refund_id: uuid.UUID  # the shop's (its idempotency key)
    created_at: datetime


class SandboxStore(Protocol):
    """The sandbox's own storage; each call is its own transaction (like a remote API)."""

    async def refund(self, refund: SandboxRefund) -> tuple[SandboxRefund, ...] | None:
        """Record the refund once per `refund_id` (the same id again: the one recorded),
        with the session's row locked; every refund of its session (this one included), or
        None when it would refund more than the session was paid (nothing recorded)."""

    async def create(self, session: SandboxSession, idempotency_key: str) -> SandboxSession:
        """Store it, or return the session already created with this key."""

    async def get(self, session_id: str) -> SandboxSession | None: ...

    async def complete(self, session_id: str) -> None: ...


class SandboxCheckout(Protocol):
    """The sandbox's hosted checkout page, as its routes use it."""

    async def session(self, session_id: str) -> SandboxSession | None: ...

    def pay_path(self, session: SandboxSession) -> str:
        """The path (with the order's token) the page's Pay button posts to."""
        ...

    async def pay(self, session: SandboxSession, now: datetime) -> None:
        """Send the signed completed event to the webhook; ProcessorUnavailableError if it
        was refused."""
        ...
