"""The admin's pricing forms (tax, order information fields; coupons: `coupon_forms`) to what
the use cases take, and back, with the helpers they share: amounts typed in the currency's
major units ("10.00"), dates as days, list rows as numbered fields (`rates-0-country`,
`fields-2-label`). A value that cannot be read is a sentence next to its field; the rules
themselves stay in `shop_pricing` and the service."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.datastructures import FormData

from shop_contracts.money import currency_exponent, to_major
from shop_orders.domain.order_fields import OrderField
from shop_orders.service.pricing_settings import RateInput
from shop_pricing.rounding import MAX_AMOUNT

MAX_ROWS = 100  # rows of a list form looked at
KINDS = (
    ("text", "Text (one line)"),
    ("long_text", "Long text (several lines)"),
    ("choice", "Choice (one of a list)"),
    ("checkbox", "Checkbox (yes or no)"),
)


class FormProblem(ValueError):
    """A value that cannot be read: the sentence says what to type instead."""


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def ticked(form: FormData, name: str) -> bool:
    return form.get(name) in ("on", "true", "1")


# -- amounts and dates ---------------------------------------------------------------------


def amount_text(minor: int | None, currency: str) -> str:
    """9000 EUR -> "90.00" (what an amount input shows); None -> ""."""
    return "" if minor is None else str(to_major(minor, currency))


def parse_amount(typed: str, currency: str) -> int:
    """ "90", "90.5", "90,50" in `currency` -> minor units; FormProblem otherwise."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", typed)
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    decimals = currency_exponent(currency)
    example = "10" if decimals == 0 else "10." + "0" * decimals
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise FormProblem(f"Please write the amount in {currency}, like {example}.") from None
    if not value.is_finite() or value < 0:
        raise FormProblem(f"Please write the amount in {currency}, like {example}.")
    minor = value.scaleb(decimals)
    if minor != minor.to_integral_value():
        raise FormProblem(f"Please write the amount with at most {decimals} decimals.")
    if minor > MAX_AMOUNT:
        raise FormProblem("This amount is too large.")
    return int(minor)


def day_start(typed: str) -> datetime:
    """ "2026-12-24" -> 2026-12-24 00:00 UTC."""
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        raise FormProblem("Please enter a date, like 2026-12-24.") from None
    return datetime.combine(day, time(0), UTC)


def first_day(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).date().isoformat()


def last_day(moment: datetime | None) -> str:
    """An exclusive end (the next day's 00:00 UTC) as the last day it is valid."""
    if moment is None:
        return ""
    return (moment.astimezone(UTC) - timedelta(microseconds=1)).date().isoformat()


@dataclass
class Parsed:
    """A form read: the API body, and a sentence per field id that could not be read."""

    body: Any
    errors: dict[str, str] = field(default_factory=dict)

    def read(self, name: str, parse: Callable[[], Any]) -> Any:
        """`parse()`, or None with the problem noted on field `name`."""
        try:
            return parse()
        except FormProblem as exc:
            self.errors[name] = str(exc)
            return None


# -- tax -----------------------------------------------------------------------------------


def tax_form(settings: Any | None) -> dict[str, Any]:
    """The tax settings (`shop_pricing.tax.TaxSettings`, None: none yet) as the form shows
    them, with an empty row to add a rate."""
    rates: list[dict[str, str]] = []
    if settings is not None:
        rates = [
            {"country": r.country, "region": r.region or "", "rate": rate_text(r.rate)}
            for r in settings.rates
        ]
    return {
        "prices_include_tax": settings.prices_include_tax if settings else False,
        "seller_country": (settings.home_country or "") if settings else "",
        "rates": [*rates, {"country": "", "region": "", "rate": ""}],
    }


def rate_text(rate: Any) -> str:
    """Fraction(20) -> "20", Fraction(11, 2) -> "5.5"."""
    value = Decimal(rate.numerator) / Decimal(rate.denominator)
    return format(value.normalize(), "f")


def _rows(form: FormData, prefix: str, names: Iterable[str]) -> list[dict[str, str]]:
    """Numbered rows `<prefix>-<i>-<name>` in their order, `remove` ticked kept as "on"."""
    rows = []
    for index in range(MAX_ROWS):
        keys = [f"{prefix}-{index}-{name}" for name in names]
        if not any(key in form for key in keys):
            break
        rows.append({name: str(form.get(f"{prefix}-{index}-{name}") or "") for name in names})
    return rows


@dataclass(frozen=True, slots=True)
class TaxForm:
    """The tax form read: what `tax_settings_of` takes, and the rows as typed (row i of
    `rates` is rate i of the form: a refusal naming `rates[i]` is shown on that row)."""

    prices_include_tax: bool
    seller_country: str | None
    rates: list[RateInput]
    shown: dict[str, Any]


def tax_inputs(form: FormData) -> TaxForm:
    rows = _rows(form, "rates", ("country", "region", "rate", "remove"))
    kept = [
        {name: row[name].strip() for name in ("country", "region", "rate")}
        for row in rows
        if row["remove"] != "on" and any(row[n].strip() for n in ("country", "region", "rate"))
    ]
    seller = text(form, "seller_country").upper()
    included = ticked(form, "prices_include_tax")
    return TaxForm(
        prices_include_tax=included,
        seller_country=seller or None,
        rates=[
            RateInput(
                country=r["country"],
                rate=r["rate"].replace(",", ".").rstrip("%").strip(),
                region=r["region"] or None,
            )
            for r in kept
        ],
        shown={
            "prices_include_tax": included,
            "seller_country": seller,
            "rates": [*kept, {"country": "", "region": "", "rate": ""}],
        },
    )


def tax_error(field_name: str) -> tuple[str, str]:
    """A refusal's field (`rates[2].rate`, `seller_country`) -> (form field id, sentence)."""
    match = re.fullmatch(r"rates\[(\d+)\]\.(country|rate|region)", field_name)
    if match is None:
        if field_name == "seller_country":
            return "seller_country", "Please enter your country as a two-letter code, like FR."
        return "rates-0-country", "Please check the rates: at most 500."
    where, name = f"rates-{match.group(1)}-{match.group(2)}", match.group(2)
    sentences = {
        "country": "Please enter a two-letter country code, like FR (once per region).",
        "rate": "Please enter a rate from 0 to 100 with at most 4 decimals, like 20 or 5.5.",
        "region": "Please shorten the region to 100 characters or fewer.",
    }
    return where, sentences[name]


# -- order information fields --------------------------------------------------------------

FIELD_ATTRIBUTES = ("name", "label", "kind", "required", "max_length", "choices", "remove")


def fields_form(definitions: Iterable[Any]) -> list[dict[str, Any]]:
    """The definitions (`domain.order_fields.OrderField`) as the form shows them, with an
    empty one to add a field."""
    shown = [
        {
            "name": f.name,
            "label": f.label,
            "kind": f.kind,
            "required": f.required,
            "max_length": f.max_length,
            "choices": list(f.choices),
        }
        for f in definitions
    ]
    return [*shown, _blank_field()]


def _blank_field() -> dict[str, Any]:
    return {"name": "", "label": "", "kind": "text", "required": False, "max_length": None}


@dataclass
class FieldsForm:
    """The fields form read: the definitions to save (`defined[i]` is on the form's row
    `rows_at[i]`), the rows as typed, and what could not be read."""

    defined: list[OrderField]
    rows_at: list[int]
    shown: list[dict[str, Any]]
    errors: dict[str, str]

    def error_at(self, field_name: str) -> tuple[str, str] | None:
        """A refusal naming `<index>.<attribute>` (domain.order_fields) -> the form field."""
        index, _, attribute = field_name.partition(".")
        if not index.isdigit() or int(index) >= len(self.rows_at):
            return None
        return f"fields-{self.rows_at[int(index)]}-{attribute}", FIELD_SENTENCES.get(
            attribute, "Please check this value."
        )


FIELD_SENTENCES = {
    "name": "Please use lower case letters, digits and _ (a letter first), each name once.",
    "label": "Please enter the question in 1 to 200 characters.",
    "kind": "Please choose one of the kinds.",
    "max_length": "A maximum length is for text fields: 1 to 500 (long text: 10000).",
    "choices": "A choice field needs 1 to 50 different choices, one per line; other kinds none.",
}


def fields_body(form: FormData) -> FieldsForm:
    rows = _rows(form, "fields", FIELD_ATTRIBUTES)
    read = FieldsForm([], [], [], {})
    for row in rows:
        if row["remove"] == "on":
            continue
        choices = [c.strip() for c in row["choices"].splitlines() if c.strip()]
        typed: dict[str, Any] = {
            "name": row["name"].strip(),
            "label": row["label"].strip(),
            "kind": row["kind"] or "text",
            "required": row["required"] == "on",
            "max_length": row["max_length"].strip() or None,
            "choices": choices,
        }
        if not typed["name"] and not typed["label"]:
            continue  # the empty row left empty
        read.shown.append(typed)
        where = f"fields-{len(read.shown) - 1}"
        if not typed["label"]:
            read.errors[f"{where}-label"] = "Please enter the question shown to the client."
        if not typed["name"]:
            read.errors[f"{where}-name"] = "Please enter a name, like project_name."
        max_length = typed["max_length"]
        if max_length is not None and not str(max_length).isdigit():
            read.errors[f"{where}-max_length"] = "Please enter a whole number, like 200."
            max_length = None
        read.defined.append(
            OrderField(
                name=typed["name"],
                label=typed["label"],
                kind=typed["kind"],
                required=typed["required"],
                max_length=int(max_length) if max_length else None,
                choices=tuple(choices) if typed["kind"] == "choice" else (),
            )
        )
        read.rows_at.append(len(read.shown) - 1)
    read.shown.append(_blank_field())
    return read
