"""The storefront's checkout form: from the form to the API's body, and every refusal as a
sentence next to the field (or the file) it is about, never a validator's text."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_orders.api.form_errors import Field, field_errors
from shop_orders.domain.errors import InvalidOrderError, SecondLicenseError

FORM_FIELDS = ("name", "email", "line1", "line2", "city", "postal_code", "country", "note")
_ADDRESS_FIELDS = ("line1", "city", "postal_code", "country")
NO_ITEMS = "Please tick at least one license above (the box next to its name)."
ITEM_GONE = "One of the licenses you ticked is no longer offered; please tick again."
ONE_LICENSE = "Please choose one license for this file: each file is licensed once."
EMPTY_CART = "Your cart is empty or expired: add files from the galleries first."
FIELDS = {
    "name": Field("your name"),
    "email": Field(
        "your email address", "Please enter a valid email address, like ada@example.com."
    ),
    "line1": Field("your address"),
    "line2": Field("the second address line"),
    "city": Field("your city"),
    "postal_code": Field("your postal code"),
    "country": Field(
        "your country",
        "Please enter your country as a two-letter code, like FR for France or DE for Germany.",
    ),
    "note": Field("your note"),
    "items": Field("a license", NO_ITEMS),
}


@dataclass
class CheckoutErrors:
    """What a refused checkout says: per form field, per file (media id), for the form."""

    fields: dict[str, str] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)
    form: str | None = None

    def __bool__(self) -> bool:
        return bool(self.fields or self.media or self.form)


def chosen_items(form: FormData) -> list[tuple[str, str]]:
    """The ticked boxes: (media id, license id) as typed."""
    return [tuple(str(v).partition(":")[::2]) for v in form.getlist("items")]  # type: ignore[misc]


def order_body(form: FormData, cart_id: str | None = None) -> dict[str, Any]:
    """The JSON body the API would receive for this form (ordering `cart_id` when given,
    else the ticked boxes)."""

    def text(name: str) -> str | None:
        value = form.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    items = [{"media_id": m, "license_id": lic} for m, lic in chosen_items(form)]
    address: dict[str, Any] = {name: text(name) or "" for name in _ADDRESS_FIELDS}
    address["line2"] = text("line2")
    address["country"] = address["country"].upper()
    body: dict[str, Any] = {
        "client": {"name": text("name") or "", "email": text("email") or "", "address": address},
        "note": text("note"),
    }
    if cart_id is not None:
        body["cart_id"] = cart_id
    else:
        body["items"] = items
    return body


def _field_of(error: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error["loc"]]
    if loc[:2] == ["client", "address"]:
        return loc[2] if len(loc) > 2 else "line1"
    if loc[:1] == ["client"]:
        return loc[1] if len(loc) > 1 else "name"
    return loc[0] if loc and loc[0] in FIELDS else "form"


def invalid_form(exc: ValidationError) -> CheckoutErrors:
    records = exc.errors(include_url=False)
    found = field_errors(records, _field_of, FIELDS)
    items = [r for r in records if _field_of(r) == "items"]
    if items and items[0]["type"] != "too_short":  # a tampered box value, not an empty choice
        found["items"] = ITEM_GONE
    form = found.pop("form", None)
    return CheckoutErrors(fields=found, form=form)


def refused_order(exc: InvalidOrderError, form: FormData) -> CheckoutErrors:
    """The catalog refused a choice: said on the file it is about when there is one."""
    if exc.field == "cart_id":  # a line of the cart is no longer offered: say which
        return CheckoutErrors(form=f"Your order is not placed: {exc.message}.")
    if isinstance(exc, SecondLicenseError):
        return CheckoutErrors(media={str(exc.media_id): ONE_LICENSE})
    parts = exc.field.split(".")
    if exc.field == "items" or len(parts) < 2 or not parts[1].isdigit():
        return CheckoutErrors(fields={"items": NO_ITEMS if exc.field == "items" else ITEM_GONE})
    chosen = chosen_items(form)
    index = int(parts[1])
    if index < len(chosen) and _is_uuid(chosen[index][0]):
        return CheckoutErrors(media={chosen[index][0]: ITEM_GONE})
    return CheckoutErrors(fields={"items": ITEM_GONE})


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
