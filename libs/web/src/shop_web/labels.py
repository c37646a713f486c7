"""Statuses in plain words: a client or a photographer reads "Awaiting payment", never
`awaiting_payment`."""

from __future__ import annotations

STATUS = {
    "awaiting_validation": "Awaiting the photographer's validation",
    "awaiting_payment": "Awaiting payment",
    "paid": "Paid",
    "delivered": "Delivered",
    "cancelled": "Cancelled",
}
PAYMENT = {"unpaid": "Not paid yet", "paid": "Paid", "refunded": "Refunded"}
DELIVERY = {"pending": "Not delivered yet", "delivered": "Delivered"}


def _label(table: dict[str, str], value: object) -> str:
    key = str(getattr(value, "value", value))
    return table.get(key, key.replace("_", " ").capitalize())


def status_label(value: object) -> str:
    return _label(STATUS, value)


def payment_label(value: object) -> str:
    return _label(PAYMENT, value)


def delivery_label(value: object) -> str:
    return _label(DELIVERY, value)
