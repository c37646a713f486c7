"""The pricing rules, on plain values (and Hypothesis for the arithmetic)."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_contracts.common import DeliverySpec
from shop_pricing.offers import MediaSize, Row, RoyaltyFreeProfile, find_offer, offers_for
from shop_pricing.rounding import MAX_AMOUNT, PriceError, check_amount, round_half_up
from shop_pricing.totals import totals_of

WEB = DeliverySpec(mode="long_edge", long_edge=1024)
ORIGINAL = DeliverySpec(mode="original")
HUGE = DeliverySpec(mode="long_edge", long_edge=8000)


def _profile(*rows: Row) -> RoyaltyFreeProfile:
    return RoyaltyFreeProfile(id=uuid.uuid4(), name="Web and print", rows=rows)


def _row(name: str, price: int, delivery: DeliverySpec) -> Row:
    return Row(id=uuid.uuid4(), name=name, price=price, delivery=delivery)


def test_rows_bigger_than_the_original_are_not_offered() -> None:
    web, full, huge = _row("Web", 2500, WEB), _row("Full", 9000, ORIGINAL), _row("Big", 1, HUGE)
    offers = offers_for(MediaSize("image", 6000, 4000), [_profile(web, full, huge)])
    assert [o.name for o in offers] == ["Web", "Full"]
    small = offers_for(MediaSize("image", 800, 600), [_profile(web, full)])
    assert [o.name for o in small] == ["Full"]


def test_a_profile_reached_twice_offers_its_rows_once_in_profile_order() -> None:
    first, second = _profile(_row("A", 1, ORIGINAL)), _profile(_row("B", 2, ORIGINAL))
    offers = offers_for(MediaSize("image", 100, 100), [second, first, second])
    assert [o.name for o in offers] == ["B", "A"]
    assert find_offer(offers, first.rows[0].id) is not None
    assert find_offer(offers, uuid.uuid4()) is None


def test_video_rows_taller_than_the_clip_are_not_offered() -> None:
    hd = _row("HD", 100, DeliverySpec(video_max_height=1080))
    sd = _row("SD", 50, DeliverySpec(video_max_height=480))
    offers = offers_for(MediaSize("video", 1280, 720), [_profile(hd, sd)])
    assert [o.name for o in offers] == ["SD"]


@pytest.mark.parametrize("bad", [-1, MAX_AMOUNT + 1, 1.5, True])
def test_absurd_amounts_are_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(PriceError, match="price"):
        check_amount("price", bad)  # type: ignore[arg-type]


def test_rounding_is_half_up_on_exact_integers() -> None:
    assert [round_half_up(n, 2) for n in (1, 3, 5, -1, -3)] == [1, 2, 3, -1, -2]
    assert round_half_up(149, 100) == 1
    assert round_half_up(150, 100) == 2


@given(st.lists(st.integers(min_value=0, max_value=10**9), max_size=50))
def test_the_total_is_the_sum_of_the_lines(prices: list[int]) -> None:
    totals = totals_of(prices)
    assert totals.total == totals.subtotal == sum(prices)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(1, 10**6))
def test_rounding_is_within_half_a_unit(numerator: int, denominator: int) -> None:
    rounded = round_half_up(numerator, denominator)
    assert abs(rounded * denominator - numerator) * 2 <= denominator
