"""An order's money as its emails show it: subtotal, discount (and coupon), tax, total.

`order.placed` carries the figures (computed by orders with `shop_pricing.order_totals`);
nothing is computed here but their text. An order from before the pricing issue has no
subtotal: its emails show the total alone, as they always did.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shop_contracts.events import Invoice, OrderPlaced
from shop_notifications.domain.formatting import format_money


@dataclass(frozen=True)
class Pricing:
    total: int
    currency: str
    subtotal: int | None = None  # None: an order from before the pricing issue
    discount: int = 0
    tax: int = 0
    tax_rate: Decimal | None = None  # percent; None: no tax set
    prices_include_tax: bool = False
    reverse_charge: bool = False
    coupon_code: str | None = None

    @classmethod
    def of_placed(cls, event: OrderPlaced) -> Pricing:
        return cls(
            total=event.total,
            currency=event.currency,
            subtotal=event.subtotal,
            discount=event.discount,
            tax=event.tax,
            tax_rate=event.tax_rate,
            prices_include_tax=event.prices_include_tax,
            reverse_charge=event.reverse_charge,
            coupon_code=event.coupon_code,
        )

    @classmethod
    def of_invoice(cls, invoice: Invoice) -> Pricing:
        return cls(
            total=invoice.total,
            currency=invoice.currency,
            subtotal=invoice.subtotal,
            discount=invoice.discount,
            tax=invoice.tax,
            tax_rate=invoice.tax_rate,
            prices_include_tax=invoice.prices_include_tax,
            reverse_charge=invoice.reverse_charge,
            coupon_code=invoice.coupon_code,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "currency": self.currency,
            "subtotal": self.subtotal,
            "discount": self.discount,
            "tax": self.tax,
            "tax_rate": None if self.tax_rate is None else str(self.tax_rate),
            "prices_include_tax": self.prices_include_tax,
            "reverse_charge": self.reverse_charge,
            "coupon_code": self.coupon_code,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pricing:
        rate = data.get("tax_rate")
        return cls(
            total=int(data["total"]),
            currency=str(data["currency"]),
            subtotal=None if data.get("subtotal") is None else int(data["subtotal"]),
            discount=int(data.get("discount") or 0),
            tax=int(data.get("tax") or 0),
            tax_rate=None if rate is None else Decimal(str(rate)),
            prices_include_tax=bool(data.get("prices_include_tax")),
            reverse_charge=bool(data.get("reverse_charge")),
            coupon_code=data.get("coupon_code"),
        )


def percent(rate: Decimal) -> str:
    """Decimal("20.0") -> "20%"; Decimal("5.50") -> "5.5%"."""
    text = format(rate.normalize(), "f")
    return f"{text}%"


def totals_context(pricing: Pricing) -> dict[str, object]:
    """The rows of the totals box, formatted (`templates/emails/_macros.html: totals`).

    Subtotal whenever the order has one; the discount (with the coupon's code) only when
    there is one; the tax when a rate applies, or the reverse charge; then the total."""

    def money(minor: int) -> str:
        return format_money(minor, pricing.currency)

    tax_label: str | None = None
    if pricing.reverse_charge:
        tax_label = "VAT reverse charge"
    elif pricing.tax_rate is not None or pricing.tax:
        rate = f" {percent(pricing.tax_rate)}" if pricing.tax_rate is not None else ""
        tax_label = f"Tax{rate}" + (
            " (included in the prices)" if pricing.prices_include_tax else ""
        )
    discount_label = None
    if pricing.discount:
        discount_label = (
            f"Discount (coupon {pricing.coupon_code})" if pricing.coupon_code else "Discount"
        )
    return {
        "subtotal": None if pricing.subtotal is None else money(pricing.subtotal),
        "discount": money(pricing.discount) if pricing.discount else None,
        "discount_label": discount_label,
        "coupon_code": pricing.coupon_code,
        "tax": money(pricing.tax) if tax_label is not None else None,
        "tax_label": tax_label,
        "reverse_charge": pricing.reverse_charge,
        "total": money(pricing.total),
    }
