"""Tax (rates, included or not, reverse charge) and an order's totals with every rule."""

from __future__ import annotations

import uuid
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_pricing.coupons import Coupon, CouponRefused, Refusal
from shop_pricing.discounts import QuantityTiers, Tier
from shop_pricing.lines import Line
from shop_pricing.rounding import MAX_AMOUNT, PriceError, round_half_up
from shop_pricing.tax import (
    Buyer,
    TaxRate,
    TaxSettings,
    reverse_charged,
    tax_for,
    tax_of,
    vat_number_valid,
)
from shop_pricing.totals import order_totals, totals_of

RF, RM = uuid.uuid4(), uuid.uuid4()
RATES = (
    TaxRate("FR", 20),
    TaxRate("DE", 19),
    TaxRate("CA", 5),
    TaxRate("CA", Decimal("14.975"), region="QC"),
    TaxRate("US", 0),
)
EXCLUSIVE = TaxSettings(RATES, prices_include_tax=False, home_country="FR")
INCLUSIVE = TaxSettings(RATES, prices_include_tax=True, home_country="FR")
TIERS = {RF: QuantityTiers((Tier(3, 10), Tier(10, 20)))}


# -- rates ----------------------------------------------------------------------------------


def test_the_region_rate_wins_over_the_country_rate() -> None:
    assert EXCLUSIVE.rate_for("CA", "QC") == Fraction("14.975")
    assert EXCLUSIVE.rate_for("ca", "on") == 5
    assert EXCLUSIVE.rate_for("FR", "IDF") == 20


def test_an_unknown_country_is_refused() -> None:
    with pytest.raises(PriceError) as refused:
        EXCLUSIVE.rate_for("JP")
    assert refused.value.field == "country"
    with pytest.raises(PriceError, match="country"):
        tax_for(100, EXCLUSIVE, Buyer("BR"))
    with pytest.raises(PriceError, match="country"):
        Buyer("France")
    assert TaxSettings(RATES, default_rate=Fraction(0)).rate_for("JP") == 0


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: TaxRate("FR", -1), "tax_rates[FR].rate"),
        (lambda: TaxRate("FR", 101), "tax_rates[FR].rate"),
        (lambda: TaxRate("FR", 20.0), "tax_rates[FR].rate"),  # type: ignore[arg-type]
        (lambda: TaxRate("FRA", 20), "tax_rates.country"),
        (lambda: TaxSettings((TaxRate("FR", 20), TaxRate("fr", 5))), "tax_rates"),
        (lambda: TaxSettings(home_country="1"), "home_country"),
        (lambda: TaxSettings(default_rate=Fraction(200)), "default_rate"),
    ],
)
def test_bad_tax_settings_are_refused(make: object, field: str) -> None:
    with pytest.raises(PriceError) as refused:
        make()  # type: ignore[operator]
    assert refused.value.field == field


# -- tax on an amount -----------------------------------------------------------------------


def test_tax_without_and_with_tax_included() -> None:
    exclusive = tax_of(10000, Fraction(20), included=False)
    assert (exclusive.net, exclusive.tax, exclusive.gross) == (10000, 2000, 12000)
    inclusive = tax_of(12000, Fraction(20), included=True)
    assert (inclusive.net, inclusive.tax, inclusive.gross) == (10000, 2000, 12000)
    odd = tax_of(999, Fraction(55, 10), included=True)  # 999 / 1.055 = 946.919...
    assert (odd.net, odd.tax) == (947, 52)
    half = tax_of(5, Fraction(10), included=False)  # 0.5 -> 1, half up
    assert half.tax == 1


# -- VAT numbers and the reverse charge -----------------------------------------------------


@pytest.mark.parametrize(
    ("country", "number", "valid"),
    [
        ("DE", "DE123456789", True),
        ("DE", "de 123 456 789", True),
        ("DE", "123456789", True),
        ("DE", "DE12345678", False),
        ("FR", "FR 40 303265045", True),
        ("FR", "FRIO303265045", False),  # I and O are not used in the key
        ("NL", "NL123456789B01", True),
        ("NL", "NL123456789A01", False),
        ("AT", "ATU12345678", True),
        ("AT", "AT12345678", False),
        ("GR", "EL123456789", True),
        ("GR", "GR123456789", False),
        ("ES", "ESX1234567A", True),
        ("IE", "IE1234567WA", True),
        ("BE", "BE0123456789", True),
        ("BE", "BE2123456789", False),
        ("SE", "SE123456789001", True),
        ("SE", "SE123456789002", False),
        ("GB", "GB123456789", False),  # not an EU state
        ("DE", "", False),
    ],
)
def test_vat_number_formats(country: str, number: str, valid: bool) -> None:
    assert vat_number_valid(country, number) is valid


def test_an_eu_business_with_a_valid_vat_number_is_reverse_charged() -> None:
    business = Buyer("DE", vat_number="DE123456789")
    charged = tax_for(10000, EXCLUSIVE, business)
    assert (charged.tax, charged.gross, charged.reverse_charge) == (0, 10000, True)
    assert charged.rate == 19  # the rate is known for the record, not charged
    # a bad number, a consumer, a domestic business or a non-EU business: tax is charged
    assert not tax_for(10000, EXCLUSIVE, Buyer("DE", vat_number="DE1234")).reverse_charge
    assert tax_for(10000, EXCLUSIVE, Buyer("DE")).tax == 1900
    domestic = tax_for(10000, EXCLUSIVE, Buyer("FR", vat_number="FR40303265045"))
    assert (domestic.tax, domestic.reverse_charge) == (2000, False)
    assert not reverse_charged(EXCLUSIVE, Buyer("US", vat_number="DE123456789"))
    # no home country: every EU business buyer is reverse-charged
    assert reverse_charged(TaxSettings(RATES), Buyer("FR", vat_number="FR40303265045"))


def test_reverse_charge_with_tax_included_charges_the_net() -> None:
    charged = tax_for(11900, INCLUSIVE, Buyer("DE", vat_number="DE123456789"))
    assert (charged.net, charged.tax, charged.gross) == (10000, 0, 10000)


def test_a_business_buyer_from_a_country_without_a_rate_is_reverse_charged_not_refused() -> None:
    only_home = TaxSettings((TaxRate("FR", 20),), home_country="FR")
    agency = Buyer("PL", vat_number="PL1234567890")
    charged = tax_for(10000, only_home, agency)
    assert (charged.tax, charged.gross, charged.reverse_charge) == (0, 10000, True)
    included = TaxSettings((TaxRate("FR", 20),), prices_include_tax=True, home_country="FR")
    net = tax_for(12000, included, agency)  # the net out of the home rate: 12000 / 1.2
    assert (net.net, net.tax, net.gross) == (10000, 0, 10000)
    with pytest.raises(PriceError):  # a consumer from there: still no rate to charge
        tax_for(10000, only_home, Buyer("PL"))


# -- order totals ---------------------------------------------------------------------------


def test_totals_of_keeps_working() -> None:
    assert totals_of([100, 200]).total == 300
    with pytest.raises(PriceError):
        totals_of([MAX_AMOUNT, 1])


def test_an_order_with_tiers_a_coupon_and_tax() -> None:
    lines = [Line(1000, RF), Line(1000, RF), Line(1000, RF), Line(15000, RM)]
    coupon = Coupon("RF20", percent_off=20, profile_ids=frozenset({RF}))
    result = order_totals(
        lines, quantity_tiers=TIERS, coupon=coupon, tax=EXCLUSIVE, buyer=Buyer("FR")
    )
    # RF: 3000 - 10 % = 2700, then - 20 % = 2160; RM untouched: 15000; after = 17160
    assert [share.quantity_discount for share in result.lines] == [100, 100, 100, 0]
    assert [share.coupon_discount for share in result.lines] == [180, 180, 180, 0]
    totals = result.totals
    assert (totals.subtotal, totals.discount, totals.tax) == (18000, 840, 3432)
    assert totals.total == 20592
    assert result.coupon_code == "RF20"
    assert not result.reverse_charge


def test_an_order_with_tax_included_shows_net_figures_and_charges_the_gross() -> None:
    lines = [Line(12000, RF)]
    result = order_totals(
        lines, coupon=Coupon("TEN", amount_off=1200), tax=INCLUSIVE, buyer=Buyer("FR")
    )
    # 12000 gross - 1200 = 10800 gross = 9000 net + 1800 VAT; subtotal 10000 net
    assert result.totals == type(result.totals)(subtotal=10000, discount=1000, tax=1800)
    assert result.totals.total == 10800 == sum(share.net for share in result.lines)


def test_a_free_order_costs_zero_and_a_refused_coupon_gives_no_totals() -> None:
    free = order_totals([Line(500), Line(700)], coupon=Coupon("ALL", percent_off=100))
    assert free.totals.total == 0
    assert [share.discount for share in free.lines] == [500, 700]
    with pytest.raises(CouponRefused) as refused:
        order_totals([Line(500)], coupon=Coupon("MIN", amount_off=10, minimum_order=501))
    assert refused.value.reason is Refusal.BELOW_MINIMUM


def test_tax_needs_both_its_settings_and_the_buyer_and_bounds_hold() -> None:
    with pytest.raises(PriceError, match="buyer"):
        order_totals([Line(1)], tax=EXCLUSIVE)
    with pytest.raises(PriceError, match="tax"):
        order_totals([Line(1)], buyer=Buyer("FR"))
    with pytest.raises(PriceError, match="subtotal"):
        order_totals([Line(MAX_AMOUNT), Line(1)])
    with pytest.raises(PriceError, match="total"):
        order_totals([Line(MAX_AMOUNT)], tax=EXCLUSIVE, buyer=Buyer("FR"))


# -- properties -----------------------------------------------------------------------------

RATE = st.fractions(min_value=0, max_value=100, max_denominator=1000)
LINES = st.lists(
    st.builds(Line, st.integers(0, 10**8), st.sampled_from([RF, RM, None])), max_size=15
)
COUPON = st.none() | st.one_of(
    st.builds(Coupon, st.just("C"), amount_off=st.integers(1, 10**9)),
    st.builds(Coupon, st.just("C"), percent_off=st.integers(1, 100)),
    st.builds(
        Coupon, st.just("C"), percent_off=st.integers(1, 100), profile_ids=st.just(frozenset({RF}))
    ),
)
BUYERS = st.sampled_from(
    [Buyer("FR"), Buyer("DE"), Buyer("CA", "QC"), Buyer("US"), Buyer("DE", None, "DE123456789")]
)


@given(LINES, COUPON, st.booleans(), st.booleans(), BUYERS)
def test_totals_are_the_lines_net_of_discounts_plus_tax(
    lines: list[Line], coupon: Coupon | None, tiered: bool, included: bool, buyer: Buyer
) -> None:
    settings = INCLUSIVE if included else EXCLUSIVE
    tiers = TIERS if tiered else None
    if coupon is not None and not any(coupon.covers(line) for line in lines):
        with pytest.raises(CouponRefused, match=Refusal.NOT_APPLICABLE.value):
            order_totals(lines, quantity_tiers=tiers, coupon=coupon, tax=settings, buyer=buyer)
        return
    result = order_totals(lines, quantity_tiers=tiers, coupon=coupon, tax=settings, buyer=buyer)
    totals, shares = result.totals, result.lines
    after = sum(share.net for share in shares)
    assert [share.price for share in shares] == [line.price for line in lines]
    assert all(0 <= share.discount <= share.price for share in shares)
    assert totals.total == totals.subtotal - totals.discount + totals.tax
    assert 0 <= totals.discount <= totals.subtotal
    assert totals.tax >= 0
    rate = settings.rate_for(buyer.country, buyer.region)
    if not included:
        assert totals.subtotal == sum(line.price for line in lines)
        assert totals.discount == sum(share.discount for share in shares)
        expected_tax = (
            0
            if result.reverse_charge
            else round_half_up(after * rate.numerator, 100 * rate.denominator)
        )
        assert totals.tax == expected_tax  # one rounding, on the amount after discounts
        assert totals.total == after + expected_tax
    else:
        exact_net = Fraction(after) * 100 / (100 + rate)
        net = round_half_up(exact_net.numerator, exact_net.denominator)
        assert totals.total == (net if result.reverse_charge else after)
        assert totals.tax == (0 if result.reverse_charge else after - net)


@given(st.integers(0, 10**11), RATE)
def test_inclusive_and_exclusive_tax_agree_on_the_same_net(net: int, rate: Fraction) -> None:
    """For a net N, tax added (exclusive) gives gross G and tax T; the gross G entered with
    tax included gives back exactly N and T: the same total for the same net price."""
    exclusive = tax_of(net, rate, included=False)
    inclusive = tax_of(exclusive.gross, rate, included=True)
    assert (inclusive.net, inclusive.tax, inclusive.gross) == (net, exclusive.tax, exclusive.gross)


@given(st.integers(0, 10**11), RATE)
def test_from_a_gross_the_way_back_is_within_one_minor_unit(gross: int, rate: Fraction) -> None:
    """A gross G entered with tax included has net N; N with tax added gives back G to within
    one minor unit (the one rounding of N, times 1 + rate <= 2, then rounded again)."""
    inclusive = tax_of(gross, rate, included=True)
    assert inclusive.net + inclusive.tax == gross
    exact_net = Fraction(gross) * 100 / (100 + rate)
    assert abs(inclusive.net - exact_net) <= Fraction(1, 2)  # rounded once
    assert abs(tax_of(inclusive.net, rate, included=False).gross - gross) <= 1


@given(st.lists(st.integers(0, 10**9), max_size=20), st.sampled_from([Buyer("FR"), Buyer("US")]))
def test_the_same_net_lines_cost_the_same_with_tax_included_or_not(
    nets: list[int], buyer: Buyer
) -> None:
    """An order of lines priced net (tax added) and an order of one line priced at that net's
    gross (tax included) give the same Totals: same net subtotal, same tax, same total."""
    rate = EXCLUSIVE.rate_for(buyer.country)
    exclusive = order_totals([Line(n) for n in nets], tax=EXCLUSIVE, buyer=buyer)
    gross = tax_of(sum(nets), rate, included=False).gross
    inclusive = order_totals([Line(gross)], tax=INCLUSIVE, buyer=buyer)
    assert inclusive.totals == exclusive.totals
