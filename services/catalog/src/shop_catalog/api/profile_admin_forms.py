"""The admin's pricing profile forms, read and filled: a rights-managed profile's fields
(base and minimum price typed in the currency's units, delivery, description, usage terms,
groups each with a name, a base option and its options one per line as `name = ratio`) and
the quantity discounts of either kind (rows of minimum files and percent off).

A group or a discount row left empty is dropped. What the form says becomes the API's
`ProfileWrite`, so the page refuses what the API refuses, with the same field names.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import FormData

from shop_catalog.api.sales_page_helpers import amount_of, amount_text, int_of, text_of
from shop_catalog.domain.profiles import PricingProfile
from shop_catalog.domain.sales import FieldError
from shop_catalog.service.rights_managed import percent_text

BLANK_GROUPS = 2
BLANK_TIERS = 2
MAX_GROUPS = 20
MAX_TIERS = 20


def _count(form: FormData, name: str, most: int) -> int:
    return min(most, int_of(form, name) or 0)


def _decimal(typed: str, field: str) -> Decimal:
    try:
        value = Decimal(typed.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise FieldError(field, f"{typed!r} is not a number") from None
    if not value.is_finite():
        raise FieldError(field, f"{typed!r} is not a number")
    return value


def tiers_of_form(form: FormData) -> list[dict[str, Any]]:
    """`tier_min_<i>` and `tier_percent_<i>` rows as the API's `quantity_discounts`."""
    tiers: list[dict[str, Any]] = []
    for i in range(_count(form, "tiers", MAX_TIERS)):
        quantity, percent = text_of(form, f"tier_min_{i}"), text_of(form, f"tier_percent_{i}")
        if not quantity and not percent:
            continue
        if not quantity or not percent:
            raise FieldError(f"quantity_discounts.{len(tiers)}", "needs both files and percent")
        tiers.append(
            {
                "min_quantity": int_of(form, f"tier_min_{i}"),
                "percent": _decimal(percent.rstrip("% "), f"quantity_discounts.{len(tiers)}"),
            }
        )
    return tiers


def _options(typed: str, group: int) -> list[dict[str, Any]]:
    """ "A4 = 200" lines -> [{"name": "A4", "ratio": Decimal("200")}]."""
    options: list[dict[str, Any]] = []
    for number, line in enumerate(typed.splitlines(), start=1):
        if not line.strip():
            continue
        name, equals, ratio = line.rpartition("=")
        field = f"groups.{group}.options.{len(options)}"
        if not equals or not name.strip():
            raise FieldError(field, f"line {number}: write the option as name = ratio")
        options.append({"name": name.strip(), "ratio": _decimal(ratio.strip(), field)})
    return options


def rights_managed_of_form(form: FormData, currency: str) -> dict[str, Any]:
    """The rights-managed fields of the form as the API's body (without name and kind)."""
    groups: list[dict[str, Any]] = []
    for i in range(_count(form, "groups", MAX_GROUPS)):
        name = text_of(form, f"group_name_{i}")
        options = text_of(form, f"group_options_{i}")
        if not name and not options:
            continue
        groups.append(
            {
                "name": name,
                "base_option": text_of(form, f"group_base_{i}"),
                "options": _options(options, len(groups)),
            }
        )
    delivery: dict[str, Any] = {"mode": text_of(form, "mode") or "original"}
    if delivery["mode"] == "long_edge":
        delivery |= {"long_edge": int_of(form, "long_edge"), "format": "jpeg"}
    base_price = amount_of(form, "base_price", currency)
    if base_price is None:
        raise FieldError("base_price", "a rights-managed profile needs a base price")
    return {
        "base_price": base_price,
        "minimum_price": amount_of(form, "minimum_price", currency),
        "delivery": delivery,
        "groups": groups,
        "description": text_of(form, "description") or None,
        "usage_terms": text_of(form, "usage_terms") or None,
    }


# --- filling the forms -------------------------------------------------------------------


def tier_rows(profile: PricingProfile | None) -> list[dict[str, str]]:
    rows = [
        {"min_quantity": str(t.min_quantity), "percent": percent_text(t.percent)}
        for t in (profile.quantity_tiers if profile else [])
    ]
    return rows + [{"min_quantity": "", "percent": ""} for _ in range(BLANK_TIERS)]


def typed_tier_rows(form: FormData) -> list[dict[str, str]]:
    return [
        {
            "min_quantity": text_of(form, f"tier_min_{i}"),
            "percent": text_of(form, f"tier_percent_{i}"),
        }
        for i in range(_count(form, "tiers", MAX_TIERS))
    ]


def rights_managed_fields(profile: PricingProfile | None, currency: str) -> dict[str, Any]:
    """The rights-managed form's values for `profile` (or a new one), all as text."""
    terms = profile.rights_managed if profile else None
    groups = [
        {
            "name": g.name,
            "base_option": g.base_option,
            "options": "\n".join(f"{o.name} = {percent_text(o.ratio)}" for o in g.options),
        }
        for g in (terms.groups if terms else [])
    ]
    delivery = terms.delivery if terms else None
    return {
        "base_price": amount_text(terms.base_price, currency) if terms else "",
        "minimum_price": amount_text(terms.minimum_price, currency) if terms else "",
        "description": (terms.description or "") if terms else "",
        "usage_terms": (terms.usage_terms or "") if terms else "",
        "mode": "long_edge" if delivery and delivery.mode == "long_edge" else "original",
        "long_edge": (delivery.long_edge or "") if delivery else "",
        "groups": groups + [{"name": "", "base_option": "", "options": ""}] * BLANK_GROUPS,
    }


def typed_rights_managed_fields(form: FormData) -> dict[str, Any]:
    """What was typed, to show the form again with a refusal."""
    fields = ("base_price", "minimum_price", "description", "usage_terms", "mode", "long_edge")
    return {name: text_of(form, name) for name in fields} | {
        "groups": [
            {
                "name": text_of(form, f"group_name_{i}"),
                "base_option": text_of(form, f"group_base_{i}"),
                "options": text_of(form, f"group_options_{i}"),
            }
            for i in range(_count(form, "groups", MAX_GROUPS))
        ]
    }
