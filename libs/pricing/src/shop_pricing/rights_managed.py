"""Rights-managed licenses: a price computed from the usage the client chooses.

A profile is an option tree: groups (usage, size, duration, territory...), each with named
options carrying a ratio, one of them the group's base option; plus a base price and an
optional minimum. The price of a usage (one option chosen in every group) is

    base price x product over the groups of (chosen ratio / base option's ratio)

raised to the minimum, then rounded once, half up, to minor units. PhotoDeck's example: base
price 100.00 (10000 minor units), a size group whose base option has ratio 200, A3 with ratio
300: A3 costs 150.00 (15000).

Ratios are exact (int, Decimal, Fraction or a (numerator, denominator) pair), between
MIN_RATIO and MAX_RATIO; the arithmetic is on fractions.Fraction, so nothing is lost before
the one rounding.

    profile = RightsManagedProfile(base_price=10000, groups=(
        Group("Size", base="A4", options=(Option("A4", 200), Option("A3", 300))),
    ))
    usage = profile.choose({"Size": "A3"})      # PriceError when a choice is missing/unknown
    profile.price(usage)                        # 15000
    str(usage)                                  # "Size: A3"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from shop_pricing.rounding import MAX_AMOUNT, Exact, PriceError, check_amount, exact, round_exact

MIN_RATIO = Fraction(1, 10**6)
MAX_RATIO = Fraction(10**6)
MAX_NAME = 200


def _name(field_name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PriceError(field_name, "must be a non-empty name")
    if len(value) > MAX_NAME:
        raise PriceError(field_name, f"must not be longer than {MAX_NAME} characters")
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise PriceError(field_name, "must not contain control characters")
    return value


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a group; `ratio` is stored as an exact Fraction."""

    name: str
    ratio: Fraction

    def __init__(self, name: str, ratio: Exact) -> None:
        object.__setattr__(self, "name", _name("option.name", name))
        value = exact(f"options[{name}].ratio", ratio)
        if value <= 0:
            raise PriceError(f"options[{name}].ratio", "must be positive")
        if not MIN_RATIO <= value <= MAX_RATIO:
            raise PriceError(
                f"options[{name}].ratio", f"must be between {MIN_RATIO} and {MAX_RATIO}"
            )
        object.__setattr__(self, "ratio", value)


@dataclass(frozen=True, slots=True)
class Group:
    """A group of options (e.g. "Size"), one of which (`base`, by name) is the base."""

    name: str
    options: tuple[Option, ...]
    base: str

    def __post_init__(self) -> None:
        _name("group.name", self.name)
        where = f"groups[{self.name}]"
        object.__setattr__(self, "options", tuple(self.options))
        if not self.options:
            raise PriceError(f"{where}.options", "must not be empty")
        names = [option.name for option in self.options]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise PriceError(f"{where}.options", f"duplicate option names: {duplicates}")
        if self.base not in names:
            raise PriceError(f"{where}.base", f"{self.base!r} is not one of the group's options")

    def option(self, name: str) -> Option | None:
        return next((option for option in self.options if option.name == name), None)

    @property
    def base_ratio(self) -> Fraction:
        base = self.option(self.base)
        assert base is not None  # checked in __post_init__
        return base.ratio


@dataclass(frozen=True, slots=True)
class Usage:
    """The usage a client chose: (group, option) pairs in the profile's group order. Small,
    immutable and printable: what an order line keeps, and what emails, the admin, the XMP
    license and LICENSE.txt show (`str(usage)` is "Usage: Editorial; Size: A3")."""

    choices: tuple[tuple[str, str], ...]

    def as_dict(self) -> dict[str, str]:
        return dict(self.choices)

    @classmethod
    def from_dict(cls, choices: Mapping[str, str]) -> Usage:
        """Back from what was stored (`as_dict`); check it with `profile.choose` to price it."""
        return cls(tuple((str(group), str(option)) for group, option in choices.items()))

    def __str__(self) -> str:
        return "; ".join(f"{group}: {option}" for group, option in self.choices)


@dataclass(frozen=True, slots=True)
class RightsManagedProfile:
    """An option tree with a base price and an optional minimum (both in minor units)."""

    base_price: int
    groups: tuple[Group, ...] = field(default_factory=tuple)
    minimum: int | None = None

    def __post_init__(self) -> None:
        check_amount("base_price", self.base_price)
        if self.minimum is not None:
            check_amount("minimum", self.minimum)
        object.__setattr__(self, "groups", tuple(self.groups))
        names = [group.name for group in self.groups]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise PriceError("groups", f"duplicate group names: {duplicates}")

    def choose(self, choices: Mapping[str, str] | Iterable[tuple[str, str]]) -> Usage:
        """The usage for `choices` (group name -> option name), checked against the tree:
        PriceError when a group has no choice or a choice names a group or an option the
        tree does not have."""
        pairs = list(choices.items()) if isinstance(choices, Mapping) else list(choices)
        chosen: dict[str, str] = {}
        for group_name, option_name in pairs:
            group = self._group(group_name)
            if group is None:
                raise PriceError(f"usage[{group_name}]", "no such group in this profile")
            if group_name in chosen:
                raise PriceError(f"usage[{group_name}]", "chosen twice")
            if group.option(option_name) is None:
                raise PriceError(
                    f"usage[{group_name}]", f"{option_name!r} is not an option of this group"
                )
            chosen[group_name] = option_name
        for group in self.groups:
            if group.name not in chosen:
                raise PriceError(f"usage[{group.name}]", "an option must be chosen")
        return Usage(tuple((group.name, chosen[group.name]) for group in self.groups))

    def exact_price(self, usage: Usage) -> Fraction:
        """The price before its one rounding: base x the ratios, raised to the minimum."""
        checked = self.choose(usage.choices)
        price = Fraction(self.base_price)
        for group_name, option_name in checked.choices:
            group = self._group(group_name)
            assert group is not None
            option = group.option(option_name)
            assert option is not None
            price *= option.ratio / group.base_ratio
        if self.minimum is not None and price < self.minimum:
            price = Fraction(self.minimum)
        return price

    def price(self, usage: Usage) -> int:
        """The price of `usage` in minor units, rounded once, half up; PriceError when it
        would exceed MAX_AMOUNT."""
        price = round_exact(self.exact_price(usage))
        if price > MAX_AMOUNT:
            raise PriceError("price", f"must not exceed {MAX_AMOUNT} minor units")
        return price

    def _group(self, name: str) -> Group | None:
        return next((group for group in self.groups if group.name == name), None)


def price_of(profile: RightsManagedProfile, choices: Mapping[str, str]) -> tuple[Usage, int]:
    """What a use case needs in one call: the checked usage and its price in minor units."""
    usage = profile.choose(choices)
    return usage, profile.price(usage)
