"""Stripe event JSON -> the facts the payments service acts on (pure)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SANDBOX_EVENT_PREFIX = "evt_sandbox_"
PAID_CHECKOUT_TYPES = frozenset(
    {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
)
FAILED_CHECKOUT_TYPES = frozenset({"checkout.session.async_payment_failed"})


@dataclass(frozen=True)
class ProcessorEvent:
    event_id: str
    type: str
    processor: str
    order_id: uuid.UUID | None
    client_reference_id: str | None
    amount: int | None
    currency: str | None
    payment_status: str | None
    reference: str | None  # payment intent (or the checkout session)

    @property
    def confirms_payment(self) -> bool:
        return self.type in PAID_CHECKOUT_TYPES and self.payment_status == "paid"

    @property
    def reports_failure(self) -> bool:
        return self.type in FAILED_CHECKOUT_TYPES


def _order_id(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_event(event: Mapping[str, Any]) -> ProcessorEvent:
    event_id = str(event["id"])
    data = event.get("data")
    obj: Mapping[str, Any] = {}
    if isinstance(data, Mapping) and isinstance(data.get("object"), Mapping):
        obj = data["object"]
    is_checkout = obj.get("object") == "checkout.session"
    reference = obj.get("payment_intent") or obj.get("id") if is_checkout else None
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), Mapping) else {}
    reference_id = obj.get("client_reference_id") or (metadata or {}).get("order_id")
    currency = obj.get("currency")
    return ProcessorEvent(
        event_id=event_id,
        type=str(event["type"]),
        processor="sandbox" if event_id.startswith(SANDBOX_EVENT_PREFIX) else "stripe",
        order_id=_order_id(reference_id) if is_checkout else None,
        client_reference_id=str(reference_id) if is_checkout and reference_id else None,
        amount=_int(obj.get("amount_total")),
        currency=currency.upper() if isinstance(currency, str) else None,
        payment_status=obj.get("payment_status") if is_checkout else None,
        reference=str(reference) if reference else None,
    )
