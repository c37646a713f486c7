"""Stripe's webhook signature: `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256>`.

Verification goes through the official SDK; signing (for the sandbox's events) follows the
same scheme, so the sandbox exercises exactly the path Stripe's events take. Nothing in a
body is read before its signature is checked.

The SDK refuses a timestamp older than the tolerance but accepts one from any time in the
future (a captured event signed ahead would stay replayable until then): we refuse both.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import stripe

from shop_payments.service.ports import InvalidEventError, SignatureError

MAX_JSON_DEPTH = 32  # Stripe's events nest about 10 deep; more is an attack on the parser


def sign_payload(payload: str, secret: str, timestamp: int) -> str:
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


def _timestamp(header: str) -> int:
    """The `t=` of a header the SDK has already accepted (so it has exactly that form)."""
    items = (item.split("=", 1) for item in header.split(","))
    return int(next(value for key, value in items if key == "t"))


def verify_signature(
    payload: bytes, header: str | None, secret: str, tolerance: int, now: float | None = None
) -> str:
    """The body as text, once the header's signature over it and its timestamp (within
    `tolerance` seconds of `now`, before or after) are checked."""
    if not header:
        raise SignatureError("missing Stripe-Signature header")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEventError("invalid webhook payload: the body is not UTF-8") from exc
    try:
        stripe.WebhookSignature.verify_header(text, header, secret, tolerance)
    except stripe.SignatureVerificationError as exc:
        reason = str(exc.user_message or "signature mismatch")
        raise SignatureError(f"invalid Stripe-Signature: {reason}") from exc
    timestamp = _timestamp(header)
    ahead = timestamp - (time.time() if now is None else now)
    if tolerance and ahead > tolerance:
        raise SignatureError(
            f"invalid Stripe-Signature: Timestamp outside the tolerance zone ({timestamp}): "
            f"{int(ahead)} s in the future, more than the {tolerance} s tolerated"
        )
    return text


def _depth(value: Any) -> int:
    """How deep JSON containers nest (iterative: a deep value cannot exhaust the stack)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json(text: str) -> dict[str, Any]:
    """A signed body as a JSON object of a sane depth, or InvalidEventError."""
    try:
        event = json.loads(text)
    except RecursionError as exc:  # the parser's own limit: nested about a thousand deep
        raise InvalidEventError(
            f"invalid webhook payload: JSON nested more than {MAX_JSON_DEPTH} levels deep"
        ) from exc
    except ValueError as exc:
        raise InvalidEventError("invalid webhook payload: the body is not JSON") from exc
    if not isinstance(event, dict):
        raise InvalidEventError("invalid webhook payload: an event is a JSON object")
    if _depth(event) > MAX_JSON_DEPTH:
        raise InvalidEventError(
            f"invalid webhook payload: JSON nested more than {MAX_JSON_DEPTH} levels deep"
        )
    return event


def verify_event(
    payload: bytes, header: str | None, secret: str, tolerance: int, now: float | None = None
) -> dict[str, Any]:
    """The event as a plain dict, once its signature and timestamp are checked."""
    return parse_json(verify_signature(payload, header, secret, tolerance, now))
