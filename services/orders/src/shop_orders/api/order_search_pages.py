"""The admin orders page's search form and its pages (issue 14 item 4): what the home route
(`admin_pages.orders_page`) adds to the page's context.

The form's values arrive as text: a blank one is no filter, a day that is not `YYYY-MM-DD`
or `from` after `to` is said on the page (no orders listed), never a 422 error page. The
"Next page" link carries the filters and the cursor; "First page" the filters only.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from shop_orders.domain.errors import FieldError
from shop_orders.domain.order import Order, OrderStatus
from shop_orders.domain.order_search import OrderSearch
from shop_orders.service.order_search import search_orders
from shop_orders.service.ports import Repositories

HOME = "/admin"
MAX_TEXT = 200  # as the API's q and photographer
MAX_CURSOR = 300


def _text(given: QueryParams, name: str, longest: int = MAX_TEXT) -> str:
    value = given.get(name) or ""
    if len(value) > longest:
        raise FieldError(name, f"longer than {longest} characters")
    return value.strip()


def _day(given: QueryParams, name: str) -> date | None:
    value = _text(given, name, 10)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FieldError(name, "not a day (YYYY-MM-DD)") from None


def _url(params: dict[str, str]) -> str:
    return f"{HOME}?{urlencode(params)}" if params else HOME


async def search_page(
    repos: Repositories,
    status: OrderStatus | None,
    given: QueryParams,
    scope: uuid.UUID | None = None,
) -> tuple[list[Order], dict[str, Any]]:
    """The orders of the page asked for, and the form's values and links for the template.
    `scope`: the photographer asking (issue 14): only their orders, lines and share."""
    form = {name: (given.get(name) or "")[:MAX_TEXT] for name in ("q", "from", "to")}
    form["photographer"] = (given.get("photographer") or "")[:MAX_TEXT]
    listing: dict[str, Any] = {
        "photographers": [],  # none to choose for a photographer: theirs only
        "search": form,
        "search_error": None,
        "next_url": None,
        "first_url": None,
        "searching": any(form.values()) or status is not None,
    }
    if scope is None:  # the owner and the assistant choose among the photographers
        known = [(str(p.id), p.name) for p in await repos.orders.photographers()]
        chosen = form["photographer"].strip()
        if chosen and chosen not in {value for value, _ in known}:
            known.append((chosen, chosen))  # asked by a link: kept chosen
        listing["photographers"] = known
    try:
        search = OrderSearch.of(
            q=_text(given, "q"),
            status=status,
            placed_from=_day(given, "from"),
            placed_to=_day(given, "to"),
            photographer=_text(given, "photographer"),
            scope=scope,
        )
        cursor = _text(given, "cursor", MAX_CURSOR) or None
        found = await search_orders(repos, search, cursor=cursor)
    except FieldError as exc:
        listing["search_error"] = f"{exc.field}: {exc.message}"
        return [], listing
    if found.next_cursor is not None:
        listing["next_url"] = _url({**search.params(), "cursor": found.next_cursor})
    if cursor is not None:
        listing["first_url"] = _url(search.params())
    return found.orders, listing
