"""Amounts as people read them: the currency's own decimals, the client's locale."""

from shop_contracts.money import currency_exponent, format_money, is_currency, to_major


def test_each_currency_has_its_own_minor_units() -> None:
    assert (currency_exponent("EUR"), currency_exponent("JPY"), currency_exponent("KWD")) == (
        2,
        0,
        3,
    )
    assert str(to_major(4500, "EUR")) == "45.00"
    assert str(to_major(4500, "JPY")) == "4500"


def test_without_a_locale_the_neutral_form_names_the_code() -> None:
    assert format_money(123450, "EUR") == "1,234.50 EUR"
    assert format_money(4500, "JPY") == "4,500 JPY"
    assert format_money(-4500, "EUR") == "-45.00 EUR"


def test_a_client_locale_writes_the_amount_its_way() -> None:
    assert format_money(123450, "EUR", "fr-FR").replace("\u202f", " ").replace("\xa0", " ") == (
        "1 234,50 €"
    )
    assert format_money(123450, "EUR", "en_US") == "€1,234.50"
    assert format_money(123450, "EUR", "not a locale") == "1,234.50 EUR"


def test_only_iso_codes_are_currencies() -> None:
    assert [is_currency(code) for code in ("EUR", "JPY", "XYZ", "eur", "EURO")] == [
        True,
        True,
        False,
        False,
        False,
    ]
