"""What the admin asks of the orders list (issue 14 item 4): the search and the keyset cursor.

Orders are listed newest first on `(created_at, id)`; a cursor is the opaque (base64url) key
of the last order of a page, so a page never loses nor repeats an order, however many orders
are placed meanwhile (new ones only appear on the first page). The cursor carries no filter:
the next page is asked with the same filters and the cursor (the pages' links do so).

"The photographer" of a line is the account owning the media or gallery sold (the agency,
issue 14 item 2: `order_lines.photographer_id`). A photographer's own search is narrowed to
the orders with a line of theirs (`scope`), whatever they ask.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from shop_orders.domain.errors import FieldError
from shop_orders.domain.order import OrderStatus

PAGE_SIZE = 50  # the default page, API and admin page alike
MAX_PAGE = 200  # the most one page may hold (`limit`); the pages that follow have no cap


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _cleaned(name: str, text: str | None) -> str | None:
    """Trimmed; blank is no filter; control characters are refused (PostgreSQL text cannot
    even hold NUL)."""
    if text is not None and _CONTROL.search(text):
        raise FieldError(name, "control characters are not allowed")
    return (text or "").strip() or None


def account_id(given: uuid.UUID | str | None, name: str = "photographer") -> uuid.UUID | None:
    """A photographer's account id as a filter (blank: none); 422 naming `name` otherwise."""
    if given is None or isinstance(given, uuid.UUID):
        return given
    text = _cleaned(name, given)
    if text is None:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise FieldError(name, "not an account id") from None


@dataclass(frozen=True, slots=True)
class OrderSearch:
    """Every filter is optional; given together, an order must match them all. `q` matches
    the order number, the client's name or email (a part of one, case-insensitive);
    `photographer` the account id of a line's photographer; `scope` the photographer asking
    (None: the whole shop), never in the links; `placed_from` / `placed_to` are UTC days,
    both inclusive."""

    q: str | None = None
    status: OrderStatus | None = None
    placed_from: date | None = None
    placed_to: date | None = None
    photographer: uuid.UUID | None = None
    scope: uuid.UUID | None = None

    @classmethod
    def of(
        cls,
        *,
        q: str | None = None,
        status: OrderStatus | None = None,
        placed_from: date | None = None,
        placed_to: date | None = None,
        photographer: uuid.UUID | str | None = None,
        scope: uuid.UUID | None = None,
    ) -> OrderSearch:
        """Trims the texts (control characters: 422 naming the field); `from` after `to` is
        refused (422 naming them)."""
        if placed_from is not None and placed_to is not None and placed_from > placed_to:
            raise FieldError("from", f"{placed_from} is after to ({placed_to})")
        return cls(
            _cleaned("q", q), status, placed_from, placed_to, account_id(photographer), scope
        )

    def placed_since(self) -> datetime | None:
        """The first instant of `placed_from` (UTC), included."""
        if self.placed_from is None:
            return None
        return datetime.combine(self.placed_from, time.min, tzinfo=UTC)

    def placed_before(self) -> datetime | None:
        """The first instant after `placed_to` (UTC), excluded (none after the last day)."""
        if self.placed_to is None or self.placed_to == date.max:
            return None
        return datetime.combine(self.placed_to + timedelta(days=1), time.min, tzinfo=UTC)

    def params(self) -> dict[str, str]:
        """The filters as the list's query parameters (for the pages' links), blanks left
        out."""
        given = {
            "q": self.q,
            "status": self.status.value if self.status else None,
            "from": self.placed_from.isoformat() if self.placed_from else None,
            "to": self.placed_to.isoformat() if self.placed_to else None,
            "photographer": str(self.photographer) if self.photographer else None,
        }
        return {name: value for name, value in given.items() if value}


@dataclass(frozen=True, slots=True)
class OrderKey:
    """Where a page ended: the last order's `(created_at, id)`."""

    created_at: datetime
    id: uuid.UUID

    def encode(self) -> str:
        raw = f"{self.created_at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> OrderKey:
        """422 naming `cursor` for anything this list did not give."""
        try:
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            when, _, order_id = raw.partition("|")
            created_at = datetime.fromisoformat(when)
            if created_at.tzinfo is None:
                raise ValueError("no time zone")
            return cls(created_at.astimezone(UTC), uuid.UUID(order_id))
        except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
            raise FieldError("cursor", "not a cursor this list gave") from exc
