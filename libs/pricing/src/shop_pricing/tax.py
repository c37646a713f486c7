"""Tax: rates per country (optionally per region), prices entered with or without tax, and
the EU reverse charge.

Tax is charged on the order's amount after discounts, rounded once (half up):

- prices entered without tax (`prices_include_tax=False`): the amount is the net;
  tax = net x rate / 100, gross = net + tax;
- prices entered with tax (`prices_include_tax=True`): the amount is the gross;
  net = gross x 100 / (100 + rate), tax = gross - net.

The two agree exactly: for any net N, `tax_of(N, rate, included=False)` gives a gross G and a
tax T, and `tax_of(G, rate, included=True)` gives back N and T (the error of the one rounding
is at most half a unit, which 100/(100+rate) shrinks below half a unit). From a gross G the
way back (net then gross again) differs from G by at most 1 minor unit (rates <= 100 %).

Reverse charge: a business buyer in an EU member state with a VAT number whose format is valid
for that state (`vat_number_valid`, a per-country pattern; no VIES lookup here) pays no tax,
and the invoice carries the reverse-charge mention (`Tax.reverse_charge`). When the shop's own
country is given (`TaxSettings.home_country`), a buyer from that same country is charged
normally (domestic sale). With prices entered with tax, a reverse-charged buyer pays the net.

A country with no rate in the table (and no `default_rate`) is refused with PriceError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from shop_pricing.rounding import Exact, PriceError, exact, round_exact

COUNTRY = re.compile(r"[A-Z]{2}")

# The VAT number of each EU member state: its prefix (Greece's is EL) and the pattern of what
# follows it (the formats the European Commission's VIES documents).
EU_VAT_FORMATS: dict[str, tuple[str, re.Pattern[str]]] = {
    country: (prefix, re.compile(pattern))
    for country, prefix, pattern in [
        ("AT", "AT", r"U\d{8}"),
        ("BE", "BE", r"[01]\d{9}"),
        ("BG", "BG", r"\d{9,10}"),
        ("CY", "CY", r"\d{8}[A-Z]"),
        ("CZ", "CZ", r"\d{8,10}"),
        ("DE", "DE", r"\d{9}"),
        ("DK", "DK", r"\d{8}"),
        ("EE", "EE", r"\d{9}"),
        ("GR", "EL", r"\d{9}"),
        ("ES", "ES", r"[A-Z0-9]\d{7}[A-Z0-9]"),
        ("FI", "FI", r"\d{8}"),
        ("FR", "FR", r"[0-9A-HJ-NP-Z]{2}\d{9}"),
        ("HR", "HR", r"\d{11}"),
        ("HU", "HU", r"\d{8}"),
        ("IE", "IE", r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]"),
        ("IT", "IT", r"\d{11}"),
        ("LT", "LT", r"\d{9}|\d{12}"),
        ("LU", "LU", r"\d{8}"),
        ("LV", "LV", r"\d{11}"),
        ("MT", "MT", r"\d{8}"),
        ("NL", "NL", r"\d{9}B\d{2}"),
        ("PL", "PL", r"\d{10}"),
        ("PT", "PT", r"\d{9}"),
        ("RO", "RO", r"[1-9]\d{1,9}"),
        ("SE", "SE", r"\d{10}01"),
        ("SI", "SI", r"\d{8}"),
        ("SK", "SK", r"\d{10}"),
    ]
}
EU_COUNTRIES = frozenset(EU_VAT_FORMATS)


def country_code(field: str, value: object) -> str:
    """An ISO 3166-1 alpha-2 code, upper case; PriceError otherwise."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if not COUNTRY.fullmatch(code):
        raise PriceError(field, "must be a two-letter country code")
    return code


def vat_number_valid(country: str, vat_number: str) -> bool:
    """Whether `vat_number` has the format of an EU VAT number of `country` (blanks, dots and
    dashes ignored; the country prefix optional). False for a country outside the EU."""
    entry = EU_VAT_FORMATS.get(country.strip().upper())
    if entry is None:
        return False
    prefix, pattern = entry
    compact = re.sub(r"[\s.\-]", "", vat_number).upper()
    if compact.startswith(prefix):
        compact = compact[len(prefix) :]
    return pattern.fullmatch(compact) is not None


def _rate(field: str, value: Exact) -> Fraction:
    rate = exact(field, value)
    if not 0 <= rate <= 100:
        raise PriceError(field, "must be a percentage from 0 to 100")
    return rate


@dataclass(frozen=True, slots=True)
class TaxRate:
    """`rate` percent in `country`, or only in its `region` (e.g. a state or a province)."""

    country: str
    rate: Fraction
    region: str | None = None

    def __init__(self, country: str, rate: Exact, region: str | None = None) -> None:
        object.__setattr__(self, "country", country_code("tax_rates.country", country))
        object.__setattr__(self, "rate", _rate(f"tax_rates[{country}].rate", rate))
        object.__setattr__(self, "region", region.strip().upper() if region else None)


@dataclass(frozen=True, slots=True)
class TaxSettings:
    """The shop's tax settings: its rates, whether prices are entered with tax, its own
    country (for the reverse charge; None: every EU business buyer is reverse-charged) and an
    optional rate for the countries not in the table."""

    rates: tuple[TaxRate, ...] = ()
    prices_include_tax: bool = False
    home_country: str | None = None
    default_rate: Fraction | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rates", tuple(self.rates))
        keys = [(rate.country, rate.region) for rate in self.rates]
        if len(set(keys)) != len(keys):
            raise PriceError("tax_rates", "two rates for the same country and region")
        if self.home_country is not None:
            object.__setattr__(
                self, "home_country", country_code("home_country", self.home_country)
            )
        if self.default_rate is not None:
            object.__setattr__(self, "default_rate", _rate("default_rate", self.default_rate))

    @property
    def charges_tax(self) -> bool:
        """Settings without a rate (and no default) charge nothing: they must not refuse
        every country."""
        return bool(self.rates) or self.default_rate is not None

    def rate_for(self, country: str, region: str | None = None) -> Fraction:
        """The region's rate, else the country's, else the default; PriceError for a
        country the settings do not know."""
        code = country_code("country", country)
        wanted = region.strip().upper() if region else None
        by_key = {(rate.country, rate.region): rate.rate for rate in self.rates}
        if wanted is not None and (code, wanted) in by_key:
            return by_key[(code, wanted)]
        if (code, None) in by_key:
            return by_key[(code, None)]
        if self.default_rate is not None:
            return self.default_rate
        raise PriceError("country", f"no tax rate for {code}")


@dataclass(frozen=True, slots=True)
class Buyer:
    """Where the buyer is (from the checkout's address) and, for a business, its VAT number."""

    country: str
    region: str | None = None
    vat_number: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "country", country_code("buyer.country", self.country))


@dataclass(frozen=True, slots=True)
class Tax:
    """The tax of an amount: `net + tax == gross`; `rate` the percentage applied (the
    country's rate even when reverse-charged); `reverse_charge` for the invoice mention."""

    net: int
    tax: int
    gross: int
    rate: Fraction
    included: bool
    reverse_charge: bool = False


def tax_of(amount: int, rate: Fraction, *, included: bool) -> Tax:
    """The tax of `amount` (minor units) at `rate` percent, the amount being the gross
    (`included`) or the net; rounded once, half up."""
    if included:
        net = round_exact(Fraction(amount) * 100 / (100 + rate))
        return Tax(net=net, tax=amount - net, gross=amount, rate=rate, included=True)
    tax = round_exact(Fraction(amount) * rate / 100)
    return Tax(net=amount, tax=tax, gross=amount + tax, rate=rate, included=False)


def reverse_charged(settings: TaxSettings, buyer: Buyer) -> bool:
    """Whether `buyer` is an EU business (a VAT number valid for its country) buying from
    another member state (or from a shop whose country is not set)."""
    return (
        buyer.vat_number is not None
        and buyer.country in EU_COUNTRIES
        and buyer.country != settings.home_country
        and vat_number_valid(buyer.country, buyer.vat_number)
    )


def tax_for(amount: int, settings: TaxSettings, buyer: Buyer) -> Tax:
    """The tax `buyer` pays on `amount` (the order after discounts, as the prices are
    entered): the buyer's rate, or nothing under the reverse charge."""
    if reverse_charged(settings, buyer):
        # No tax is charged, so a business buyer whose country the table lacks is not
        # refused; the rate only extracts the net from prices entered with tax: the buyer
        # country's if known, else the shop's own.
        rate = _known_rate(settings, buyer.country, buyer.region)
        if rate is None:
            rate = _known_rate(settings, settings.home_country, None)
        charged = tax_of(amount, rate or Fraction(0), included=settings.prices_include_tax)
        return Tax(
            net=charged.net,
            tax=0,
            gross=charged.net,
            rate=charged.rate,
            included=settings.prices_include_tax,
            reverse_charge=True,
        )
    rate = settings.rate_for(buyer.country, buyer.region)
    return tax_of(amount, rate, included=settings.prices_include_tax)


def _known_rate(settings: TaxSettings, country: str | None, region: str | None) -> Fraction | None:
    if country is None:
        return None
    try:
        return settings.rate_for(country, region)
    except PriceError:
        return None
