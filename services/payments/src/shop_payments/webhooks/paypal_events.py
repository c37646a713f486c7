"""PayPal's amounts and webhook events -> the facts the payments service acts on (pure).

PayPal writes amounts as decimal strings in the currency's major unit ("45.00" EUR, "4500"
JPY); the shop keeps integer minor units (`shop_contracts.money`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from shop_contracts.money import currency_exponent, is_currency, to_major
from shop_payments.service.ports import InvalidEventError, ProcessorEvent, RefundReport
from shop_payments.webhooks.events import MAX_ID_LENGTH, MAX_TYPE_LENGTH

CAPTURE_COMPLETED = "PAYMENT.CAPTURE.COMPLETED"
CAPTURE_REFUNDED = "PAYMENT.CAPTURE.REFUNDED"
CAPTURE_FAILED = frozenset({"PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED"})
ORDER_APPROVED = "CHECKOUT.ORDER.APPROVED"  # approved, not captured: the shop captures it
MAX_REFERENCE_LENGTH = 100  # PayPal's ids are 17 to 36 characters
_VALUE = re.compile(r"\d{1,15}(\.\d{1,3})?")
# PayPal refuses decimals for these, whatever ISO 4217 says (HUF and TWD have minor units).
NO_DECIMALS = frozenset({"HUF", "JPY", "TWD"})


class PaypalAmountError(ValueError):
    """An amount PayPal cannot take (a fraction of a currency it wants in whole units)."""


def paypal_value(minor: int, currency: str) -> str:
    """4500 EUR -> "45.00"; 4500 JPY -> "4500". PaypalAmountError for HUF/TWD with cents."""
    major = to_major(minor, currency)
    if currency.upper() in NO_DECIMALS:
        if major != major.to_integral_value():
            raise PaypalAmountError(
                f"PayPal takes {currency} in whole units only: {major} cannot be charged"
            )
        return str(major.quantize(Decimal(1)))
    return str(major)


def paypal_minor(value: Any, currency: Any) -> tuple[int, str]:
    """PayPal's {"value", "currency_code"} -> (minor units, currency); InvalidEventError."""
    if not isinstance(currency, str) or not is_currency(currency.upper()):
        raise InvalidEventError("invalid webhook payload: amount.currency_code is not a currency")
    code = currency.upper()
    if not isinstance(value, str) or not _VALUE.fullmatch(value):
        raise InvalidEventError("invalid webhook payload: amount.value is not a decimal amount")
    minor = Decimal(value).scaleb(currency_exponent(code))
    if minor != minor.to_integral_value():
        raise InvalidEventError(
            f"invalid webhook payload: amount.value {value} has more decimals than {code}"
        )
    return int(minor), code


def money_of(amount: Any) -> tuple[int, str]:
    if not isinstance(amount, Mapping):
        raise InvalidEventError("invalid webhook payload: amount is missing")
    return paypal_minor(amount.get("value"), amount.get("currency_code"))


def _text(value: Any, name: str, max_length: int) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidEventError(f"invalid webhook payload: {name} must be a non-empty string")
    if len(value) > max_length or not value.isprintable():
        raise InvalidEventError(
            f"invalid webhook payload: {name} must be at most {max_length} printable characters"
        )
    return value


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _up_link(resource: Mapping[str, Any]) -> str | None:
    """The captured payment a refund belongs to: its `up` link's last segment."""
    links = resource.get("links")
    for link in links if isinstance(links, list) else ():
        if isinstance(link, Mapping) and link.get("rel") == "up":
            href = link.get("href")
            if isinstance(href, str) and "/captures/" in href:
                return _text(href.rstrip("/").rsplit("/", 1)[-1], "capture id", 100)
    return None


def _refund_report(resource: Mapping[str, Any]) -> RefundReport:
    amount, currency = money_of(resource.get("amount"))
    capture_id = _up_link(resource)
    if capture_id is None:
        raise InvalidEventError("invalid webhook payload: the refund names no captured payment")
    status = resource.get("status")
    return RefundReport(
        payment_reference=capture_id,
        processor_refund_id=_text(resource.get("id"), "resource.id", MAX_REFERENCE_LENGTH),
        amount=amount,
        currency=currency,
        status=status.lower() if isinstance(status, str) else "completed",
        refund_id=_uuid(resource.get("custom_id")) or _uuid(resource.get("invoice_id")),
    )


def _approved_order(resource: Mapping[str, Any]) -> Any:
    units = resource.get("purchase_units")
    unit = units[0] if isinstance(units, list) and units else None
    return unit.get("custom_id") if isinstance(unit, Mapping) else None


def parse_paypal_event(event: Mapping[str, Any], processor: str) -> ProcessorEvent:
    """A verified PayPal event (`processor`: "paypal" or "paypal_sandbox", from how it was
    verified, never from the body)."""
    event_id = _text(event.get("id"), "id", MAX_ID_LENGTH)
    event_type = _text(event.get("event_type"), "event_type", MAX_TYPE_LENGTH)
    raw = event.get("resource")
    resource: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    capture = event_type == CAPTURE_COMPLETED or event_type in CAPTURE_FAILED
    amount: int | None = None
    currency: str | None = None
    reference: str | None = None
    if capture:
        amount, currency = money_of(resource.get("amount"))
        reference = _text(resource.get("id"), "resource.id", MAX_REFERENCE_LENGTH)
    custom_id = resource.get("custom_id") if capture else None
    if event_type == ORDER_APPROVED:  # the client approved but may never come back
        reference = _text(resource.get("id"), "resource.id", MAX_REFERENCE_LENGTH)
        custom_id = _approved_order(resource)
    return ProcessorEvent(
        event_id=event_id,
        type=event_type,
        processor=processor,
        order_id=_uuid(custom_id),
        client_reference_id=str(custom_id)[:100] if custom_id else None,
        amount=amount,
        currency=currency,
        reference=reference,
        confirms_payment=event_type == CAPTURE_COMPLETED and resource.get("status") == "COMPLETED",
        reports_failure=event_type in CAPTURE_FAILED,
        refunds=(_refund_report(resource),) if event_type == CAPTURE_REFUNDED else (),
    )
