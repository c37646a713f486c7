"""The shop's view of the email log (HTML; admin cookie or bearer), in the shared admin
layout (`shop_web/admin.html`): the shop's records (`Permission.RECORDS_READ`, the owner's and
the assistant's; a photographer is refused)."""

# No `from __future__ import annotations`: FastAPI must resolve the `Ctx` alias.
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from shop_notifications.api.context import Ctx
from shop_notifications.api.labels import email_words, status_words
from shop_notifications.service.email_log import OrderFilter, get_email, list_emails
from shop_platform.accounts import Permission
from shop_platform.auth import require_page
from shop_platform.errors import error_responses
from shop_platform.paging import MAX_CURSOR

_LOGIN_REDIRECT: dict[int | str, dict[str, Any]] = {
    303: {"description": "not logged in: redirect to the orders admin login page"}
}
MAX_FILTER = 100  # an order number or id, as typed
DEFAULT_LIMIT = 100

router = APIRouter(
    prefix="/admin/emails",
    tags=["admin pages"],
    dependencies=[Depends(require_page(Permission.RECORDS_READ))],
)

Order = Annotated[
    str | None,
    Query(max_length=MAX_FILTER, description="an order's number (2026-0042) or id"),
]


async def _page(request: Request, ctx: Ctx, name: str, **context: Any) -> HTMLResponse:
    values = {
        "nav_here": "emails",
        "csrf": ctx.auth.csrf_token(request),
        "status_words": status_words,
        "email_words": email_words,
        **context,
    }
    return await ctx.web.page(request, f"pages/{name}.html", values)


@router.get(
    "", response_class=HTMLResponse, responses={**_LOGIN_REDIRECT, **error_responses(403, 422)}
)
async def email_log_page(
    request: Request,
    ctx: Ctx,
    order: Order = None,
    order_id: Annotated[
        str | None, Query(max_length=MAX_FILTER, description="the same as `order`")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=MAX_CURSOR)] = None,
) -> Response:
    """The log, newest first, `limit` a page (Next page / First page links); `order` keeps
    one order's emails."""
    wanted = OrderFilter.of(order or order_id)
    async with ctx.email_log() as log:
        found = await list_emails(log, order=wanted, limit=limit, cursor=cursor)
    keep: dict[str, str | int] = {"order": wanted.text} if wanted else {}
    if limit != DEFAULT_LIMIT:
        keep["limit"] = limit
    next_url = "?" + urlencode({**keep, "cursor": found.next_cursor}) if found.next_cursor else None
    first_url = ("?" + urlencode(keep) if keep else "?") if cursor else None
    return await _page(
        request,
        ctx,
        "emails",
        emails=found.items,
        order=wanted,
        next_url=next_url,
        first_url=first_url,
    )


@router.get(
    "/{email_id}",
    response_class=HTMLResponse,
    responses={**_LOGIN_REDIRECT, **error_responses(403, 404, 422)},
)
async def email_page(request: Request, ctx: Ctx, email_id: uuid.UUID) -> Response:
    async with ctx.email_log() as log:
        email = await get_email(log, email_id)
    return await _page(request, ctx, "email", email=email)
