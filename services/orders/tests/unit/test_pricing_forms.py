"""The pricing pages' forms read as people type them: amounts in the currency's units, days
as dates, refusals as sentences (issue 12)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.datastructures import FormData

from shop_orders.api.checkout_form import (
    COUPON_SENTENCES,
    checkout_terms,
    coupon_sentence,
    info_answers,
    info_sentence,
    order_body,
)
from shop_orders.api.pricing_forms import (
    FormProblem,
    amount_text,
    day_start,
    fields_body,
    last_day,
    parse_amount,
    tax_error,
    tax_inputs,
)
from shop_pricing.coupons import Refusal


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("10.50", "EUR", 1050),
        ("10,5", "EUR", 1050),
        (" 1 234.00 ", "EUR", 123400),
        ("90", "EUR", 9000),
        ("4500", "JPY", 4500),
        ("1.234", "KWD", 1234),
        ("0", "EUR", 0),
    ],
)
def test_amounts_are_typed_in_the_currencys_units(typed: str, currency: str, minor: int) -> None:
    assert parse_amount(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "currency", "said"),
    [
        ("1.234", "EUR", "at most 2 decimals"),
        ("1.5", "JPY", "at most 0 decimals"),
        ("-1", "EUR", "like 10.00"),
        ("ten", "EUR", "like 10.00"),
        ("NaN", "EUR", "like 10.00"),
        ("abc", "JPY", "like 10."),
        ("10000000000.01", "EUR", "too large"),
    ],
)
def test_an_amount_that_cannot_be_read_says_how_to_write_it(
    typed: str, currency: str, said: str
) -> None:
    with pytest.raises(FormProblem, match=said):
        parse_amount(typed, currency)


def test_amounts_and_days_are_shown_back_as_typed() -> None:
    assert amount_text(1050, "EUR") == "10.50"
    assert amount_text(4500, "JPY") == "4500"
    assert amount_text(None, "EUR") == ""
    start = day_start("2026-12-24")
    assert start == datetime(2026, 12, 24, tzinfo=UTC)
    assert last_day(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-12-31", "an exclusive end"
    with pytest.raises(FormProblem, match="a date"):
        day_start("24/12/2026")


def test_every_coupon_refusal_has_its_sentence() -> None:
    assert set(COUPON_SENTENCES) == set(Refusal)
    assert (
        coupon_sentence("used_up: this coupon has no use left")
        == (COUPON_SENTENCES[Refusal.USED_UP])
    )
    assert (
        coupon_sentence("already_used_by_client: ...")
        == (COUPON_SENTENCES[Refusal.ALREADY_USED_BY_CLIENT])
    )
    assert "cannot be used" in coupon_sentence("something new")


def test_information_field_refusals_name_the_field() -> None:
    label = "Project name"
    assert info_sentence("Project name: required", label) == "Please fill in Project name."
    assert "Please tick" in info_sentence("Terms: must be ticked", label)
    assert info_sentence("at most 20 characters", label) == (
        "Please shorten Project name to 20 characters or fewer."
    )
    assert "one of the options" in info_sentence("must be one of: Print, Web", label)


def test_the_checkout_form_carries_the_pricing_fields_only_when_filled() -> None:
    form = FormData(
        [
            ("name", "Ada"),
            ("email", "ada@example.com"),
            ("line1", "1 Rue X"),
            ("city", "Paris"),
            ("postal_code", "75001"),
            ("country", "fr"),
            ("region", " IDF "),
            ("coupon", "spring10"),
            ("vat_number", ""),
            ("fields[project]", "Book"),
            ("fields[terms]", "true"),
        ]
    )
    body = order_body(form, "cart-1")
    assert body["client"]["address"]["region"] == "IDF"
    assert body["coupon"] == "spring10"
    assert "vat_number" not in body, "an empty field is not sent"
    assert body["fields"] == {"project": "Book", "terms": "true"}
    assert info_answers(form) == {"project": "Book", "terms": "true"}
    terms = checkout_terms(form)
    assert (terms.country, terms.region, terms.coupon, terms.vat_number) == (
        "FR",
        "IDF",
        "spring10",
        None,
    )
    assert checkout_terms(FormData([("country", "ZZ")])).country is None, "not a country"
    plain = order_body(FormData([("country", "FR")]), "cart-1")
    assert not {"coupon", "vat_number", "fields"} & set(plain)
    assert "region" not in plain["client"]["address"]


def test_tax_rows_and_their_refusals() -> None:
    form = FormData(
        [
            ("seller_country", "fr"),
            ("prices_include_tax", "on"),
            ("rates-0-country", "FR"),
            ("rates-0-region", ""),
            ("rates-0-rate", "20 %"),
            ("rates-1-country", "DE"),
            ("rates-1-region", ""),
            ("rates-1-rate", "19"),
            ("rates-1-remove", "on"),
            ("rates-2-country", ""),
            ("rates-2-region", ""),
            ("rates-2-rate", ""),
        ]
    )
    read = tax_inputs(form)
    assert read.prices_include_tax
    assert read.seller_country == "FR"
    assert [(r.country, r.rate, r.region) for r in read.rates] == [("FR", "20", None)]
    assert len(read.shown["rates"]) == 2, "the rate kept and an empty row"
    assert tax_error("rates[3].rate")[0] == "rates-3-rate"
    assert tax_error("seller_country")[0] == "seller_country"


def test_fields_rows_keep_their_place_for_refusals() -> None:
    form = FormData(
        [
            ("fields-0-name", "gone"),
            ("fields-0-label", "Gone"),
            ("fields-0-kind", "text"),
            ("fields-0-remove", "on"),
            ("fields-1-name", "medium"),
            ("fields-1-label", "Medium"),
            ("fields-1-kind", "choice"),
            ("fields-1-choices", "Print\nWeb\n"),
            ("fields-1-max_length", ""),
            ("fields-2-name", ""),
            ("fields-2-label", ""),
            ("fields-2-kind", "text"),
        ]
    )
    read = fields_body(form)
    assert [f.name for f in read.defined] == ["medium"]
    assert read.defined[0].choices == ("Print", "Web")
    assert read.error_at("0.choices") == (
        "fields-0-choices",
        "A choice field needs 1 to 50 different choices, one per line; other kinds none.",
    )
    assert read.error_at("5.name") is None
    assert read.shown[-1]["name"] == "", "an empty row to add a field"
