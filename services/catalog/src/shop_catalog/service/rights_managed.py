"""Rights-managed option trees and quantity tiers, checked and priced by `shop_pricing` (the
rules live there, once: this module only translates to and from the catalog's shapes).

- `checked_terms` / `checked_tiers`: what an admin typed, as the pricing library accepts it,
  or `FieldError` naming the API's field (`groups.1.options.0.ratio`, `quantity_discounts`).
- `quote`: the price of a usage of a published offer (the storefront's price endpoint and
  media page), or `FieldError` naming `options[<group>]`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from shop_catalog.domain.profiles import RightsManagedTerms
from shop_catalog.domain.sales import FieldError
from shop_contracts.common import QuantityTier, RightsManagedGroup, RightsManagedOffer
from shop_pricing.discounts import QuantityTiers, Tier
from shop_pricing.rights_managed import Group, Option, RightsManagedProfile, Usage, price_of
from shop_pricing.rounding import PriceError

Priced = RightsManagedTerms | RightsManagedOffer


def _group(index: int, group: RightsManagedGroup) -> Group:
    options = []
    for position, option in enumerate(group.options):
        try:
            options.append(Option(option.name, option.ratio))
        except PriceError as exc:
            part = "ratio" if exc.field.endswith(".ratio") else "name"
            raise FieldError(f"groups.{index}.options.{position}.{part}", exc.problem) from None
    try:
        return Group(group.name, tuple(options), group.base_option)
    except PriceError as exc:
        if exc.field.endswith(".base"):
            part = "base_option"
        elif exc.field.endswith(".options"):
            part = "options"
        else:
            part = "name"
        raise FieldError(f"groups.{index}.{part}", exc.problem) from None


def checked_terms(terms: RightsManagedTerms) -> RightsManagedProfile:
    """The pricing library's profile for `terms`, or FieldError naming the field: bad or
    duplicate names, a base option outside its group, ratios out of bounds, amounts past
    10^12 minor units, or a tree whose dearest usage would cost more than that."""
    if not terms.groups:
        raise FieldError("groups", "a rights-managed profile needs at least one group")
    groups = tuple(_group(index, group) for index, group in enumerate(terms.groups))
    try:
        profile = RightsManagedProfile(
            base_price=terms.base_price, groups=groups, minimum=terms.minimum_price
        )
    except PriceError as exc:
        field = {"minimum": "minimum_price"}.get(exc.field, exc.field)
        raise FieldError(field, exc.problem) from None
    dearest = {g.name: max(g.options, key=lambda o: o.ratio).name for g in groups}
    try:
        price_of(profile, dearest)
    except PriceError as exc:
        raise FieldError(
            "groups", f"the dearest usage ({Usage.from_dict(dearest)}) would cost: {exc.problem}"
        ) from None
    return profile


def checked_tiers(tiers: Sequence[QuantityTier]) -> QuantityTiers:
    """The pricing library's tiers, or FieldError naming `quantity_discounts[.<i>.<field>]`."""
    checked = []
    for index, tier in enumerate(tiers):
        try:
            checked.append(Tier(tier.min_quantity, tier.percent))
        except PriceError as exc:
            part = exc.field.rpartition(".")[2]
            raise FieldError(f"quantity_discounts.{index}.{part}", exc.problem) from None
    try:
        return QuantityTiers(tuple(checked))
    except PriceError as exc:
        raise FieldError("quantity_discounts", exc.problem) from None


def pricing_profile(priced: Priced) -> RightsManagedProfile:
    """A published offer (or stored terms, already checked) as the pricing library's."""
    groups = tuple(
        Group(g.name, tuple(Option(o.name, o.ratio) for o in g.options), g.base_option)
        for g in priced.groups
    )
    return RightsManagedProfile(
        base_price=priced.base_price, groups=groups, minimum=priced.minimum_price
    )


def base_choices(priced: Priced) -> dict[str, str]:
    """Every group's base option: what the storefront preselects."""
    return {g.name: g.base_option for g in priced.groups}


def quote(priced: Priced, choices: Mapping[str, str]) -> tuple[Usage, int]:
    """The checked usage and its price (minor units); FieldError naming `options[<group>]`
    when a group has no choice, a choice names no group of the tree, or an option outside
    its group."""
    try:
        return price_of(pricing_profile(priced), choices)
    except PriceError as exc:
        field = exc.field
        if field.startswith("usage[") and field.endswith("]"):
            field = f"options[{field[len('usage[') : -1]}]"
        raise FieldError(field, exc.problem) from None


def lowest_price(priced: Priced) -> int:
    """The cheapest usage's price (the cheapest option of every group): "From ..."."""
    cheapest = {g.name: min(g.options, key=lambda o: o.ratio).name for g in priced.groups}
    return quote(priced, cheapest)[1]


def percent_text(percent: Decimal) -> str:
    """Decimal("10.00") -> "10", Decimal("12.5") -> "12.5"."""
    return f"{percent.normalize():f}"


def offered(offers: Sequence[Mapping[str, object]], profile_id: object) -> RightsManagedOffer:
    """The rights-managed offer of `profile_id` among a media's published offers, or
    FieldError naming `profile_id`."""
    for offer in offers:
        if offer.get("kind") == "rights_managed" and str(offer.get("profile_id")) == str(
            profile_id
        ):
            return RightsManagedOffer.model_validate(offer)
    raise FieldError("profile_id", "this media is not offered under that rights-managed license")
