"""What the storefront's media page shows of each offer: a royalty-free row as published;
a rights-managed option tree with the option chosen in every group (the base options, or
those of the query string: `?profile_id=<id>&options[<group>]=<option>`, what the page's
"Update price" button sends without script) and the price of that usage, computed on the
server with `shop_pricing`; the quantity tiers as sentences ("3+ files: -10 %", with a
minus sign)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from shop_catalog.domain.profiles import StoreMedia
from shop_catalog.domain.sales import FieldError
from shop_catalog.service import rights_managed
from shop_contracts.common import RightsManagedOffer

MINUS = "\u2212"


@dataclass(frozen=True, slots=True)
class Chosen:
    """What the visitor asked for: a profile and its options (or a refusal of the query)."""

    profile_id: str | None
    options: Mapping[str, str]
    problem: str | None = None


def tier_texts(tiers: list[dict[str, Any]]) -> list[str]:
    """[{"min_quantity": 3, "percent": "10"}] -> ["3+ files: -10 %"] (U+2212)."""
    return [
        f"{t['min_quantity']}+ files: {MINUS}{_percent(t['percent'])} %"
        for t in sorted(tiers, key=lambda t: int(t["min_quantity"]))
    ]


def _percent(value: object) -> str:
    return rights_managed.percent_text(Decimal(str(value)))


def _rights_managed_view(
    media: StoreMedia, offer: dict[str, Any], chosen: Chosen
) -> tuple[dict[str, Any], bool]:
    published = rights_managed.offered(media.offers, offer["profile_id"])
    selected = rights_managed.base_choices(published)
    error: str | None = None
    if chosen.profile_id == offer["profile_id"]:
        selected.update(chosen.options)
        error = chosen.problem
    price: int | None = None
    if error is None:
        try:
            price = rights_managed.quote(published, selected)[1]
        except FieldError as exc:
            error = f"{exc.field.replace('options[', '').rstrip(']')}: {exc.message}"
    view = {**offer, "selected": selected, "price": price, "error": error}
    return view, error is not None


def offer_views(
    media: StoreMedia, offers: list[dict[str, Any]], chosen: Chosen
) -> tuple[list[dict[str, Any]], bool]:
    """Each storefront offer (`store_offer`) with what its card shows; True when the
    visitor's choice was refused (the page answers 422, naming it)."""
    views: list[dict[str, Any]] = []
    refused = False
    for offer in offers:
        tiers = tier_texts(offer.get("quantity_tiers") or [])
        if offer["kind"] != "rights_managed":
            views.append({**offer, "tiers": tiers})
            continue
        view, bad = _rights_managed_view(media, offer, chosen)
        views.append({**view, "tiers": tiers})
        refused = refused or bad
    return views, refused


def from_price(media: StoreMedia) -> int | None:
    """The lowest price `media` is offered at ("From ..." on the grids), None when not for
    sale: a royalty-free row's price, a rights-managed tree's cheapest usage."""
    prices = [
        rights_managed.lowest_price(RightsManagedOffer.model_validate(offer))
        if offer.get("kind") == "rights_managed"
        else int(offer["price"])
        for offer in media.offers
    ]
    return min(prices, default=None)
