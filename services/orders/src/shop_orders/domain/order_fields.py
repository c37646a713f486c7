"""The photographer's order information fields (issue 12, item 6): what they are, and the
client's answers checked against them.

A field is text (one line), long_text (several lines), choice (one of `choices`) or checkbox
("true" / "false"; a required checkbox must be ticked, e.g. "I accept the usage terms").
The client's answers come as `{"<name>": "<value>"}`; `validate` gives the values stored on
the order (`InfoFieldValue`, the label kept as it was) or raises InvalidOrderError naming
`fields.<name>`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from shop_contracts.common import InfoFieldValue
from shop_orders.domain.errors import FieldError, InvalidOrderError

FieldKind = Literal["text", "long_text", "choice", "checkbox"]
FIELD_KINDS: tuple[str, ...] = get_args(FieldKind)

NAME = re.compile(r"[a-z][a-z0-9_]{0,99}")
MAX_FIELDS = 30
MAX_LABEL = 200
MAX_CHOICES = 50
MAX_CHOICE = 200
# Without a max_length of its own: what a value may hold at most.
DEFAULT_MAX = {"text": 500, "long_text": 10_000, "choice": MAX_CHOICE, "checkbox": 5}
TRUE = frozenset({"true", "on", "yes", "1"})
FALSE = frozenset({"false", "off", "no", "0", ""})


def _unprintable(value: str, *, multiline: bool = False) -> bool:
    """Control characters (line breaks allowed in `multiline` text) or lone surrogates: a
    NUL breaks PostgreSQL, a surrogate cannot be stored or sent as UTF-8."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and not (multiline and char in "\n\r\t")):
            return True
    return False


def _visible(value: str) -> str:
    """Without the invisible format characters (bidi overrides, zero-width marks)."""
    return "".join(c for c in value if unicodedata.category(c) != "Cf")


@dataclass(frozen=True, slots=True)
class OrderField:
    name: str  # the key of the order body's "fields"
    label: str  # what the checkout shows (kept on the order as it was)
    kind: FieldKind
    required: bool = False
    max_length: int | None = None  # text and long_text
    choices: tuple[str, ...] = field(default_factory=tuple)  # choice

    @property
    def limit(self) -> int:
        return self.max_length or DEFAULT_MAX[self.kind]


def check_definitions(fields: Sequence[OrderField]) -> None:
    """The photographer's definitions: FieldError naming `<index>.<attribute>` otherwise."""
    if len(fields) > MAX_FIELDS:
        raise FieldError("fields", f"at most {MAX_FIELDS} fields")
    seen: set[str] = set()
    for index, f in enumerate(fields):
        at = f"{index}"
        if not NAME.fullmatch(f.name):
            raise FieldError(
                f"{at}.name", "must be lower case letters, digits and _ (a letter first)"
            )
        if f.name in seen:
            raise FieldError(f"{at}.name", f"{f.name} is defined twice")
        seen.add(f.name)
        if not f.label.strip() or len(f.label) > MAX_LABEL or _unprintable(f.label):
            raise FieldError(f"{at}.label", f"must be 1 to {MAX_LABEL} printable characters")
        if f.kind not in FIELD_KINDS:
            raise FieldError(f"{at}.kind", f"must be one of {', '.join(FIELD_KINDS)}")
        if f.max_length is not None:
            if f.kind not in ("text", "long_text"):
                raise FieldError(f"{at}.max_length", "only for text and long_text fields")
            if not 1 <= f.max_length <= DEFAULT_MAX[f.kind]:
                raise FieldError(f"{at}.max_length", f"must be from 1 to {DEFAULT_MAX[f.kind]}")
        if f.kind == "choice":
            if not f.choices or len(f.choices) > MAX_CHOICES:
                raise FieldError(f"{at}.choices", f"a choice needs 1 to {MAX_CHOICES} choices")
            if len(set(f.choices)) != len(f.choices):
                raise FieldError(f"{at}.choices", "a choice is listed twice")
            for choice in f.choices:
                if not choice.strip() or len(choice) > MAX_CHOICE or _unprintable(choice):
                    raise FieldError(
                        f"{at}.choices", f"each choice: 1 to {MAX_CHOICE} printable characters"
                    )
        elif f.choices:
            raise FieldError(f"{at}.choices", "only a choice field has choices")


def _refuse(f: OrderField, reason: str) -> InvalidOrderError:
    return InvalidOrderError(f"fields.{f.name}", reason)


def _answer(f: OrderField, raw: object) -> str | None:
    """The value kept for one field (None: nothing to keep)."""
    if isinstance(raw, bool):
        raw = "true" if raw else "false"
    if raw is not None and not isinstance(raw, str):
        raise _refuse(f, "must be text")
    value = _visible(raw or "").strip()
    if f.kind == "checkbox":
        if value.lower() in TRUE:
            return "true"
        if value.lower() not in FALSE:
            raise _refuse(f, 'must be "true" or "false"')
        if f.required:
            raise _refuse(f, f"{f.label}: must be ticked")
        return "false"
    if not value:
        if f.required:
            raise _refuse(f, f"{f.label}: required")
        return None
    if len(value) > f.limit:
        raise _refuse(f, f"at most {f.limit} characters")
    if f.kind == "text" and ("\n" in value or "\r" in value):
        raise _refuse(f, "must be one line")
    if _unprintable(value, multiline=f.kind == "long_text"):
        raise _refuse(f, "must not hold control characters")
    if f.kind == "choice" and value not in f.choices:
        raise _refuse(f, f"must be one of: {', '.join(f.choices)}")
    return value.replace("\r\n", "\n")


def validate(
    definitions: Sequence[OrderField], values: Mapping[str, object] | None
) -> list[InfoFieldValue]:
    """The client's answers, in the definitions' order; InvalidOrderError naming
    `fields.<name>` for an unknown name, a missing required value, a value too long, a choice
    outside the list or a checkbox that is neither "true" nor "false"."""
    given = dict(values or {})
    known = {f.name for f in definitions}
    for name in given:
        if name not in known:
            shown = name[:100].encode("ascii", "backslashreplace").decode("ascii")
            raise InvalidOrderError(f"fields.{shown}", "no such order information field")
    kept: list[InfoFieldValue] = []
    for f in definitions:
        value = _answer(f, given.get(f.name))
        if value is not None:
            kept.append(InfoFieldValue(name=f.name, label=f.label, value=value))
    return kept
