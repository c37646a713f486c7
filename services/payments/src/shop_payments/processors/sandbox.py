"""The built-in sandbox processor: a hosted checkout page that sends Stripe-shaped events.

Its pages need the order's access token, like the payment page: a session id alone (say,
from a shared screen or a log) cannot be used to pay, or look at, someone else's order.

It behaves like an external processor: its sessions are its own (idempotent per key), and
a payment reaches the service only as a signed `checkout.session.completed` event POSTed
to the same `/webhooks/stripe` path that Stripe uses.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

import structlog

from shop_payments.domain.model import PaymentRequest
from shop_payments.processors.base import CheckoutRedirect
from shop_payments.service.errors import ProcessorUnavailableError
from shop_payments.webhooks.events import SANDBOX_EVENT_PREFIX
from shop_payments.webhooks.poster import WebhookPoster
from shop_payments.webhooks.signature import sign_payload

log = structlog.get_logger()
SESSION_PREFIX = "cs_sandbox_"


@dataclass(frozen=True)
class SandboxSession:
    id: str
    order_id: uuid.UUID
    number: str
    amount: int
    currency: str
    status: str  # open | complete
    success_url: str
    cancel_url: str

    @property
    def suffix(self) -> str:
        return self.id.removeprefix(SESSION_PREFIX)


class SandboxStore(Protocol):
    """The sandbox's own storage; each call is its own transaction (like a remote API)."""

    async def create(self, session: SandboxSession, idempotency_key: str) -> SandboxSession:
        """Store it, or return the session already created with this key."""

    async def get(self, session_id: str) -> SandboxSession | None: ...

    async def complete(self, session_id: str) -> None: ...


def completed_event(session: SandboxSession, now: datetime) -> dict[str, Any]:
    """A `checkout.session.completed` event shaped as Stripe sends it (one per session)."""
    return {
        "id": f"{SANDBOX_EVENT_PREFIX}{session.suffix}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": int(now.timestamp()),
        "livemode": False,
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": session.id,
                "object": "checkout.session",
                "mode": "payment",
                "client_reference_id": str(session.order_id),
                "metadata": {"order_id": str(session.order_id)},
                "amount_total": session.amount,
                "currency": session.currency.lower(),
                "payment_status": "paid",
                "status": "complete",
                "payment_intent": f"pi_sandbox_{session.suffix}",
            }
        },
    }


class SandboxProcessor:
    name = "sandbox"

    def __init__(
        self,
        store: SandboxStore,
        poster: WebhookPoster,
        *,
        public_url: str,
        webhook_secret: str,
        access_token: Callable[[uuid.UUID], str],
    ) -> None:
        self.store = store
        self.poster = poster
        self.public_url = public_url.rstrip("/")
        self._secret = webhook_secret
        self._access_token = access_token

    async def create_checkout(
        self, request: PaymentRequest, success_url: str, cancel_url: str
    ) -> CheckoutRedirect:
        candidate = SandboxSession(
            id=f"{SESSION_PREFIX}{secrets.token_urlsafe(18)}",
            order_id=request.order_id,
            number=request.number,
            amount=request.amount,
            currency=request.currency,
            status="open",
            success_url=success_url,
            cancel_url=cancel_url,
        )
        session = await self.store.create(candidate, request.checkout_key)
        return CheckoutRedirect(session.id, self.page_url(session))

    def page_url(self, session: SandboxSession, suffix: str = "") -> str:
        """The hosted page, opened (like the payment page) only with the order's token."""
        token = quote(self._access_token(session.order_id))
        return f"{self.public_url}/sandbox/checkout/{session.id}{suffix}?token={token}"

    async def pay(self, session: SandboxSession, now: datetime) -> None:
        """Send the signed completed event to the webhook; raise if it was refused."""
        if session.status == "complete":
            return  # paid already (a double click): the redirect is all that is left
        body = json.dumps(completed_event(session, now), separators=(",", ":"))
        headers = {
            "Content-Type": "application/json",
            "Stripe-Signature": sign_payload(body, self._secret, int(now.timestamp())),
        }
        url = f"{self.public_url}/webhooks/stripe"
        reply = await self.poster(url, body.encode(), headers)
        if reply.status >= 300:
            log.error("payments.sandbox_webhook_refused", status=reply.status, body=reply.body)
            raise ProcessorUnavailableError(
                f"the payment could not be confirmed (webhook answered {reply.status}: "
                f"{reply.body[:200]})"
            )
        await self.store.complete(session.id)
