"""Form errors in sentences, one per field, shown next to the field (issue 10).

A person filling a form reads "Please enter a valid email address, like ada@example.com.",
never the validator's "value is not a valid email address: ..." nor a field path such as
`client.address.country`. Each form says how its fields are called (`Field`); this module
turns pydantic's error records into those sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# shop_platform.text's refusals (control characters, line breaks): worded for people already.
TEXT_PROBLEMS = ("must be a single line", "contains a control", "contains an invalid")


@dataclass(frozen=True)
class Field:
    """How a form field is called in a sentence ("your postal code", "the price"), and what
    to say instead of the generic sentence when its value has the wrong shape."""

    label: str
    wrong_shape: str | None = None  # e.g. "Please enter a valid email address, like ..."
    # The field's validator words its refusals for people (domain.branding): say them.
    own_words: bool = False


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number_limit(kind: str, ctx: Mapping[str, Any], label: str) -> str:
    limit = next(iter(ctx.values()), "")
    word = {
        "greater_than": "more than",
        "greater_than_equal": "at least",
        "less_than": "less than",
        "less_than_equal": "at most",
    }[kind]
    return f"{_capital(label)} must be {word} {limit}."


def sentence(error: Mapping[str, Any], field: Field) -> str:
    """One pydantic error record as a sentence about `field`."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    label = field.label
    if kind in ("missing", "string_too_short"):
        return f"Please enter {label}."
    if kind == "too_short":  # a list: nothing chosen
        return field.wrong_shape or f"Please choose {label}."
    if kind == "string_too_long":
        return f"Please shorten {label} to {ctx.get('max_length')} characters or fewer."
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return _number_limit(kind, ctx, label)
    if kind.startswith(("int_", "float_", "decimal_")):
        return f"Please enter {label} as a number."
    if kind == "value_error" and isinstance(ctx.get("error"), ValueError):
        problem = str(ctx["error"])
        if field.own_words or problem.startswith(TEXT_PROBLEMS):
            return f"{_capital(label)} {problem.rstrip('.')}."
    if field.wrong_shape is not None:
        return field.wrong_shape
    if kind == "literal_error":
        return f"Please choose one of the options for {label}."
    return f"Please check {label}."


def field_errors(
    records: Iterable[Mapping[str, Any]],
    field_of: Callable[[Mapping[str, Any]], str],
    fields: Mapping[str, Field],
    *,
    fallback: str = "form",
) -> dict[str, str]:
    """{form field name: sentence}, the first error of each field, from pydantic's error
    records (`exc.errors()`); `field_of` tells which form field a record is about
    (`fallback`: the form as a whole)."""
    found: dict[str, str] = {}
    for error in records:
        name = field_of(error)
        if name in found:
            continue
        field = fields.get(name)
        found[name] = (
            sentence(error, field) if field else "Please check what you entered and try again."
        )
    if fallback in found and len(found) > 1:
        del found[fallback]  # the fields' own sentences say it better
    return found
