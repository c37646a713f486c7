"""The refunds a Stripe (or sandbox) event reports: `charge.refunded` (the charge, with its
refunds list when Stripe includes it, else only its total refunded) and `refund.created` /
`refund.updated` / `refund.failed` (one refund). Pure; nothing here is trusted before the
signature was checked (`webhooks.events.parse_event` calls it after)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from shop_payments.service.ports import RefundReport

CHARGE_REFUNDED = "charge.refunded"
REFUND_EVENTS = frozenset(
    {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}
)
MAX_ID_LENGTH = 255


def _id(value: Any) -> str | None:
    if isinstance(value, Mapping):  # an expanded object
        value = value.get("id")
    if isinstance(value, str) and value and len(value) <= MAX_ID_LENGTH and value.isprintable():
        return value
    return None


def _amount(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _refund_id(metadata: Any) -> uuid.UUID | None:
    if not isinstance(metadata, Mapping):
        return None
    try:
        return uuid.UUID(str(metadata.get("refund_id")))
    except ValueError:
        return None


def _report(refund: Mapping[str, Any], reference: str | None) -> RefundReport | None:
    """One Refund object; `reference`: its charge's payment intent (when inside a charge)."""
    payment = _id(refund.get("payment_intent")) or reference or _id(refund.get("charge"))
    refund_ref = _id(refund.get("id"))
    amount = _amount(refund.get("amount"))
    currency = refund.get("currency")
    status = refund.get("status")
    if not (payment and refund_ref and amount and isinstance(currency, str)):
        return None
    return RefundReport(
        payment_reference=payment,
        processor_refund_id=refund_ref,
        amount=amount,
        currency=currency.upper(),
        status=status.lower() if isinstance(status, str) else "pending",
        refund_id=_refund_id(refund.get("metadata")),
    )


def refund_reports(event_type: str, obj: Mapping[str, Any]) -> tuple[RefundReport, ...]:
    """What the event says was refunded; () for any other event (or a malformed one)."""
    if event_type in REFUND_EVENTS and obj.get("object") == "refund":
        report = _report(obj, None)
        return (report,) if report else ()
    if event_type != CHARGE_REFUNDED or obj.get("object") != "charge":
        return ()
    reference = _id(obj.get("payment_intent")) or _id(obj.get("id"))
    refunds = obj.get("refunds")
    items = refunds.get("data") if isinstance(refunds, Mapping) else None
    if isinstance(items, list) and items:
        reports = (_report(item, reference) for item in items if isinstance(item, Mapping))
        return tuple(report for report in reports if report is not None)
    total = _amount(obj.get("amount_refunded"))
    currency = obj.get("currency")
    if not (reference and total and isinstance(currency, str)):
        return ()
    # Without its refunds list (API versions since 2022-11-15): the total refunded so far.
    return (
        RefundReport(
            payment_reference=reference,
            processor_refund_id=None,
            amount=total,
            currency=currency.upper(),
            status="succeeded",
            cumulative=True,
        ),
    )
