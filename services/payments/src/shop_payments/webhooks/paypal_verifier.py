"""PayPal webhooks verified before anything in them is trusted.

- PayPal's own (`processor` "paypal"): its transmission headers, the transmission time within
  the tolerance (past or future), then PayPal's verify-webhook-signature for our webhook id.
- The built-in sandbox's (`processor` "paypal_sandbox", development and tests only):
  `PayPal-Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed by
  SECRET_KEY and PAYPAL_WEBHOOK_ID, its timestamp within the same tolerance as Stripe's.

Which one is decided by the headers and by what this service is configured with, never by the
body: a sandbox signature is refused where the sandbox is off.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from collections.abc import Callable, Mapping
from datetime import datetime

import structlog
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from shop_payments.service.ports import (
    ProcessorEvent,
    ProcessorUnavailableError,
    SignatureError,
)
from shop_payments.webhooks.paypal_api import (
    PAYPAL_ERRORS,
    TRANSMISSION_HEADERS,
    error_text,
    verify_webhook_signature,
)
from shop_payments.webhooks.paypal_events import parse_paypal_event
from shop_payments.webhooks.signature import parse_json, sign_payload

log = structlog.get_logger()

SANDBOX_SIGNATURE_HEADER = "PayPal-Sandbox-Signature"
MAX_HEADER_LENGTH = 2048


def sign_sandbox_event(body: str, secret: str, timestamp: int) -> str:
    """The sandbox's `PayPal-Sandbox-Signature` value for a raw body."""
    return sign_payload(body, secret, timestamp)


def _within(timestamp: float, now: float, tolerance: int, what: str) -> None:
    age = now - timestamp
    if age > tolerance:
        raise SignatureError(f"{what} is too old: {int(age)} s, more than {tolerance} s ago")
    if -age > tolerance:
        raise SignatureError(
            f"{what} is in the future: {int(-age)} s ahead, more than the {tolerance} s tolerated"
        )


def check_sandbox_signature(
    payload: bytes, header: str, secret: str, tolerance: int, now: float
) -> str:
    """The body as text, once its HMAC and timestamp are checked; SignatureError."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        raise SignatureError(f"invalid {SANDBOX_SIGNATURE_HEADER}: no timestamp") from None
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SignatureError(f"invalid {SANDBOX_SIGNATURE_HEADER}: signature mismatch") from exc
    expected = sign_payload(text, secret, timestamp).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, parts.get("v1", "")):
        raise SignatureError(f"invalid {SANDBOX_SIGNATURE_HEADER}: signature mismatch")
    _within(timestamp, now, tolerance, f"{SANDBOX_SIGNATURE_HEADER} timestamp")
    return text


def _transmission_time(value: str) -> float:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SignatureError("invalid PAYPAL-TRANSMISSION-TIME: not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise SignatureError("invalid PAYPAL-TRANSMISSION-TIME: no time zone")
    return moment.timestamp()


class PaypalWebhookVerifier:
    """`client` and `webhook_id`: PayPal's own events (None: PayPal is not configured);
    `sandbox_secret`: the built-in sandbox's (None: the sandbox is off)."""

    def __init__(
        self,
        *,
        client: PaypalServersdkClient | None,
        webhook_id: str | None,
        sandbox_secret: str | None,
        tolerance_s: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._webhook_id = webhook_id
        self._sandbox_secret = sandbox_secret
        self._tolerance = tolerance_s
        self._clock = clock

    async def verify(self, payload: bytes, headers: Mapping[str, str]) -> ProcessorEvent:
        lowered = {key.lower(): value for key, value in headers.items()}
        sandbox_header = lowered.get(SANDBOX_SIGNATURE_HEADER.lower())
        if sandbox_header is not None:
            if self._sandbox_secret is None:
                raise SignatureError("PayPal sandbox events are not accepted here")
            text = check_sandbox_signature(
                payload, sandbox_header, self._sandbox_secret, self._tolerance, self._clock()
            )
            return parse_paypal_event(parse_json(text), "paypal_sandbox")
        return parse_paypal_event(await self._verified_by_paypal(payload, lowered), "paypal")

    async def _verified_by_paypal(
        self, payload: bytes, headers: Mapping[str, str]
    ) -> dict[str, object]:
        if self._client is None or not self._webhook_id:
            raise SignatureError(
                "PayPal webhooks are not configured here (PAYPAL_CLIENT_ID, "
                "PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID)"
            )
        fields: dict[str, str] = {}
        for name, header in TRANSMISSION_HEADERS.items():
            value = headers.get(header)
            if not value or len(value) > MAX_HEADER_LENGTH:
                raise SignatureError(f"missing or invalid {header.upper()} header")
            fields[name] = value
        when = _transmission_time(fields["transmission_time"])
        _within(when, self._clock(), self._tolerance, "PAYPAL-TRANSMISSION-TIME")
        try:
            text = payload.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SignatureError("invalid PayPal webhook: the body is not UTF-8") from exc
        event = parse_json(text)
        body = {**fields, "webhook_id": self._webhook_id, "webhook_event": event}
        try:
            status = await asyncio.to_thread(verify_webhook_signature, self._client, body)
        except PAYPAL_ERRORS as exc:  # PayPal did not answer: it retries the webhook later
            log.error("payments.paypal_verify_failed", error=error_text(exc)[:300])
            raise ProcessorUnavailableError("PayPal could not verify the webhook now") from exc
        if status != "SUCCESS":
            raise SignatureError(f"invalid PayPal webhook signature ({status})")
        return event
