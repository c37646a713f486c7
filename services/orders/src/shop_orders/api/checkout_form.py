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
from shop_orders.domain.countries import is_country_code
from shop_orders.domain.errors import InvalidOrderError, SecondLicenseError
from shop_orders.service.checkout import CheckoutTerms
from shop_pricing.coupons import Refusal

FORM_FIELDS = (
    "name",
    "email",
    "line1",
    "line2",
    "city",
    "postal_code",
    "country",
    "region",
    "vat_number",
    "coupon",
    "note",
)
_ADDRESS_FIELDS = ("line1", "city", "postal_code", "country")
INFO_PREFIX = "fields["  # an information field's answer: fields[<name>]
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
    "region": Field("your region"),
    "vat_number": Field("your VAT number"),
    "coupon": Field("the coupon code"),
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
    if region := text("region"):
        address["region"] = region
    body: dict[str, Any] = {
        "client": {"name": text("name") or "", "email": text("email") or "", "address": address},
        "note": text("note"),
    }
    # Only what was filled in: an order without them is what it always was.
    for name in ("vat_number", "coupon"):
        if value := text(name):
            body[name] = value
    if answers := info_answers(form):
        body["fields"] = answers
    if cart_id is not None:
        body["cart_id"] = cart_id
    else:
        body["items"] = items
    return body


def checkout_terms(form: FormData) -> CheckoutTerms:
    """What the totals box is quoted for: the address's country (when it is one) and
    region, the email, the coupon and the VAT number typed so far (the information fields
    are checked when the order is placed, not while the client is still filling them)."""

    def text(name: str) -> str | None:
        value = form.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    country = (text("country") or "").upper()
    return CheckoutTerms(
        country=country if is_country_code(country) else None,
        region=text("region"),
        email=text("email"),
        coupon=text("coupon"),
        vat_number=text("vat_number"),
    )


def info_answers(form: FormData) -> dict[str, str]:
    """The answers to the photographer's information fields, `fields[<name>]` = value (an
    unticked checkbox is not sent: the order takes it as "false")."""
    found: dict[str, str] = {}
    for key, value in form.multi_items():
        if key.startswith(INFO_PREFIX) and key.endswith("]") and isinstance(value, str):
            name = key[len(INFO_PREFIX) : -1]
            if name and name not in found:
                found[name] = value
    return found


def info_field_id(name: str) -> str:
    """The HTML id of an information field's input (its error and label point at it)."""
    return f"field-{name}"


def _field_of(error: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error["loc"]]
    if loc[:1] == ["fields"] and len(loc) > 1:
        return info_field_id(loc[1])
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


COUPON_SENTENCES = {
    Refusal.UNKNOWN: "This coupon code is not known. Please check it, or leave the field empty.",
    Refusal.NOT_STARTED: "This coupon cannot be used yet.",
    Refusal.EXPIRED: "This coupon has expired.",
    Refusal.USED_UP: "This coupon has been used up.",
    Refusal.BELOW_MINIMUM: "Your order does not reach this coupon's minimum amount yet.",
    Refusal.NOT_APPLICABLE: "This coupon does not apply to the files in your cart.",
    Refusal.ALREADY_USED_BY_CLIENT: "You have already used this coupon with this email address.",
}
NO_TAX_RATE = (
    "The shop cannot sell to this country yet (no tax rate is set for it). "
    "Please get in touch with the photographer."
)
VAT_SHAPE = "Please enter a VAT number of your country, like FR12345678901, or leave it empty."


def coupon_sentence(message: str) -> str:
    """The refusal's reason (a `shop_pricing.coupons.Refusal` value in its detail) in words."""
    for reason in sorted(Refusal, key=lambda r: -len(r.value)):  # already_used_... first
        if reason.value in message:
            return COUPON_SENTENCES[reason]
    return "This coupon cannot be used with this order."


def info_sentence(message: str, label: str) -> str:
    """An information field's refusal (domain.order_fields) as a sentence about `label`."""
    if message.endswith("must be ticked"):
        return f"Please tick “{label}” to place your order."
    if message.endswith("required"):
        return f"Please fill in {label}."
    if message.startswith("at most"):
        return f"Please shorten {label} to {message.split()[2]} characters or fewer."
    if message.startswith("must be one of"):
        return f"Please choose one of the options for {label}."
    if message == "must be one line":
        return f"Please write {label} on one line."
    return f"Please check {label}."


def _refused_detail(exc: InvalidOrderError, labels: Mapping[str, str]) -> CheckoutErrors | None:
    """A refusal about a checkout field (coupon, address, VAT number, information field),
    shown next to that field; None when it is about the files."""
    name = exc.field
    if name == "coupon" or name.startswith("coupon."):
        return CheckoutErrors(fields={"coupon": coupon_sentence(exc.message)})
    if name.startswith("fields."):
        key = name.removeprefix("fields.")
        label = labels.get(key)
        if label is None:
            return CheckoutErrors(form="Please reload this page: the questions have changed.")
        return CheckoutErrors(fields={info_field_id(key): info_sentence(exc.message, label)})
    if name == "vat_number":
        return CheckoutErrors(fields={"vat_number": VAT_SHAPE})
    parts = name.split(".")
    if parts[:2] == ["client", "address"] and len(parts) > 2:
        if parts[2] in ("country", "region") and "tax" in exc.message:
            return CheckoutErrors(fields={"country": NO_TAX_RATE})
        field = FIELDS.get(parts[2])
        if field is not None:
            return CheckoutErrors(fields={parts[2]: f"Please check {field.label}."})
    if name in ("country", "tax", "buyer"):
        return CheckoutErrors(fields={"country": NO_TAX_RATE})
    return None


def refused_order(
    exc: InvalidOrderError, form: FormData, labels: Mapping[str, str] | None = None
) -> CheckoutErrors:
    """The order was refused: said next to the field it is about (`labels`: the information
    fields' labels by name), or on the file it is about when there is one."""
    detail = _refused_detail(exc, labels or {})
    if detail is not None:
        return detail
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
