"""Money is integer minor units plus an ISO 4217 code: how many decimals, and how to show it.

Babel (CLDR data) knows every currency's minor units and every locale's way of writing an
amount, so nothing here is a hand-kept table:

    format_money(123450, "EUR")                   # "1,234.50 EUR" (no locale: the neutral form)
    format_money(123450, "EUR", locale="fr_FR")   # "1 234,50 €" (a client's locale)
    format_money(4500, "JPY")                     # "4,500 JPY" (no minor unit)
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, get_currency_precision, list_currencies

# The form used where no client locale is known (admin pages, logs, tests): digits grouped,
# the currency's own decimals, the ISO code after.
_NEUTRAL = "#,##0.00 ¤¤"
DEFAULT_LOCALE = "en"


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    """An ISO 4217 code Babel knows (upper case, three letters)."""
    return len(code) == 3 and code.isupper() and code in _currencies()


def currency_exponent(currency: str) -> int:
    """Decimals of the currency's minor unit (EUR 2, JPY 0, KWD 3)."""
    return int(get_currency_precision(currency))


def to_major(minor: int, currency: str) -> Decimal:
    """4500 EUR minor units -> Decimal('45.00')."""
    return Decimal(minor).scaleb(-currency_exponent(currency))


@lru_cache(maxsize=256)
def known_locale(tag: str | None) -> str | None:
    """`tag` ("fr-FR", "fr_FR", "de") as a locale Babel has data for, or None."""
    if not tag:
        return None
    try:
        return str(Locale.parse(tag.strip().replace("-", "_")))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def format_money(minor: int, currency: str, locale: str | None = None) -> str:
    """An amount in minor units as text: in `locale`'s way when given (and known to Babel),
    else in the neutral form `1,234.50 EUR`."""
    amount = to_major(minor, currency)
    chosen = known_locale(locale)
    if chosen is None:
        return format_currency(amount, currency, format=_NEUTRAL, locale=DEFAULT_LOCALE)
    return format_currency(amount, currency, locale=chosen)
