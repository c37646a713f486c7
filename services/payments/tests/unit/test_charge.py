"""What the card processor is asked for: line items adding up to exactly the order's total.

The figures come from `shop_pricing.order_totals`, as orders computes them, so these tests
check the processor's request against the real rules (coupon spread, tax on top or
included, reverse charge), not against numbers made up to fit.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shop_payments.domain.charge import charge_lines, rate_text, tax_label
from shop_payments.domain.model import OrderFigures, PaymentRequest, RequestLine
from shop_payments.processors.stripe_processor import checkout_session_params
from shop_pricing.coupons import Coupon
from shop_pricing.lines import Line
from shop_pricing.tax import Buyer, TaxRate, TaxSettings
from shop_pricing.totals import order_totals

NOW = datetime(2026, 12, 6, tzinfo=UTC)
TITLES = ["Sunrise", "Harbour", "Dunes", "Glacier", "Old town"]


def priced_request(
    prices: list[int],
    *,
    percent_off: int | None = None,
    amount_off: int | None = None,
    rate: str | None = "20",
    included: bool = False,
    vat_number: str | None = None,
    usage: str | None = "Usage: Web; Size: A3",
) -> PaymentRequest:
    """A request for lines at `prices`, with its figures from shop_pricing.order_totals."""
    coupon = None
    if percent_off or amount_off:
        coupon = Coupon("SPRING", amount_off=amount_off, percent_off=percent_off)
    tax = buyer = None
    if rate is not None:
        tax = TaxSettings(
            rates=(TaxRate("FR", Fraction(rate)), TaxRate("DE", Fraction(19))),
            prices_include_tax=included,
            home_country="FR",
        )
        buyer = Buyer("DE" if vat_number else "FR", vat_number=vat_number)
    totals = order_totals([Line(price) for price in prices], coupon=coupon, tax=tax, buyer=buyer)
    lines = tuple(
        RequestLine(
            TITLES[i % len(TITLES)],
            "Editorial RM" if i == 0 else "Web",
            share.price,
            share.discount,
            usage if i == 0 else None,
        )
        for i, share in enumerate(totals.lines)
    )
    charged = totals.tax
    figures = OrderFigures(
        subtotal=totals.totals.subtotal,
        discount=totals.totals.discount,
        tax=totals.totals.tax,
        tax_rate=Decimal(str(float(charged.rate))) if charged else None,
        prices_include_tax=included,
        reverse_charge=totals.reverse_charge,
        vat_number=vat_number,
        coupon_code=totals.coupon_code,
    )
    request = PaymentRequest.place(
        order_id=uuid.uuid4(),
        number="N-12",
        amount=totals.totals.total,
        currency="EUR",
        client_name="Ada",
        client_email="ada@example.com",
        manual_validation=False,
        now=NOW,
        lines=lines,
        figures=figures,
    )
    if request.amount > 0:  # a total of 0 has no checkout (nothing to pay)
        request.start_checkout("stripe", NOW)
    return request


def stripe_items(request: PaymentRequest) -> list[dict[str, Any]]:
    params = checkout_session_params(request, "https://shop/done", "https://shop/pay")
    items: list[dict[str, Any]] = params["line_items"]
    assert all(item["quantity"] == 1 for item in items)
    assert {item["price_data"]["currency"] for item in items} == {"eur"}
    return items


def amounts(items: list[dict[str, Any]]) -> list[int]:
    return [item["price_data"]["unit_amount"] for item in items]


def names(items: list[dict[str, Any]]) -> list[str]:
    return [item["price_data"]["product_data"]["name"] for item in items]


def test_tax_on_top_net_lines_and_a_tax_line_add_up_to_the_total() -> None:
    # 120.00 + 80.00, 10 % coupon: 12.00 + 8.00 off; tax 20 % of 180.00 = 36.00; 216.00
    request = priced_request([12000, 8000], percent_off=10)
    assert request.amount == 21600
    items = stripe_items(request)
    assert amounts(items) == [10800, 7200, 3600]
    assert sum(amounts(items)) == request.amount
    assert names(items) == ["Sunrise (Editorial RM)", "Harbour (Web)", "Tax (20 %)"]
    rm = items[0]["price_data"]["product_data"]["description"]
    assert rm == "Usage: Web; Size: A3; 120.00 EUR less 12.00 EUR discount, coupon SPRING"
    assert "Usage" not in items[1]["price_data"]["product_data"]["description"]


def test_an_amount_coupon_spread_unevenly_still_adds_up() -> None:
    # 10.00 off three lines of 33.33: the spread gives 3.34/3.33/3.33 (largest remainder)
    request = priced_request([3333, 3333, 3333], amount_off=1000, rate="5.5")
    items = stripe_items(request)
    assert sum(amounts(items)) == request.amount
    assert names(items)[-1] == "Tax (5.5 %)"
    assert sorted(amounts(items)[:3]) == [2999, 3000, 3000]


def test_prices_with_tax_included_no_tax_line() -> None:
    request = priced_request([12000, 8000], percent_off=10, included=True)
    assert request.amount == 18000  # what the lines cost after the coupon; tax inside
    items = stripe_items(request)
    assert amounts(items) == [10800, 7200]
    assert tax_label(request) == "Tax (20 %), included"


def test_reverse_charge_with_tax_on_top_no_tax_line() -> None:
    request = priced_request([12000, 8000], vat_number="DE123456789")
    assert request.figures.reverse_charge
    items = stripe_items(request)
    assert amounts(items) == [12000, 8000]
    assert sum(amounts(items)) == request.amount == 20000
    assert tax_label(request) == "VAT reverse charge"


def test_reverse_charge_with_prices_including_tax_is_one_line_for_the_order() -> None:
    # The buyer pays the net of the gross prices: the lines (gross) would not add up.
    request = priced_request([12000, 8000], included=True, vat_number="DE123456789")
    assert request.amount == 16807  # 200.00 / 1.19, rounded once
    items = stripe_items(request)
    assert amounts(items) == [16807]
    assert names(items) == ["Order N-12"]


def test_a_line_made_free_by_the_coupon_is_one_line_for_the_order() -> None:
    # A 5.00 coupon restricted to the first line's profile makes it free (Stripe may refuse
    # a 0 line item): one line for the order, still the total.
    profile = uuid.uuid4()
    coupon = Coupon("FREEWEB", amount_off=500, profile_ids=frozenset({profile}))
    totals = order_totals([Line(500, profile), Line(8000, uuid.uuid4())], coupon=coupon)
    request = PaymentRequest.place(
        order_id=uuid.uuid4(),
        number="N-13",
        amount=totals.totals.total,
        currency="EUR",
        client_name="Ada",
        client_email="ada@example.com",
        manual_validation=False,
        now=NOW,
        lines=tuple(
            RequestLine("Dunes", "Web", share.price, share.discount) for share in totals.lines
        ),
        figures=OrderFigures(subtotal=8500, discount=500, coupon_code="FREEWEB"),
    )
    assert [line.net for line in request.lines] == [0, 8000]
    items = stripe_items(request)
    assert amounts(items) == [8000]
    assert names(items) == ["Order N-13"]


def test_an_order_from_before_the_figures_is_one_line() -> None:
    request = PaymentRequest.place(
        order_id=uuid.uuid4(),
        number="N-1",
        amount=4500,
        currency="EUR",
        client_name="Ada",
        client_email="ada@example.com",
        manual_validation=False,
        now=NOW,
        lines=(RequestLine("Sunrise", "Web", 4500),),
    )
    assert [(line.name, line.amount) for line in charge_lines(request)] == [("Order N-1", 4500)]


def test_rate_text() -> None:
    assert rate_text(Decimal("20.0")) == "20 %"
    assert rate_text(Decimal("5.50")) == "5.5 %"
    assert rate_text(Decimal("0")) == "0 %"


@settings(max_examples=300, deadline=None)
@given(
    prices=st.lists(st.integers(1, 10**7), min_size=1, max_size=8),
    percent_off=st.one_of(st.none(), st.integers(1, 99)),
    rate=st.one_of(st.none(), st.sampled_from(["0", "5.5", "7.7", "19", "20", "21"])),
    included=st.booleans(),
    vat=st.booleans(),
)
def test_stripe_line_items_always_add_up_to_the_total(
    prices: list[int], percent_off: int | None, rate: str | None, included: bool, vat: bool
) -> None:
    request = priced_request(
        prices,
        percent_off=percent_off,
        rate=rate,
        included=included,
        vat_number="DE123456789" if vat and rate is not None else None,
    )
    # A total of 0 (a 99 % coupon on a price of 1) never reaches a processor: nothing to pay.
    assume(request.amount > 0)
    items = stripe_items(request)
    assert sum(amounts(items)) == request.amount
    assert all(amount >= 0 for amount in amounts(items))
    itemised = len(items) > 1 or names(items) != ["Order N-12"]
    reverse_included = request.figures.reverse_charge and included
    if all(line.net > 0 for line in request.lines) and not reverse_included:
        assert itemised  # the rules as orders applies them always add up line by line
