"""Quantity discounts, coupons and the largest-remainder spread."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_pricing.coupons import (
    Coupon,
    CouponRefused,
    Refusal,
    check_available,
    coupon_discounts,
    normalize_code,
)
from shop_pricing.discounts import QuantityTiers, Tier, quantity_discounts
from shop_pricing.lines import Line
from shop_pricing.rounding import MAX_AMOUNT, PriceError, round_half_up
from shop_pricing.spread import spread

RF, RM = uuid.uuid4(), uuid.uuid4()
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
TIERS = QuantityTiers((Tier(3, 10), Tier(10, 20)))


# -- spread ---------------------------------------------------------------------------------


def test_spread_gives_the_leftover_units_to_the_largest_remainders() -> None:
    assert spread(10, [1, 1, 1]) == [4, 3, 3]  # a tie goes to the earlier line
    assert spread(100, [300, 600, 100]) == [30, 60, 10]
    assert spread(5, [3, 0, 7]) == [2, 0, 3]  # 1.5, 0, 3.5: remainders tie, earlier first
    assert spread(0, [0, 0]) == [0, 0]
    assert spread(0, []) == []


def test_spread_refuses_what_cannot_be_spread() -> None:
    with pytest.raises(PriceError):
        spread(1, [0, 0])
    with pytest.raises(PriceError):
        spread(-1, [1])
    with pytest.raises(PriceError):
        spread(1, [-1, 2])


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=30), st.data())
def test_spread_parts_sum_exactly_none_negative_none_above_its_line(
    weights: list[int], data: st.DataObject
) -> None:
    amount = data.draw(st.integers(0, sum(weights)))
    parts = spread(amount, weights)
    assert sum(parts) == amount
    assert all(0 <= part <= weight for part, weight in zip(parts, weights, strict=True))
    # each part is its exact share rounded down or up: never a whole unit off
    total = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part * total - amount * weight) < max(total, 1)


# -- quantity discounts ---------------------------------------------------------------------


def test_the_best_tier_reached_applies_to_the_lines_of_its_profile() -> None:
    lines = [Line(1000, RF), Line(1000, RF), Line(2000, RM)]
    assert quantity_discounts(lines, {RF: TIERS}) == [0, 0, 0]  # 2 RF lines: no tier
    lines.append(Line(1000, RF))
    assert quantity_discounts(lines, {RF: TIERS}) == [100, 100, 0, 100]  # 3+: -10 %
    many = [Line(999, RF)] * 10
    assert sum(quantity_discounts(many, {RF: TIERS})) == 1998  # 10+: -20 % of 9990
    assert quantity_discounts(many, {}) == [0] * 10


def test_the_best_tier_is_the_largest_percentage_reached() -> None:
    odd = QuantityTiers((Tier(2, 15), Tier(4, 5)))
    assert odd.percent_for(1) == 0
    assert odd.percent_for(5) == 15


def test_a_tier_discount_is_rounded_once_on_the_profiles_lines() -> None:
    lines = [Line(5, RF), Line(5, RF), Line(5, RF)]
    # 10 % of 15 = 1.5 -> 2 (three separate roundings of 0.5 would give 3)
    assert sum(quantity_discounts(lines, {RF: TIERS})) == 2


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Tier(0, 10), "tier.min_quantity"),
        (lambda: Tier(3, 0), "tier.percent"),
        (lambda: Tier(3, 101), "tier.percent"),
        (lambda: Tier(3, 10.0), "tier.percent"),  # type: ignore[arg-type]
        (lambda: QuantityTiers((Tier(3, 10), Tier(3, 20))), "tiers"),
        (lambda: Line(-1), "line.price"),
    ],
)
def test_bad_tiers_are_refused(make: object, field: str) -> None:
    with pytest.raises(PriceError) as refused:
        make()  # type: ignore[operator]
    assert refused.value.field == field


def test_tiers_take_decimal_percentages() -> None:
    assert QuantityTiers((Tier(2, Decimal("12.5")),)).percent_for(2) * 8 == 100


# -- coupons --------------------------------------------------------------------------------


def test_codes_are_case_insensitive_letters_and_digits() -> None:
    assert normalize_code(" summer10 ") == "SUMMER10"
    assert Coupon("abc1", percent_off=5).code == "ABC1"
    for bad in ("", "two words", "été", "a-b", "X" * 65):
        with pytest.raises(PriceError, match="code"):
            normalize_code(bad)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "amount_off"),
        ({"amount_off": 100, "percent_off": 10}, "amount_off"),
        ({"amount_off": 0}, "amount_off"),
        ({"amount_off": MAX_AMOUNT + 1}, "amount_off"),
        ({"percent_off": 0}, "percent_off"),
        ({"percent_off": 101}, "percent_off"),
        ({"percent_off": Decimal("12.5")}, "percent_off"),
        ({"percent_off": 5, "minimum_order": -1}, "minimum_order"),
        ({"percent_off": 5, "profile_ids": frozenset()}, "profile_ids"),
        ({"percent_off": 5, "starts_at": datetime(2026, 1, 1)}, "starts_at"),  # naive
        ({"percent_off": 5, "starts_at": NOW, "ends_at": NOW}, "ends_at"),
        ({"percent_off": 5, "max_uses": 0}, "max_uses"),
    ],
)
def test_bad_coupons_are_refused_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(PriceError) as refused:
        Coupon("CODE", **kwargs)  # type: ignore[arg-type]
    assert refused.value.field == field


WINDOW = Coupon(
    "WINTER",
    percent_off=10,
    starts_at=NOW - timedelta(days=1),
    ends_at=NOW + timedelta(days=1),
    max_uses=5,
)


@pytest.mark.parametrize(
    ("coupon", "now", "uses", "by_client", "reason"),
    [
        (None, NOW, 0, False, Refusal.UNKNOWN),
        (WINDOW, NOW - timedelta(days=2), 0, False, Refusal.NOT_STARTED),
        (WINDOW, NOW + timedelta(days=1), 0, False, Refusal.EXPIRED),  # ends_at is exclusive
        (WINDOW, NOW, 5, False, Refusal.USED_UP),
        (WINDOW, NOW, 4, True, Refusal.ALREADY_USED_BY_CLIENT),
    ],
)
def test_an_unavailable_coupon_is_refused_with_its_reason(
    coupon: Coupon | None, now: datetime, uses: int, by_client: bool, reason: Refusal
) -> None:
    with pytest.raises(CouponRefused) as refused:
        check_available(coupon, now=now, uses=uses, used_by_client=by_client)
    assert refused.value.reason is reason
    assert str(reason) == reason.value  # the API names it as is


def test_an_available_coupon_is_returned() -> None:
    assert check_available(WINDOW, now=NOW - timedelta(days=1), uses=4) is WINDOW
    assert check_available(Coupon("OPEN", amount_off=1), now=NOW, uses=10**6) is not None
    with pytest.raises(PriceError, match="now"):
        check_available(WINDOW, now=datetime(2026, 12, 5))


def test_percent_off_is_rounded_once_and_spread_in_proportion() -> None:
    coupon = Coupon("TEN", percent_off=10)
    lines = [Line(1001), Line(2003), Line(0)]
    parts = coupon_discounts(coupon, lines)
    assert sum(parts) == 300  # 10 % of 3004 = 300.4
    assert parts == [100, 200, 0]  # 99.96..., 200.03..., 0: the unit left goes to the first


def test_the_coupon_applies_after_quantity_discounts() -> None:
    coupon = Coupon("HALF", percent_off=50, minimum_order=2700)
    lines = [Line(1000, RF)] * 3
    quantity = quantity_discounts(lines, {RF: TIERS})  # 100 each
    assert coupon_discounts(coupon, lines, quantity) == [450, 450, 450]
    with pytest.raises(CouponRefused) as refused:  # 2700 reached only before discounts
        coupon_discounts(Coupon("HALF", percent_off=50, minimum_order=2701), lines, quantity)
    assert refused.value.reason is Refusal.BELOW_MINIMUM


def test_a_restricted_coupon_covers_only_its_profiles_lines() -> None:
    lines = [Line(1000, RF), Line(5000, RM), Line(3000, RF)]
    percent = Coupon("RF10", percent_off=10, profile_ids=frozenset({RF}))
    assert coupon_discounts(percent, lines) == [100, 0, 300]
    amount = Coupon("RF50", amount_off=5000, profile_ids=frozenset({RF}))
    assert coupon_discounts(amount, lines) == [1000, 0, 3000]  # capped at what it covers
    with pytest.raises(CouponRefused) as refused:
        coupon_discounts(Coupon("RMONLY", amount_off=1, profile_ids=frozenset({RM})), lines[:1])
    assert refused.value.reason is Refusal.NOT_APPLICABLE


def test_amount_off_never_takes_the_order_below_zero() -> None:
    assert coupon_discounts(Coupon("BIG", amount_off=10**6), [Line(300), Line(100)]) == [300, 100]
    assert coupon_discounts(Coupon("FREE", percent_off=100), [Line(1)]) == [1]
    with pytest.raises(CouponRefused) as refused:
        coupon_discounts(Coupon("ANY", amount_off=1), [])
    assert refused.value.reason is Refusal.NOT_APPLICABLE


def test_quantity_discounts_must_fit_the_lines() -> None:
    with pytest.raises(PriceError):
        coupon_discounts(Coupon("A", amount_off=1), [Line(1)], [0, 0])
    with pytest.raises(PriceError):
        coupon_discounts(Coupon("A", amount_off=1), [Line(1)], [2])


LINES = st.lists(
    st.builds(Line, st.integers(0, 10**8), st.sampled_from([RF, RM, None])), max_size=20
)
COUPONS = st.one_of(
    st.builds(
        Coupon,
        st.just("C"),
        amount_off=st.integers(1, 10**9),
        profile_ids=st.none() | st.just(frozenset({RF})),
    ),
    st.builds(
        Coupon,
        st.just("C"),
        percent_off=st.integers(1, 100),
        profile_ids=st.none() | st.just(frozenset({RF})),
    ),
)


@given(LINES, COUPONS, st.booleans())
def test_discounts_never_exceed_what_they_cover(
    lines: list[Line], coupon: Coupon, tiered: bool
) -> None:
    quantity = quantity_discounts(lines, {RF: TIERS, RM: TIERS} if tiered else {})
    assert all(0 <= q <= line.price for q, line in zip(quantity, lines, strict=True))
    if not any(coupon.covers(line) for line in lines):
        with pytest.raises(CouponRefused, match=Refusal.NOT_APPLICABLE.value):
            coupon_discounts(coupon, lines, quantity)
        return
    parts = coupon_discounts(coupon, lines, quantity)
    for line, q, part in zip(lines, quantity, parts, strict=True):
        assert 0 <= part <= line.price - q
        if not coupon.covers(line):
            assert part == 0
    covered = sum(
        line.price - q for line, q in zip(lines, quantity, strict=True) if coupon.covers(line)
    )
    if coupon.amount_off is not None:
        assert sum(parts) == min(coupon.amount_off, covered)
    else:
        assert coupon.percent_off is not None
        # one rounding of the exact percentage, half up
        assert abs(sum(parts) * 100 - covered * coupon.percent_off) * 2 <= 100
        assert sum(parts) * 100 - covered * coupon.percent_off != -50


@given(LINES)
def test_a_quantity_discount_is_the_tier_of_its_profiles_sum_rounded_once(
    lines: list[Line],
) -> None:
    discounts = quantity_discounts(lines, {RF: TIERS})
    rf = [index for index, line in enumerate(lines) if line.profile_id == RF]
    percent = TIERS.percent_for(len(rf))
    exact = sum(lines[index].price for index in rf) * percent / 100
    assert sum(discounts[index] for index in rf) == round_half_up(
        exact.numerator, exact.denominator
    )
    assert all(discounts[index] == 0 for index in range(len(lines)) if index not in rf)
