"""The read model's offers as the pricing rules see them (shop_pricing does the arithmetic):
a rights-managed offer's option tree, a profile's quantity tiers, and the usage a client
chose, priced. Pure; errors are `shop_pricing.rounding.PriceError` naming what is wrong.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from shop_orders.domain.catalog import LicenseOption
from shop_pricing.discounts import QuantityTiers, Tier
from shop_pricing.rights_managed import Group, Option, RightsManagedProfile, price_of
from shop_pricing.rounding import PriceError


def _decimal(field: str, value: object) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise PriceError(field, "must be a decimal number") from None
    if not number.is_finite():
        raise PriceError(field, "must be a finite number")
    return number


def rights_managed_json(
    base_price: int, minimum_price: int | None, groups: Iterable[Any]
) -> dict[str, Any]:
    """An offer's option tree as the read model keeps it (from the contract's groups, each
    with `name`, `base_option` and `options` of `name` and `ratio`)."""
    return {
        "base_price": base_price,
        "minimum_price": minimum_price,
        "groups": [
            {
                "name": group.name,
                "base_option": group.base_option,
                "options": [
                    {"name": option.name, "ratio": str(option.ratio)} for option in group.options
                ],
            }
            for group in groups
        ],
    }


def profile_of(option: LicenseOption) -> RightsManagedProfile:
    """The option tree of a rights-managed offer; PriceError when it is not one (or the
    tree is one the rules refuse)."""
    tree = option.rights_managed
    if not option.is_rights_managed or tree is None:
        raise PriceError("profile_id", f"{option.name} is not a rights-managed license")
    groups = tuple(
        Group(
            name=group["name"],
            base=group["base_option"],
            options=tuple(
                Option(choice["name"], _decimal("ratio", choice["ratio"]))
                for choice in group["options"]
            ),
        )
        for group in tree.get("groups", [])
    )
    return RightsManagedProfile(
        base_price=int(tree["base_price"]), groups=groups, minimum=tree.get("minimum_price")
    )


def price_usage(
    option: LicenseOption, choices: Mapping[str, str]
) -> tuple[tuple[tuple[str, str], ...], int]:
    """The usage chosen (checked: an option in every group, none outside the tree), as
    (group, option) pairs in the profile's order, and its price in minor units."""
    usage, price = price_of(profile_of(option), choices)
    return usage.choices, price


def tiers_of(option: LicenseOption) -> QuantityTiers | None:
    """The quantity tiers of the offer's profile (None: none)."""
    if not option.quantity_tiers:
        return None
    return QuantityTiers(
        tuple(
            Tier(int(tier["min_quantity"]), _decimal("percent", tier["percent"]))
            for tier in option.quantity_tiers
        )
    )


def tiers_by_profile(options: Sequence[LicenseOption | None]) -> dict[uuid.UUID, QuantityTiers]:
    """The tiers of every profile among `options` (the first offer of a profile says them:
    every offer of one profile carries the same)."""
    found: dict[uuid.UUID, QuantityTiers] = {}
    for option in options:
        if option is None or option.profile_id is None or option.profile_id in found:
            continue
        tiers = tiers_of(option)
        if tiers is not None:
            found[option.profile_id] = tiers
    return found


def group_of(problem_field: str) -> str | None:
    """The group a rights-managed PriceError names (`usage[Size]` → `Size`), if any."""
    if problem_field.startswith("usage[") and problem_field.endswith("]"):
        return problem_field[len("usage[") : -1]
    return None
