"""The coupon form to `CouponTerms` and back: the discount as a whole percent or an amount in
the currency's major units ("10.50"), the first and last days as dates (the last one
inclusive), price lists by their ids. The rules stay in `shop_pricing` (through
`CouponTerms.record`); a value that cannot be read is a sentence next to its field."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from starlette.datastructures import FormData

from shop_orders.api.pricing_forms import (
    MAX_ROWS,
    FormProblem,
    Parsed,
    amount_text,
    day_start,
    first_day,
    last_day,
    parse_amount,
    text,
    ticked,
)
from shop_orders.domain.coupons import CouponRecord, CouponTerms


def coupon_form(record: Any | None, currency: str) -> dict[str, Any]:
    """A coupon (a `CouponRecord`, None for a new one) as its form shows it."""
    if record is None:
        return {"kind": "percent", "active": True}
    value = record.value if record.kind == "percent" else amount_text(record.value, currency)
    return {
        "code": record.code,
        "kind": record.kind,
        "value": str(value),
        "minimum_order": amount_text(record.minimum_order, currency),
        "starts_at": first_day(record.starts_at),
        "ends_at": last_day(record.ends_at),
        "max_uses": "" if record.max_uses is None else str(record.max_uses),
        "profile_ids": "\n".join(sorted(str(p) for p in record.profile_ids or ())),
        "once_per_client": record.once_per_client,
        "active": record.active,
    }


def typed_coupon(form: FormData) -> dict[str, Any]:
    """What was typed, to show the form again after a refusal."""
    typed: dict[str, Any] = {
        name: text(form, name)
        for name in ("code", "kind", "value", "minimum_order", "starts_at", "ends_at", "max_uses")
    }
    typed["profile_ids"] = str(form.get("profile_ids") or "")
    typed["once_per_client"] = ticked(form, "once_per_client")
    typed["active"] = ticked(form, "active")
    return typed


def _percent(typed: str) -> int:
    cleaned = typed.rstrip("%").strip()
    if not cleaned.isdigit() or not 1 <= int(cleaned) <= 100:
        raise FormProblem("Please enter a whole percentage from 1 to 100, like 10.")
    return int(cleaned)


def _whole(typed: str) -> int:
    if not typed.isdigit() or int(typed) < 1:
        raise FormProblem("Please enter a whole number, like 5, or leave it empty.")
    return int(typed)


def _profile_ids(typed: str) -> list[uuid.UUID] | None:
    parts = [p for p in re.split(r"[\s,;]+", typed) if p]
    if not parts:
        return None
    found = []
    for part in parts[:MAX_ROWS]:
        try:
            found.append(uuid.UUID(part))
        except ValueError:
            raise FormProblem(
                f"“{part[:40]}” is not a price list id: copy it from the end of the price "
                "list's address in the catalog admin."
            ) from None
    return found


def coupon_terms(form: FormData, currency: str) -> Parsed:
    """The coupon form as `CouponTerms` (`body`, None when a value could not be read)."""
    kind = text(form, "kind") or "percent"
    parsed = Parsed(None)
    value = text(form, "value")
    off: int | None = None
    if not value:
        parsed.errors["value"] = "Please enter the discount."
    elif kind == "amount":
        off = parsed.read("value", lambda: parse_amount(value, currency))
    else:
        off = parsed.read("value", lambda: _percent(value))
    optional: dict[str, Callable[[str], Any]] = {
        "minimum_order": lambda typed: parse_amount(typed, currency),
        "starts_at": day_start,
        "ends_at": lambda typed: day_start(typed) + timedelta(days=1),
        "max_uses": _whole,
    }
    read: dict[str, Any] = {}
    for name, parse in optional.items():
        typed = text(form, name)
        read[name] = parsed.read(name, partial(parse, typed)) if typed else None
    profiles = str(form.get("profile_ids") or "")
    profile_ids = parsed.read("profile_ids", lambda: _profile_ids(profiles))
    if parsed.errors:
        return parsed
    parsed.body = CouponTerms(
        code=text(form, "code"),
        amount_off=off if kind == "amount" else None,
        percent_off=off if kind != "amount" else None,
        profile_ids=frozenset(profile_ids) if profile_ids else None,
        once_per_client=ticked(form, "once_per_client"),
        active=ticked(form, "active"),
        **read,
    )
    return parsed


def terms_of(record: CouponRecord, *, active: bool) -> CouponTerms:
    """A coupon's terms as they are, but for `active` (Disable / Enable)."""
    return CouponTerms(
        code=record.code,
        amount_off=record.value if record.kind == "amount" else None,
        percent_off=record.value if record.kind == "percent" else None,
        minimum_order=record.minimum_order,
        profile_ids=record.profile_ids,
        starts_at=record.starts_at,
        ends_at=record.ends_at,
        max_uses=record.max_uses,
        once_per_client=record.once_per_client,
        active=active,
    )


COUPON_FIELDS = {  # a refusal's field (API, shop_pricing) -> the form's field
    "code": "code",
    "kind": "kind",
    "value": "value",
    "amount_off": "value",
    "percent_off": "value",
    "minimum_order": "minimum_order",
    "profile_ids": "profile_ids",
    "starts_at": "starts_at",
    "ends_at": "ends_at",
    "max_uses": "max_uses",
}
