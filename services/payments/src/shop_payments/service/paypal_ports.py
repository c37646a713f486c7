"""The built-in PayPal sandbox's ports: its orders and refunds, kept in this service's
database (each call its own transaction, as a remote API's would be), and its approval page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class PaypalSandboxOrder:
    """An Orders v2 order as the sandbox keeps it: CREATED -> APPROVED -> COMPLETED."""

    id: str
    order_id: uuid.UUID  # the shop's (PayPal's custom_id)
    number: str
    amount: int  # minor units
    currency: str
    status: str  # CREATED | APPROVED | COMPLETED
    return_url: str
    cancel_url: str
    capture_id: str | None = None


@dataclass(frozen=True)
class PaypalSandboxRefund:
    id: str
    paypal_order_id: str
    amount: int
    refund_id: uuid.UUID  # the shop's: once per id (PayPal-Request-Id)


class PaypalSandboxStore(Protocol):
    async def create(self, order: PaypalSandboxOrder, idempotency_key: str) -> PaypalSandboxOrder:
        """Store it, or return the order already created with this key."""

    async def get(self, paypal_order_id: str) -> PaypalSandboxOrder | None: ...

    async def by_capture(self, capture_id: str) -> PaypalSandboxOrder | None: ...

    async def approve(self, paypal_order_id: str) -> PaypalSandboxOrder | None:
        """CREATED -> APPROVED (an approved or completed order stays as it is)."""

    async def capture(
        self, paypal_order_id: str, capture_id: str
    ) -> tuple[PaypalSandboxOrder, bool] | None:
        """APPROVED -> COMPLETED with this capture id; True when this call captured it (False:
        captured before, with its own id; or not approved: status says which)."""

    async def refund(self, refund: PaypalSandboxRefund) -> PaypalSandboxRefund | None:
        """Record it once per `refund_id` (the same id again: the one recorded), the order
        locked; None when it would refund more than was captured (nothing recorded)."""


class PaypalSandboxCheckout(Protocol):
    """The sandbox's approval page, as its routes use it."""

    async def order(self, paypal_order_id: str) -> PaypalSandboxOrder | None: ...

    def approve_path(self, order: PaypalSandboxOrder) -> str:
        """Where the page's Approve button posts (with the order's access token)."""
        ...

    async def approve(self, order: PaypalSandboxOrder) -> str:
        """Approve it; the URL the client goes on to (the shop's return, as PayPal's)."""
        ...
