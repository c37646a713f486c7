"""Stripe event JSON -> the facts the payments service acts on (pure)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from shop_payments.service.ports import InvalidEventError, ProcessorEvent
from shop_payments.webhooks.stripe_refunds import refund_reports

SANDBOX_EVENT_PREFIX = "evt_sandbox_"
PAID_CHECKOUT_TYPES = frozenset(
    {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
)
FAILED_CHECKOUT_TYPES = frozenset({"checkout.session.async_payment_failed"})


MAX_ID_LENGTH = 255  # event ids and payment references, as stored
MAX_TYPE_LENGTH = 100


def _order_id(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any, name: str, max_length: int) -> str:
    """A short printable string, as the database will hold it, or InvalidEventError."""
    if not isinstance(value, str) or not value:
        raise InvalidEventError(f"invalid webhook payload: {name} must be a non-empty string")
    if len(value) > max_length or not value.isprintable():
        raise InvalidEventError(
            f"invalid webhook payload: {name} must be at most {max_length} printable characters"
        )
    return value


def _reference(session: Mapping[str, Any]) -> str | None:
    """The payment intent's id (expanded or not), else the checkout session's."""
    intent = session.get("payment_intent")
    if isinstance(intent, Mapping):
        intent = intent.get("id")
    value = intent or session.get("id")
    return _text(value, "payment_intent", MAX_ID_LENGTH) if value else None


def parse_event(event: Mapping[str, Any]) -> ProcessorEvent:
    event_id = _text(event.get("id"), "id", MAX_ID_LENGTH)
    event_type = _text(event.get("type"), "type", MAX_TYPE_LENGTH)
    data = event.get("data")
    obj: Mapping[str, Any] = {}
    if isinstance(data, Mapping) and isinstance(data.get("object"), Mapping):
        obj = data["object"]
    is_checkout = obj.get("object") == "checkout.session"
    reference = _reference(obj) if is_checkout else None
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
    reference_id = obj.get("client_reference_id") or (metadata or {}).get("order_id")
    currency = obj.get("currency")
    payment_status = obj.get("payment_status") if is_checkout else None
    return ProcessorEvent(
        event_id=event_id,
        type=event_type,
        processor="sandbox" if event_id.startswith(SANDBOX_EVENT_PREFIX) else "stripe",
        order_id=_order_id(reference_id) if is_checkout else None,
        client_reference_id=str(reference_id)[:100] if is_checkout and reference_id else None,
        amount=_int(obj.get("amount_total")),
        currency=currency.upper() if isinstance(currency, str) else None,
        reference=reference,
        confirms_payment=event_type in PAID_CHECKOUT_TYPES and payment_status == "paid",
        reports_failure=event_type in FAILED_CHECKOUT_TYPES,
        refunds=refund_reports(event_type, obj),
    )
