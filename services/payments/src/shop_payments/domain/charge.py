"""What a card processor is asked to charge: line items that add up to exactly the order's
total (the amount the webhook's check then expects).

The lines are the order's lines at their net amounts (price less their share of the
discounts, which orders spreads exactly: their sum is the order's discount), plus one tax
line when the tax comes on top of the prices. The processor's page and receipt then show
what is paid for and the tax, while every amount is the shop's own: no processor coupon or
tax rate, which would round per line on their own and could miss the total by a unit.

Whenever such lines would not add up to the total exactly (an order from before the
figures, prices entered with tax for a reverse-charged buyer who pays the net, a line a
coupon made free, more lines than a processor takes), the charge is one line for the whole
order. Either way
`sum(amount) == request.amount`, checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shop_contracts.money import format_money
from shop_payments.domain.model import PaymentRequest

MAX_LINES = 100  # Stripe Checkout's limit of line items in payment mode
NAME_MAX = 250
DESCRIPTION_MAX = 500


@dataclass(frozen=True)
class ChargeLine:
    name: str
    amount: int  # minor units, >= 0
    description: str | None = None


def rate_text(rate: Decimal) -> str:
    """Decimal("20.0") -> "20 %", Decimal("5.50") -> "5.5 %"."""
    text = format(rate.normalize(), "f")
    return f"{text} %"


def tax_label(request: PaymentRequest) -> str:
    """How the payment page and the tax line name the tax."""
    figures = request.figures
    if figures.reverse_charge:
        return "VAT reverse charge"
    label = "Tax"
    if figures.tax_rate is not None:
        label = f"Tax ({rate_text(figures.tax_rate)})"
    if figures.prices_include_tax:
        label = f"{label}, included"
    return label


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _order_line(request: PaymentRequest) -> ChargeLine:
    return ChargeLine(name=f"Order {request.number}", amount=request.amount)


def charge_lines(request: PaymentRequest) -> tuple[ChargeLine, ...]:
    """The line items to ask the processor for; they add up to `request.amount`."""
    lines = _itemised(request)
    if lines is None or sum(line.amount for line in lines) != request.amount:
        lines = (_order_line(request),)
    assert sum(line.amount for line in lines) == request.amount
    return lines


def _itemised(request: PaymentRequest) -> tuple[ChargeLine, ...] | None:
    figures = request.figures
    if not figures.itemised or not request.lines:
        return None
    currency = request.currency
    items: list[ChargeLine] = []
    for line in request.lines:
        name = f"{line.media_title} ({line.license_name})"
        details: list[str] = []
        if line.usage:
            details.append(line.usage)
        if line.discount:
            off = format_money(line.discount, currency)
            coupon = f", coupon {figures.coupon_code}" if figures.coupon_code else ""
            details.append(f"{format_money(line.price, currency)} less {off} discount{coupon}")
        description = _clip("; ".join(details), DESCRIPTION_MAX) if details else None
        items.append(ChargeLine(_clip(name, NAME_MAX), line.net, description))
    if figures.tax and not figures.prices_include_tax:
        items.append(ChargeLine(tax_label(request), figures.tax))
    # A line a coupon made free: Stripe may refuse a 0 line item; the order line is safe.
    if len(items) > MAX_LINES or any(item.amount <= 0 for item in items):
        return None
    return tuple(items)
