"""What the use cases need from storage and the outbox; `db` implements these."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from shop_contracts.envelope import Envelope
from shop_payments.domain.model import Payment, PaymentRequest
from shop_payments.domain.settings import PaymentSettings


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

    async def list(self, order_id: uuid.UUID | None = None, limit: int = 100) -> list[Payment]: ...


class ProcessorEvents(Protocol):
    async def claim(self, event_id: str, processor: str, event_type: str) -> bool:
        """Record the event; False when it was already processed (or is being processed)."""

    async def set_outcome(
        self, event_id: str, order_id: uuid.UUID | None, outcome: str
    ) -> None: ...


class PendingMessages(Protocol):
    async def keep(self, order_id: uuid.UUID, envelope: Envelope) -> None: ...

    async def take(self, order_id: uuid.UUID) -> list[Envelope]:
        """Remove and return the order's pending messages, oldest first."""


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
    pending: PendingMessages
    settings: SettingsStore
    outbox: Outbox
