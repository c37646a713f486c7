"""The orders exports as CSV downloads (issue 14, item 3; service/exports.py):

- `GET /api/admin/orders/export.csv?from=&to=&shape=orders|lines&status=&paid=` (bearer),
- `GET /admin/orders/export.csv` with the same parameters, for the admin orders page's Export
  form (the admin session).

`from` / `to`: `YYYY-MM-DD`, inclusive, UTC; left out or empty: no bound. `from` after `to`
is 422 naming `from`. An empty parameter is the same as none (the page's form sends them all).
These routes come before `/orders/{order_id}` (api/app.py's ROUTER_MODULES).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from fastapi.security import HTTPBearer

from shop_orders.api.admin_access import ApiOrdersRead, PageOrdersRead
from shop_orders.api.context import Ctx, WebContext
from shop_orders.domain.errors import FieldError
from shop_orders.domain.order_search import account_id
from shop_orders.domain.status import OrderStatus
from shop_orders.service.exports import ExportFilter, ExportShape, export_csv
from shop_platform.accounts import Principal
from shop_platform.errors import error_responses

CSV_TYPE = "text/csv; charset=utf-8"
TRUE, FALSE = frozenset({"true", "1", "yes", "on"}), frozenset({"false", "0", "no", "off"})
CSV_ANSWER: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/csv": {}}, "description": "The CSV (RFC 4180), streamed"}
}


def _day(name: str, given: str) -> date | None:
    if not given.strip():
        return None
    try:
        return date.fromisoformat(given.strip())
    except ValueError:
        raise FieldError(name, "not a date (YYYY-MM-DD)") from None


def _shape(given: str) -> ExportShape:
    try:
        return ExportShape(given.strip().lower() or ExportShape.ORDERS)
    except ValueError:
        raise FieldError("shape", f"one of {', '.join(ExportShape)}") from None


def _status(given: str) -> OrderStatus | None:
    if not given.strip():
        return None
    try:
        return OrderStatus(given.strip().lower())
    except ValueError:
        raise FieldError("status", f"one of {', '.join(OrderStatus)}") from None


def _flag(given: str) -> bool | None:
    word = given.strip().lower()
    if not word:
        return None
    if word in TRUE or word in FALSE:
        return word in TRUE
    raise FieldError("paid", "true or false")


def export_filter(
    start: str = Query("", alias="from", description="YYYY-MM-DD, inclusive, UTC"),
    end: str = Query("", alias="to", description="YYYY-MM-DD, inclusive, UTC"),
    shape: str = Query("orders", description="orders (one row per order) or lines"),
    status: str = Query("", description="only orders with this status"),
    paid: str = Query("", description="true: money received; false: unpaid"),
    photographer: str = Query(
        "",
        max_length=100,
        description="an account id: only the orders with a line of this photographer "
        "(and, shape=lines, only their lines)",
    ),
) -> ExportFilter:
    """The query's filter (422 naming a parameter that makes no sense, or `from` after `to`)."""
    return ExportFilter(
        start=_day("from", start),
        end=_day("to", end),
        shape=_shape(shape),
        status=_status(status),
        paid=_flag(paid),
        photographer=account_id(photographer),
    )


Chosen = Annotated[ExportFilter, Depends(export_filter)]


def csv_download(ctx: WebContext, chosen: ExportFilter, who: Principal) -> StreamingResponse:
    """A photographer's export (issue 14) holds only their orders, lines and share."""
    if ctx.exports is None:  # the root always hands one over; a test context may not
        raise RuntimeError("no export source in the web context")
    chosen = dataclasses.replace(chosen, scope=who.photographer_scope)
    headers = {
        "Content-Disposition": f'attachment; filename="{chosen.filename()}"',
        "Cache-Control": "no-store",
    }
    return StreamingResponse(export_csv(ctx.exports, chosen), media_type=CSV_TYPE, headers=headers)


api_router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    dependencies=[Depends(HTTPBearer(auto_error=False))],
    responses=error_responses(401, 403),
)


@api_router.get(
    "/orders/export.csv",
    response_class=StreamingResponse,
    responses={**CSV_ANSWER, **error_responses(422)},
)
async def export_orders(ctx: Ctx, who: ApiOrdersRead, chosen: Chosen) -> Response:
    """Orders placed in a date range (and with a status, paid or not, a photographer's) as
    CSV: `shape=orders` one row per order, `shape=lines` one row per line (the photographer:
    the line photographer's name, else the media's credit). Amounts in major units with a
    dot; cells a spreadsheet would run as a formula start with `'`; no row cap; nothing
    found: the header only. A photographer gets only their orders and lines, with their
    share of each order's figures."""
    return csv_download(ctx, chosen, who)


pages_router = APIRouter(prefix="/admin", include_in_schema=False)


@pages_router.get("/orders/export.csv")
async def export_page(request: Request, ctx: Ctx, who: PageOrdersRead) -> Response:
    """The admin orders page's Export form (the admin session; a login redirect without,
    before the parameters are looked at)."""
    given = request.query_params
    chosen = export_filter(
        start=given.get("from", ""),
        end=given.get("to", ""),
        shape=given.get("shape", ""),
        status=given.get("status", ""),
        paid=given.get("paid", ""),
        photographer=given.get("photographer", ""),
    )
    return csv_download(ctx, chosen, who)


router = APIRouter()
router.include_router(api_router)
router.include_router(pages_router)
