"""Keyset cursors for the admin lists (issue 14 item 4: cursor paging everywhere).

A cursor is the last row's sort key, opaque to the client (base64url of the key's parts
joined by `|`): the next page reads the rows after it, so a page never loses nor repeats a
row while others are added. Anything a list did not give is a 422 naming `cursor`.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from shop_platform.errors import InvalidInputError

MAX_CURSOR = 300  # characters: a cursor is far shorter
DEFAULT_PAGE = 50
MAX_PAGE = 200

T = TypeVar("T")


def encode_cursor(*parts: str) -> str:
    raw = "|".join(parts).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, count: int) -> list[str]:
    """The `count` parts of a cursor `encode_cursor` gave (the last may hold `|`)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise bad_cursor() from exc
    parts = raw.split("|", count - 1)
    if len(parts) != count:
        raise bad_cursor()
    return parts


def bad_cursor() -> InvalidInputError:
    return InvalidInputError("cursor: not a cursor this list gave")


@dataclass(frozen=True, slots=True)
class TimeKey:
    """Where a newest-first page ended: the last row's `(created_at, id)`."""

    created_at: datetime
    id: uuid.UUID

    def encode(self) -> str:
        return encode_cursor(self.created_at.isoformat(), str(self.id))

    @classmethod
    def decode(cls, cursor: str) -> TimeKey:
        when, row_id = decode_cursor(cursor, 2)
        try:
            created_at = datetime.fromisoformat(when)
            if created_at.tzinfo is None:
                raise ValueError("no time zone")
            return cls(created_at.astimezone(UTC), uuid.UUID(row_id))
        except (ValueError, OverflowError) as exc:
            raise bad_cursor() from exc


@dataclass(frozen=True, slots=True)
class NameKey:
    """Where a page sorted by a text (a name, then the id) ended."""

    name: str
    id: uuid.UUID

    def encode(self) -> str:
        return encode_cursor(str(self.id), self.name)

    @classmethod
    def decode(cls, cursor: str) -> NameKey:
        row_id, name = decode_cursor(cursor, 2)
        try:
            return cls(name, uuid.UUID(row_id))
        except ValueError as exc:
            raise bad_cursor() from exc


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """A page of rows and the cursor of the next one (None on the last)."""

    items: list[T]
    next_cursor: str | None


def page_of(found: Sequence[T], limit: int, key: Callable[[T], str]) -> Page[T]:
    """A page from `limit + 1` rows read: the cursor of the last one kept when one more
    was found."""
    if len(found) <= limit:
        return Page(list(found), None)
    return Page(list(found[:limit]), key(found[limit - 1]))
