"""The admin API (bearer ADMIN_TOKEN or a personal API token): orders, their commands, the
shop settings. Each route names its permission (issue 14, `api/admin_access.py`); a
photographer's lists and orders hold only their lines and their share."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.security import HTTPBearer

from shop_orders.api.admin_access import ApiOrdersManage, ApiOrdersRead, ApiSettings
from shop_orders.api.context import Ctx, WebContext
from shop_orders.api.openapi import SINGLE_LINE
from shop_orders.api.order_search_schemas import AdminOrderPage
from shop_orders.api.refund_schemas import CancelBody, RefundCreate
from shop_orders.api.schemas import AdminOrderRead
from shop_orders.api.settings_schemas import SettingsRead, SettingsUpdate
from shop_orders.domain.order import AdminAction, Order, OrderStatus
from shop_orders.domain.order_search import MAX_PAGE, PAGE_SIZE, OrderSearch
from shop_orders.service import commands, queries, refunds
from shop_orders.service.email_history import history_with_emails
from shop_orders.service.order_search import search_orders
from shop_orders.service.ports import Repositories
from shop_orders.service.pricing_settings import change_currency, shop_currency
from shop_orders.service.settings import update_settings
from shop_platform.accounts import Principal
from shop_platform.errors import error_responses

Command = Callable[[Repositories, uuid.UUID, WebContext, str], Awaitable[Order]]

# The buttons, shared by the admin API and the admin pages; the last argument is the
# history's "by" (`Principal.label`).
ADMIN_COMMANDS: dict[AdminAction, Command] = {
    AdminAction.VALIDATE: lambda r, i, ctx, by: commands.validate_order(
        r, i, links=ctx.links, actor=by
    ),
    AdminAction.MARK_PAID: lambda r, i, ctx, by: commands.request_mark_paid(r, i, actor=by),
    AdminAction.FORCE_DELIVERY: lambda r, i, ctx, by: commands.request_force_delivery(
        r, i, actor=by
    ),
    AdminAction.CANCEL: lambda r, i, ctx, by: commands.cancel_order(r, i, actor=by),
    AdminAction.REISSUE_LINKS: lambda r, i, ctx, by: commands.request_links_reissue(r, i, actor=by),
}


async def run_admin_command(
    ctx: WebContext, action: AdminAction, order_id: uuid.UUID, who: Principal
) -> AdminOrderRead:
    async with ctx.transaction() as repos:
        order = await ADMIN_COMMANDS[action](repos, order_id, ctx, who.label)  # as saved
        history = await queries.order_history(repos, order_id)
    return AdminOrderRead.of_admin(order, ctx.links, history)


router = APIRouter(
    prefix="/api/admin",
    tags=["admin"],
    # HTTPBearer only documents the scheme in OpenAPI; each route's permission decides.
    dependencies=[Depends(HTTPBearer(auto_error=False))],
    responses=error_responses(401, 403),
)


UTC_DAY = "YYYY-MM-DD, a UTC day, included"


@router.get("/orders", responses=error_responses(422))
async def list_orders(
    ctx: Ctx,
    who: ApiOrdersRead,
    request: Request,
    response: Response,
    status: OrderStatus | None = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=SINGLE_LINE,
            description="a part of the order number, client name or email",
        ),
    ] = None,
    placed_from: Annotated[date | None, Query(alias="from", description=UTC_DAY)] = None,
    placed_to: Annotated[date | None, Query(alias="to", description=UTC_DAY)] = None,
    photographer: Annotated[
        uuid.UUID | None,
        Query(description="the account id of a line's photographer (the agency)"),
    ] = None,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
) -> list[AdminOrderRead] | AdminOrderPage:
    """Orders, newest first, matching every filter given (issue 14: search and paging).

    With `cursor` or `limit` the answer is a page, `{"orders", "next_cursor"}` (`limit`
    1..200, default 50; pass `next_cursor` back with the same filters). Without them it stays
    the plain list it always was (200 orders at most), and when more match, a
    `Link: <...>; rel="next"` header names the next page (asked with a cursor, so answered as a
    page). `from` after `to` is 422. A photographer gets only the orders with a line of
    theirs, each with only their lines and their share of the figures."""
    search = OrderSearch.of(
        q=q,
        status=status,
        placed_from=placed_from,
        placed_to=placed_to,
        photographer=photographer,
        scope=who.photographer_scope,
    )
    paged = cursor is not None or limit is not None
    size = (limit or PAGE_SIZE) if paged else MAX_PAGE
    async with ctx.transaction() as repos:
        found = await search_orders(repos, search, cursor=cursor, limit=size)
    orders = [AdminOrderRead.of_admin(order, ctx.links) for order in found.orders]
    if paged:
        return AdminOrderPage(orders=orders, next_cursor=found.next_cursor)
    if found.next_cursor is not None:
        following = request.url.include_query_params(cursor=found.next_cursor, limit=size)
        response.headers["Link"] = f'<{following}>; rel="next"'
    return orders


@router.get("/orders/{order_id}", responses=error_responses(404))
async def get_order(ctx: Ctx, who: ApiOrdersRead, order_id: uuid.UUID) -> AdminOrderRead:
    """The order with its history (a photographer: their lines and share; 404 for an order
    without a line of theirs)."""
    async with ctx.transaction() as repos:
        order, history = await queries.get_order_with_history(
            repos, order_id, who.photographer_scope
        )
    history, _ = await history_with_emails(ctx.order_emails, order_id, history)
    return AdminOrderRead.of_admin(order, ctx.links, history)


ACCEPTED = status.HTTP_202_ACCEPTED
COMMAND_ERRORS = error_responses(404, 409)


@router.post("/orders/{order_id}/validate", status_code=ACCEPTED, responses=COMMAND_ERRORS)
async def validate(ctx: Ctx, who: ApiOrdersManage, order_id: uuid.UUID) -> AdminOrderRead:
    """Manual validation done: the client gets the payment page link."""
    return await run_admin_command(ctx, AdminAction.VALIDATE, order_id, who)


@router.post("/orders/{order_id}/mark-paid", status_code=ACCEPTED, responses=COMMAND_ERRORS)
async def mark_paid(ctx: Ctx, who: ApiOrdersManage, order_id: uuid.UUID) -> AdminOrderRead:
    """Off-line payment received: payments confirms it, then delivery follows."""
    return await run_admin_command(ctx, AdminAction.MARK_PAID, order_id, who)


@router.post("/orders/{order_id}/force-delivery", status_code=ACCEPTED, responses=COMMAND_ERRORS)
async def force_delivery(ctx: Ctx, who: ApiOrdersManage, order_id: uuid.UUID) -> AdminOrderRead:
    """Deliver now, paid or not."""
    return await run_admin_command(ctx, AdminAction.FORCE_DELIVERY, order_id, who)


AFTER_SALE_ERRORS = error_responses(404, 409, 422)


@router.post("/orders/{order_id}/cancel", status_code=ACCEPTED, responses=AFTER_SALE_ERRORS)
async def cancel(
    ctx: Ctx, who: ApiOrdersManage, order_id: uuid.UUID, body: CancelBody | None = None
) -> AdminOrderRead:
    """Cancel an order not delivered. A paid one needs `after_payment` (422 naming it):
    `refund` also asks payments to give back everything left, `keep` records `reason`
    (required)."""
    choice = body or CancelBody()
    async with ctx.transaction() as repos:
        order = await commands.cancel_order(
            repos,
            order_id,
            reason=choice.reason,
            after_payment=choice.after_payment,
            actor=who.label,
        )
        history = await queries.order_history(repos, order_id)
    return AdminOrderRead.of_admin(order, ctx.links, history)


@router.post("/orders/{order_id}/refund", status_code=ACCEPTED, responses=AFTER_SALE_ERRORS)
async def refund(
    ctx: Ctx, who: ApiOrdersManage, order_id: uuid.UUID, body: RefundCreate
) -> AdminOrderRead:
    """Give money back (payments refunds through the processor that took it, or records an
    offline payment's refund made by hand). `amount` null: all that is left; `line_ids`:
    lines whose files are revoked. 409 when nothing is paid or the amount exceeds what is
    left (paid - refunded - refunds on their way); 422 for a line not in the order."""
    async with ctx.transaction() as repos:
        order = await refunds.request_refund(
            repos,
            order_id,
            amount=body.amount,
            line_ids=body.line_ids,
            reason=body.reason,
            actor=who.label,
        )
        history = await queries.order_history(repos, order_id)
    return AdminOrderRead.of_admin(order, ctx.links, history)


@router.post("/orders/{order_id}/reissue-links", status_code=ACCEPTED, responses=COMMAND_ERRORS)
async def reissue_links(ctx: Ctx, who: ApiOrdersManage, order_id: uuid.UUID) -> AdminOrderRead:
    """Fresh download links for a delivered order; delivery emails them to the client."""
    return await run_admin_command(ctx, AdminAction.REISSUE_LINKS, order_id, who)


@router.get("/settings")
async def get_settings(ctx: Ctx, _who: ApiSettings) -> SettingsRead:
    async with ctx.transaction() as repos:
        settings = await queries.get_settings(repos)
        return SettingsRead.of(settings, await shop_currency(repos))


@router.put("/settings", responses=error_responses(409, 422))
async def put_settings(ctx: Ctx, _who: ApiSettings, body: SettingsUpdate) -> SettingsRead:
    """A field left out keeps its current value (`terms_text`, the branding, `currency`).
    A currency change is refused (409, nothing saved) while orders are unpaid and not
    cancelled; prices are not converted."""
    async with ctx.transaction() as repos:
        saved = await update_settings(repos, body.settings)
        if body.currency is not None:
            await change_currency(repos, body.currency)
        currency = await shop_currency(repos)
    ctx.branding.forget()  # this service's pages show the change at once
    return SettingsRead.of(saved, currency)
