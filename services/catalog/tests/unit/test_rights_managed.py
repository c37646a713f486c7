"""The catalog's bridge to `shop_pricing` for rights-managed profiles and quantity tiers:
refusals name the API's fields; prices and usages are the pricing library's."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from shop_catalog.api.offer_views import Chosen, from_price, offer_views, tier_texts
from shop_catalog.api.sales_schemas import store_offer
from shop_catalog.domain.profiles import RightsManagedTerms, StoreMedia
from shop_catalog.domain.sales import FieldError
from shop_catalog.service import rights_managed
from shop_contracts.common import (
    QuantityTier,
    RightsManagedGroup,
    RightsManagedOffer,
    RightsManagedOption,
)


def group(name: str, base: str, **ratios: Any) -> RightsManagedGroup:
    return RightsManagedGroup(
        name=name,
        base_option=base,
        options=[RightsManagedOption(name=n, ratio=Decimal(str(r))) for n, r in ratios.items()],
    )


SIZE = group("Size", "A4", A4=200, A3=300, A5=100)
USAGE = group("Usage", "Web", Web=1, Print=2)


def terms(*groups: RightsManagedGroup, base: int = 10000, minimum: int | None = None) -> Any:
    return RightsManagedTerms(base_price=base, minimum_price=minimum, groups=list(groups))


def offer(*groups: RightsManagedGroup, **more: Any) -> RightsManagedOffer:
    values: dict[str, Any] = {"profile_id": uuid.uuid4(), "name": "Editorial", "base_price": 10000}
    return RightsManagedOffer(groups=list(groups), **(values | more))


def test_photodecks_example_base_100_a3_costs_150() -> None:
    usage, price = rights_managed.quote(offer(SIZE), {"Size": "A3"})
    assert price == 15000
    assert usage.as_dict() == {"Size": "A3"}
    assert rights_managed.quote(offer(SIZE), rights_managed.base_choices(offer(SIZE)))[1] == 10000


def test_usage_in_the_profiles_group_order_and_minimum_and_lowest() -> None:
    rm = offer(SIZE, USAGE, minimum_price=6000)
    usage, price = rights_managed.quote(rm, {"Usage": "Print", "Size": "A5"})
    assert list(usage.as_dict()) == ["Size", "Usage"]
    assert price == 10000  # 100 x 1/2 x 2
    assert rights_managed.quote(rm, {"Usage": "Web", "Size": "A5"})[1] == 6000  # the minimum
    assert rights_managed.lowest_price(rm) == 6000
    assert rights_managed.lowest_price(offer(SIZE, USAGE)) == 5000


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        ({}, "options[Size]"),
        ({"Size": "A2"}, "options[Size]"),
        ({"Size": "A4", "Colour": "Red"}, "options[Colour]"),
    ],
)
def test_a_choice_outside_the_tree_names_the_group(choices: dict[str, str], field: str) -> None:
    with pytest.raises(FieldError) as caught:
        rights_managed.quote(offer(SIZE), choices)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (terms(group("Size", "A1", A4=200)), "groups.0.base_option"),
        (terms(SIZE, group("Usage", "Web", Web=1, Print=10**7)), "groups.1.options.1.ratio"),
        (terms(group("Size", "A4", A4=Decimal("0.0000001"))), "groups.0.options.0.ratio"),
        (terms(SIZE, SIZE), "groups"),
        (terms(), "groups"),
        (terms(SIZE, base=10**12 + 1), "base_price"),
        (terms(SIZE, base=-1), "base_price"),
        (terms(SIZE, minimum=10**13), "minimum_price"),
        (terms(group("Size", "A4", A4=1, A0=10**6), base=10**9), "groups"),  # dearest > 10^12
    ],
)
def test_bad_trees_name_the_field(bad: RightsManagedTerms, field: str) -> None:
    with pytest.raises(FieldError) as caught:
        rights_managed.checked_terms(bad)
    assert caught.value.field == field


def test_duplicate_option_names_name_the_groups_options() -> None:
    duplicate = RightsManagedGroup(
        name="Size",
        base_option="A4",
        options=[
            RightsManagedOption(name="A4", ratio=Decimal(1)),
            RightsManagedOption(name="A4", ratio=Decimal(2)),
        ],
    )
    with pytest.raises(FieldError) as caught:
        rights_managed.checked_terms(terms(duplicate))
    assert caught.value.field == "groups.0.options"


def test_tiers_are_checked_by_the_pricing_library() -> None:
    good = [QuantityTier(min_quantity=3, percent=Decimal(10))]
    assert rights_managed.checked_tiers(good).percent_for(3) == 10
    twice = [*good, QuantityTier(min_quantity=3, percent=Decimal(20))]
    with pytest.raises(FieldError) as caught:
        rights_managed.checked_tiers(twice)
    assert caught.value.field == "quantity_discounts"


def test_tier_texts_and_percent_text() -> None:
    tiers = [{"min_quantity": 10, "percent": "20.00"}, {"min_quantity": 3, "percent": "12.5"}]
    assert tier_texts(tiers) == ["3+ files: \u221212.5 %", "10+ files: \u221220 %"]
    assert rights_managed.percent_text(Decimal("100")) == "100"


def test_the_storefront_shows_an_rm_offer_with_its_prices() -> None:
    rm = offer(SIZE, USAGE, quantity_tiers=[QuantityTier(min_quantity=3, percent=Decimal(10))])
    raw = rm.model_dump(mode="json")
    shown = store_offer(raw)
    assert shown["kind"] == "rights_managed"
    assert (shown["price"], shown["from_price"], shown["base_price"]) == (10000, 5000, 10000)
    assert shown["quantity_tiers"] == [{"min_quantity": 3, "percent": "10"}]
    assert "delivery" not in shown
    media = StoreMedia(
        id=uuid.uuid4(), title="T", kind="image", width=10, height=10, file_revision=1,
        offers=[raw, {"kind": "royalty_free", "license_id": "x", "name": "Web", "price": 7000}],
    )  # fmt: skip
    assert from_price(media) == 5000
    views, refused = offer_views(
        media, [shown], Chosen(str(rm.profile_id), {"Size": "A3", "Usage": "Print"})
    )
    assert not refused
    assert views[0]["price"] == 30000
    assert views[0]["selected"] == {"Size": "A3", "Usage": "Print"}
    views, refused = offer_views(media, [shown], Chosen(str(rm.profile_id), {"Size": "A0"}))
    assert refused
    assert views[0]["price"] is None
    assert views[0]["error"].startswith("Size:")
