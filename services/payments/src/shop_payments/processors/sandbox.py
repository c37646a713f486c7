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
from datetime import datetime
from typing import Any
from urllib.parse import quote

import structlog

from shop_payments.domain.charge import charge_lines
from shop_payments.domain.model import PaymentRequest
from shop_payments.service.ports import (
    CheckoutRedirect,
    ProcessorUnavailableError,
    SandboxLine,
    SandboxSession,
    SandboxStore,
)
from shop_payments.webhooks.events import SANDBOX_EVENT_PREFIX
from shop_payments.webhooks.poster import WebhookPoster
from shop_payments.webhooks.signature import sign_payload

log = structlog.get_logger()
SESSION_PREFIX = "cs_sandbox_"


def _suffix(session: SandboxSession) -> str:
    return session.id.removeprefix(SESSION_PREFIX)


def completed_event(session: SandboxSession, now: datetime) -> dict[str, Any]:
    """A `checkout.session.completed` event shaped as Stripe sends it (one per session)."""
    return {
        "id": f"{SANDBOX_EVENT_PREFIX}{_suffix(session)}",
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
                "payment_intent": f"pi_sandbox_{_suffix(session)}",
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
        self._store = store
        self.poster = poster  # tests hand in their own (an in-process app)
        self.public_url = public_url.rstrip("/")
        self._secret = webhook_secret
        self._access_token = access_token

    async def create_checkout(
        self, request: PaymentRequest, success_url: str, cancel_url: str
    ) -> CheckoutRedirect:
        # The same line items Stripe is given; the session's amount is their sum, as
        # Stripe's amount_total is (the webhook checks it against the order's total).
        lines = tuple(
            SandboxLine(line.name, line.amount, line.description) for line in charge_lines(request)
        )
        candidate = SandboxSession(
            id=f"{SESSION_PREFIX}{secrets.token_urlsafe(18)}",
            order_id=request.order_id,
            number=request.number,
            amount=sum(line.amount for line in lines),
            lines=lines,
            currency=request.currency,
            status="open",
            success_url=success_url,
            cancel_url=cancel_url,
        )
        session = await self._store.create(candidate, request.checkout_key)
        return CheckoutRedirect(session.id, self.page_url(session))

    def page_url(self, session: SandboxSession) -> str:
        """The hosted page, opened (like the payment page) only with the order's token."""
        return f"{self.public_url}{self._path(session)}"

    def pay_path(self, session: SandboxSession) -> str:
        return self._path(session, "/pay")

    def _path(self, session: SandboxSession, suffix: str = "") -> str:
        token = quote(self._access_token(session.order_id))
        return f"/sandbox/checkout/{session.id}{suffix}?token={token}"

    async def session(self, session_id: str) -> SandboxSession | None:
        return await self._store.get(session_id)

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
        await self._store.complete(session.id)
