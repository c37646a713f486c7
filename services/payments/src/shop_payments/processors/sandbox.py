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
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import structlog

from shop_payments.domain.charge import charge_lines
from shop_payments.domain.model import Payment, PaymentRequest
from shop_payments.service.ports import (
    CheckoutRedirect,
    ProcessorRefund,
    ProcessorUnavailableError,
    RefundRefusedError,
    SandboxLine,
    SandboxRefund,
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


INTENT_PREFIX = "pi_sandbox_"
REFUND_PREFIX = "re_sandbox_"


def refunded_event(
    session: SandboxSession, refund: SandboxRefund, refunds: tuple[SandboxRefund, ...]
) -> dict[str, Any]:
    """A `charge.refunded` event shaped as Stripe sends it: the charge, with everything
    refunded on it so far and its refunds list (each with the shop's refund id in its
    metadata). One event per refund (its id derives from the refund's)."""
    suffix = _suffix(session)
    refunded = sum(item.amount for item in refunds)
    return {
        "id": f"{SANDBOX_EVENT_PREFIX}{refund.id.removeprefix(REFUND_PREFIX)}",
        "object": "event",
        "api_version": "2025-01-27.acacia",
        "created": int(refund.created_at.timestamp()),
        "livemode": False,
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": f"ch_sandbox_{suffix}",
                "object": "charge",
                "amount": session.amount,
                "amount_refunded": refunded,
                "refunded": refunded >= session.amount,
                "currency": session.currency.lower(),
                "payment_intent": f"{INTENT_PREFIX}{suffix}",
                "metadata": {"order_id": str(session.order_id)},
                "refunds": {
                    "object": "list",
                    "data": [
                        {
                            "id": item.id,
                            "object": "refund",
                            "amount": item.amount,
                            "currency": session.currency.lower(),
                            "payment_intent": f"{INTENT_PREFIX}{suffix}",
                            "status": "succeeded",
                            "metadata": {
                                "refund_id": str(item.refund_id),
                                "order_id": str(session.order_id),
                            },
                        }
                        for item in refunds
                    ],
                },
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

    async def refund(self, payment: Payment, amount: int, refund_id: uuid.UUID) -> ProcessorRefund:
        """Like Stripe: refused for an unknown or unpaid payment and beyond what is left;
        once per `refund_id`. Its signed `charge.refunded` event then goes to the webhook,
        as Stripe's would (a refused delivery is logged: the refund is made all the same)."""
        reference = payment.processor_reference or ""
        session = None
        if reference.startswith(INTENT_PREFIX):
            session = await self._store.get(SESSION_PREFIX + reference.removeprefix(INTENT_PREFIX))
        if session is None or session.status != "complete":
            raise RefundRefusedError(f"no such sandbox payment: {reference or 'none'}")
        candidate = SandboxRefund(
            id=f"{REFUND_PREFIX}{refund_id.hex}",
            session_id=session.id,
            amount=amount,
            refund_id=refund_id,
            created_at=datetime.now(UTC),
        )
        refunds = await self._store.refund(candidate)
        if refunds is None:
            raise RefundRefusedError(
                f"the refund of {amount} exceeds what is left of the payment ({session.amount} "
                f"paid, minor units of {session.currency})"
            )
        refund = next(item for item in refunds if item.refund_id == refund_id)
        await self._send_refunded(session, refund, refunds)
        return ProcessorRefund(processor_refund_id=refund.id, status="succeeded")

    async def _send_refunded(
        self, session: SandboxSession, refund: SandboxRefund, refunds: tuple[SandboxRefund, ...]
    ) -> None:
        # The list as it was when this refund was made (a redelivered refund: its own event).
        upto = tuple(item for item in refunds if item.created_at <= refund.created_at)
        body = json.dumps(refunded_event(session, refund, upto), separators=(",", ":"))
        now = datetime.now(UTC)
        headers = {
            "Content-Type": "application/json",
            "Stripe-Signature": sign_payload(body, self._secret, int(now.timestamp())),
        }
        try:
            reply = await self.poster(f"{self.public_url}/webhooks/stripe", body.encode(), headers)
        except Exception as exc:  # the refund is made; Stripe would retry its webhook later
            log.warning("payments.sandbox_refund_webhook_failed", error=str(exc)[:200])
            return
        if reply.status >= 300:
            log.warning(
                "payments.sandbox_refund_webhook_refused", status=reply.status, body=reply.body
            )
