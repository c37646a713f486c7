"""The admin's license option form: from the form to the API's body (prices in the currency's
units, numbers as numbers), the values each form shows, and refusals in sentences next to the
field they are about."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_contracts.money import currency_exponent
from shop_orders.api.catalog_schemas import LicenseAdminRead, MediaAdminRead
from shop_orders.api.form_errors import Field, field_errors
from shop_orders.domain.errors import FieldError

SPEC_FIELDS = (
    "mode",
    "long_edge",
    "width",
    "height",
    "megabytes",
    "format",
    "quality",
    "video_max_height",
    "file_name_template",
    "link_expiry_days",
    "max_downloads",
)
FIELDS = {
    "name": Field("the name"),
    "price": Field("the price", "Please enter the price as an amount, like 25.00."),
    "mode": Field("the delivery"),
    "long_edge": Field("the long edge"),
    "width": Field("the width"),
    "height": Field("the height"),
    "megabytes": Field("the size in megabytes"),
    "format": Field("the output format"),
    "quality": Field("the JPEG quality"),
    "video_max_height": Field("the video's maximum height"),
    "file_name_template": Field("the file name template", own_words=True),
    "link_expiry_days": Field("the link expiry"),
    "max_downloads": Field("the maximum number of downloads"),
    "usage_terms": Field("the usage terms"),
}


def price_in_minor_units(value: str, currency: str) -> int | str:
    """`"25.00"` EUR -> 2500; anything else is returned as typed for pydantic to refuse."""
    try:
        minor = Decimal(value.strip()) * 10 ** currency_exponent(currency)
    except (InvalidOperation, ValueError):
        return value
    return int(minor) if minor.is_finite() and minor == minor.to_integral_value() else value


def number_or_text(value: str) -> int | float | str:
    """A form field as the JSON API would get it: `"1024"` -> 1024, `"2.5"` -> 2.5."""
    for parse in (int, float):
        try:
            return parse(value)
        except ValueError:
            continue
    return value


def license_body(form: FormData, currency: str) -> dict[str, Any]:
    """The JSON body the API would receive for this form (blank fields left out)."""

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    delivery = {name: number_or_text(text(name)) for name in SPEC_FIELDS if text(name)}
    return {
        "name": text("name"),
        "price": price_in_minor_units(text("price"), currency),
        "delivery": delivery,
        "usage_terms": text("usage_terms") or None,
    }


def amount(minor: int, currency: str) -> str:
    """2500 EUR -> "25.00" (what the price field shows)."""
    exponent = currency_exponent(currency)
    return f"{Decimal(minor) / 10**exponent:.{exponent}f}"


def form_values(option: LicenseAdminRead | None, currency: str) -> dict[str, str]:
    """A license form's field values: the option's, or the defaults of a new one."""
    if option is None:
        return {"mode": "original", "format": "same", "quality": "90"}
    values = {name: str(value) for name, value in option.delivery.items() if value is not None}
    values.update(
        name=option.name,
        price=amount(option.price, currency),
        usage_terms=option.usage_terms or "",
    )
    return values


def license_forms(
    media: MediaAdminRead, currency: str, typed: dict[str, str] | None
) -> tuple[list[tuple[LicenseAdminRead, dict[str, str]]], dict[str, str]]:
    """Each option's form values and the new-option form's; a refused form keeps what was typed."""
    edits = []
    for option in media.licenses:
        values = form_values(option, currency)
        if typed and typed.get("license_id") == str(option.id):
            values = typed
        edits.append((option, values))
    new = typed if typed and not typed.get("license_id") else form_values(None, currency)
    return edits, new


def _field_of(error: Mapping[str, Any]) -> str:
    """The form field an error is about: `delivery.width` -> width."""
    loc = [str(part) for part in error["loc"]]
    if loc[:1] == ["delivery"]:
        return loc[1] if len(loc) > 1 and loc[1] in FIELDS else "mode"
    return loc[0] if loc and loc[0] in FIELDS else "form"


def _about_delivery(error: Mapping[str, Any]) -> tuple[str, str] | None:
    """(field, sentence) for a refusal of the delivery as a whole, which names its field:
    "long_edge must be a number", "delivery mode 'fit' needs width, height"."""
    if [str(part) for part in error["loc"]] != ["delivery"]:
        return None
    problem = str((error.get("ctx") or {}).get("error", error.get("msg", "")))
    words = problem.replace(",", " ").split()
    named = [w for w in words if w in FIELDS and w != "mode"]
    if not named:
        return None
    label = FIELDS[named[0]].label
    if "needs" in words:
        return named[0], f"Please enter {label}: this kind of delivery needs it."
    return named[0], f"Please enter {label} as a number, or leave it empty."


def license_errors(exc: ValidationError | FieldError) -> dict[str, str]:
    """{form field: sentence} for a refused license option."""
    if isinstance(exc, FieldError):
        field = exc.field.removeprefix("delivery.") if exc.field != "delivery" else "mode"
        message = exc.message[:1].upper() + exc.message[1:]
        return {field if field in FIELDS else "form": f"{message.rstrip('.')}."}
    records = exc.errors(include_url=False)
    said = dict(s for s in map(_about_delivery, records) if s is not None)
    others = [r for r in records if _about_delivery(r) is None]
    return {**field_errors(others, _field_of, FIELDS), **said}
