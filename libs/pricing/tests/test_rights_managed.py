"""Rights-managed option trees: the price of a chosen usage, and every refusal."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shop_pricing.rights_managed import (
    MAX_RATIO,
    Group,
    Option,
    RightsManagedProfile,
    Usage,
    price_of,
)
from shop_pricing.rounding import MAX_AMOUNT, PriceError, round_half_up

SIZE = Group("Size", base="A4", options=(Option("A4", 200), Option("A3", 300)))
USAGE = Group(
    "Usage",
    base="Editorial",
    options=(Option("Editorial", 1), Option("Advertising", Decimal("2.5"))),
)
DURATION = Group(
    "Duration", base="1 year", options=(Option("1 year", 1), Option("3 years", (5, 3)))
)


def test_photodecks_example_a3_at_ratio_300_over_200_costs_150() -> None:
    profile = RightsManagedProfile(base_price=10000, groups=(SIZE,))
    usage, price = price_of(profile, {"Size": "A3"})
    assert price == 15000
    assert profile.price(profile.choose({"Size": "A4"})) == 10000
    assert str(usage) == "Size: A3"


def test_the_ratios_of_every_group_multiply_and_are_rounded_once() -> None:
    profile = RightsManagedProfile(base_price=999, groups=(USAGE, SIZE, DURATION))
    usage = profile.choose({"Duration": "3 years", "Size": "A3", "Usage": "Advertising"})
    # 999 x 2.5 x 3/2 x 5/3 = 6243.75 exactly: one rounding gives 6244
    assert profile.exact_price(usage) == Fraction(24975, 4)
    assert profile.price(usage) == 6244
    # the usage is kept in the tree's order, printable and storable
    assert usage.as_dict() == {"Usage": "Advertising", "Size": "A3", "Duration": "3 years"}
    assert str(usage) == "Usage: Advertising; Size: A3; Duration: 3 years"
    assert profile.choose(Usage.from_dict(usage.as_dict()).choices) == usage


def test_half_a_minor_unit_is_rounded_up() -> None:
    group = Group("Size", base="S", options=(Option("S", 2), Option("M", 3)))
    profile = RightsManagedProfile(base_price=1001, groups=(group,))
    assert profile.price(profile.choose({"Size": "M"})) == 1502  # 1501.5


def test_the_minimum_raises_the_price_before_rounding() -> None:
    group = Group("Size", base="L", options=(Option("L", 4), Option("S", 1)))
    profile = RightsManagedProfile(base_price=10000, groups=(group,), minimum=3000)
    assert profile.price(profile.choose({"Size": "S"})) == 3000  # 2500 raised to 3000
    assert profile.price(profile.choose({"Size": "L"})) == 10000


def test_a_profile_without_groups_costs_its_base_price() -> None:
    profile = RightsManagedProfile(base_price=500)
    assert price_of(profile, {}) == (Usage(()), 500)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Group("Size", base="A2", options=(Option("A4", 1),)), "groups[Size].base"),
        (lambda: Group("Size", base="A4", options=()), "groups[Size].options"),
        (
            lambda: Group("Size", base="A4", options=(Option("A4", 1), Option("A4", 2))),
            "groups[Size].options",
        ),
        (lambda: Option("A4", 0), "options[A4].ratio"),
        (lambda: Option("A4", -1), "options[A4].ratio"),
        (lambda: Option("A4", MAX_RATIO + 1), "options[A4].ratio"),
        (lambda: Option("A4", (1, 10**7)), "options[A4].ratio"),
        (lambda: Option("A4", 1.5), "options[A4].ratio"),  # type: ignore[arg-type]
        (lambda: Option("A4", Decimal("NaN")), "options[A4].ratio"),
        (lambda: Option("A4", (1, 0)), "options[A4].ratio"),
        (lambda: Option("A4", True), "options[A4].ratio"),
        (lambda: Option("", 1), "option.name"),
        (lambda: Option("A\x004", 1), "option.name"),
        (lambda: Group(" ", base="A4", options=(Option("A4", 1),)), "group.name"),
        (lambda: RightsManagedProfile(base_price=-1), "base_price"),
        (lambda: RightsManagedProfile(base_price=MAX_AMOUNT + 1), "base_price"),
        (lambda: RightsManagedProfile(base_price=1, minimum=-5), "minimum"),
        (lambda: RightsManagedProfile(base_price=1, groups=(SIZE, SIZE)), "groups"),
    ],
)
def test_bad_trees_are_refused_naming_the_field(make: object, field: str) -> None:
    with pytest.raises(PriceError) as refused:
        make()  # type: ignore[operator]
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        ({"Size": "A3"}, "usage[Usage]"),  # a group without a choice
        ({"Size": "A0", "Usage": "Editorial"}, "usage[Size]"),  # an option outside the tree
        ({"Size": "A3", "Usage": "Editorial", "Colour": "Red"}, "usage[Colour]"),  # a group too
    ],
)
def test_choices_outside_the_tree_are_refused(choices: dict[str, str], field: str) -> None:
    profile = RightsManagedProfile(base_price=100, groups=(USAGE, SIZE))
    with pytest.raises(PriceError) as refused:
        profile.choose(choices)
    assert refused.value.field == field


def test_a_group_chosen_twice_is_refused() -> None:
    profile = RightsManagedProfile(base_price=100, groups=(SIZE,))
    with pytest.raises(PriceError, match="chosen twice"):
        profile.choose([("Size", "A3"), ("Size", "A4")])


def test_a_stored_usage_that_no_longer_fits_the_tree_is_refused_when_priced() -> None:
    profile = RightsManagedProfile(base_price=100, groups=(SIZE,))
    with pytest.raises(PriceError, match="usage"):
        profile.price(Usage((("Size", "A0"),)))


def test_a_price_past_the_maximum_is_refused() -> None:
    huge = Group("Usage", base="one", options=(Option("one", 1), Option("all", MAX_RATIO)))
    profile = RightsManagedProfile(base_price=10**7, groups=(huge,))
    with pytest.raises(PriceError) as refused:
        price_of(profile, {"Usage": "all"})
    assert refused.value.field == "price"


RATIOS = st.fractions(min_value=Fraction(1, 100), max_value=100, max_denominator=100)


@given(
    base=st.integers(0, 10**6),
    ratios=st.lists(st.tuples(RATIOS, RATIOS), min_size=1, max_size=4),
    minimum=st.none() | st.integers(0, 10**6),
)
def test_the_price_is_the_exact_product_rounded_once(
    base: int, ratios: list[tuple[Fraction, Fraction]], minimum: int | None
) -> None:
    groups = tuple(
        Group(f"g{i}", base="base", options=(Option("base", b), Option("chosen", c)))
        for i, (b, c) in enumerate(ratios)
    )
    profile = RightsManagedProfile(base_price=base, groups=groups, minimum=minimum)
    exact = Fraction(base)
    for b, c in ratios:
        exact *= c / b
    exact = max(exact, Fraction(minimum or 0))
    usage = profile.choose({group.name: "chosen" for group in groups})
    if round_half_up(exact.numerator, exact.denominator) > MAX_AMOUNT:
        with pytest.raises(PriceError, match="price"):
            profile.price(usage)
        return
    assert profile.price(usage) == round_half_up(exact.numerator, exact.denominator)
    assert profile.price(usage) >= (minimum or 0)  # the minimum is respected


@given(
    base=st.integers(0, 10**6),
    base_ratio=RATIOS,
    low=RATIOS,
    high=RATIOS,
    minimum=st.none() | st.integers(0, 10**6),
)
def test_the_price_grows_with_the_chosen_ratio(
    base: int, base_ratio: Fraction, low: Fraction, high: Fraction, minimum: int | None
) -> None:
    low, high = min(low, high), max(low, high)
    group = Group(
        "Size",
        base="base",
        options=(Option("base", base_ratio), Option("low", low), Option("high", high)),
    )
    profile = RightsManagedProfile(base_price=base, groups=(group,), minimum=minimum)
    cheap = profile.price(profile.choose({"Size": "low"}))
    dear = profile.price(profile.choose({"Size": "high"}))
    assert cheap <= dear
    assert cheap >= (minimum or 0)
