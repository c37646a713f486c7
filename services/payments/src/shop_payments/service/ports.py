"""What the use cases need from the outside, and the errors it may answer with.

`db` implements the storage ports; `processors` the card processors and the sandbox's own
store; `webhooks` the event verifier. Adapters import this module and the domain, nothing
else of the service.
"""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shop_contracts.envelope import Envelope
from shop_payments.domain.errors import PaymentsDomainError
from shop_payments.domain.model import Payment, PaymentRequest
from shop_payments.domain.settings import CardProcessorName, PaymentSettings

# Storage ------------------------------------------------------------------------------------


class PaymentRequests(Protocol):
    async def lock_order(self, order_id: uuid.UUID) -> None:
        """Serialise everything about one order until the transaction ends."""

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> PaymentRequest | None:
        """The request, locked FOR UPDATE when asked."""

    async def add(self, request: PaymentRequest) -> bool:
        """Insert; False when the order is already known."""

    async def save(self, request: PaymentRequest) -> None: ...


class Payments(Protocol):
    async def add(self, payment: Payment) -> None: ...

    async def owe_back(self, order_id: uuid.UUID) -> int:
        """The order's confirmed payments become refunds due; how many."""
        ...

    async def list(self, order_id: uuid.UUID | None = None, limit: int = 100) -> list[Payment]: ...


class ProcessorEvents(Protocol):
    async def claim(self, event_id: str, processor: str, event_type: str) -> bool:
        """Record the event; False when it was already processed (or is being processed)."""

    async def set_outcome(
        self, event_id: str, order_id: uuid.UUID | None, outcome: str
    ) -> None: ...


class SettingsStore(Protocol):
    async def get(self) -> PaymentSettings | None: ...

    async def put(self, settings: PaymentSettings) -> None: ...


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


class Transaction(Protocol):
    """Opens one database transaction; it commits when the block ends without an error."""

    def __call__(self) -> AbstractAsyncContextManager[Repositories]: ...


# Card processors ----------------------------------------------------------------------------


class ProcessorUnavailableError(PaymentsDomainError):
    """The card processor could not start a checkout (or confirm a sandbox payment)."""


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


@dataclass(frozen=True)
class ProcessorRegistry:
    """The card processors that can work here, by the name the payment settings use."""

    sandbox: CardProcessor | None = None  # None in production: development and tests only
    stripe: CardProcessor | None = None  # None while STRIPE_SECRET_KEY is unset

    def get(self, name: CardProcessorName | None) -> CardProcessor | None:
        if name == "stripe":
            return self.stripe
        if name == "sandbox":
            return self.sandbox
        return None


# Processor events (webhooks) ----------------------------------------------------------------


class SignatureError(PaymentsDomainError):
    """A webhook whose signature is missing, wrong, too old or from the future."""


class InvalidEventError(PaymentsDomainError):
    """A signed body that is not a usable event (not JSON, no id, fields of the wrong kind)."""


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


class EventVerifier(Protocol):
    def verify(self, payload: bytes, signature: str | None) -> ProcessorEvent:
        """The event, once the signature over the raw body is checked; SignatureError or
        InvalidEventError otherwise (nothing in the body is trusted before that)."""
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


class SandboxStore(Protocol):
    """The sandbox's own storage; each call is its own transaction (like a remote API)."""

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
