"""The admin's HTML pages: login, orders, one order with its buttons (the settings page:
`admin_settings_pages`).

Without the admin cookie every page redirects to the login form. Messages after a button
travel as `?done=<action>` / `?refused=<action>`: never free text in URLs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from shop_orders.api import dashboard_pages, order_search_pages, refund_pages
from shop_orders.api.admin_access import PageOrdersManage, PageOrdersRead, StateReader
from shop_orders.api.admin_api import run_admin_command
from shop_orders.api.admin_web import (
    checked_form,
    not_found,
    page,
    redirect,
)
from shop_orders.api.context import Ctx
from shop_orders.domain.errors import IllegalTransitionError, OrderNotFoundError
from shop_orders.domain.order import AdminAction, OrderStatus
from shop_orders.domain.pending import failed_answer
from shop_orders.service.admin_view import AdminOrderView, admin_order_view, wait_for_answer
from shop_orders.service.email_history import UNAVAILABLE, history_with_emails
from shop_platform.accounts import Permission


@dataclass(frozen=True)
class Button:
    label: str
    style: str  # the button's class: "", "secondary" or "danger"
    done: str  # said once the action is done (or, for a request, answered)
    waiting: str | None = None  # said while a request waits for payments or delivery
    question: str | None = None  # asked first: the action cannot be undone


BUTTONS: dict[AdminAction, Button] = {
    AdminAction.VALIDATE: Button(
        "Validate", "", "Order validated: the client was sent the payment link."
    ),
    AdminAction.MARK_PAID: Button(
        "Mark as paid",
        "",
        "Marked as paid: the files are delivered to the client automatically.",
        "Recording the payment: waiting for the payment service.",
    ),
    AdminAction.FORCE_DELIVERY: Button(
        "Force delivery",
        "secondary",
        "Delivered: the client was emailed the download links.",
        "Delivering: the files are being prepared for the client.",
        "Deliver order {number} now, even though it is not paid? The client gets the files.",
    ),
    AdminAction.CANCEL: Button(
        "Cancel",
        "danger",
        "Order cancelled: the client was told.",
        question="Cancel order {number}? The client can no longer pay for it. "
        "This cannot be undone.",
    ),
    AdminAction.REISSUE_LINKS: Button(
        "Re-issue download links",
        "secondary",
        "Download links re-issued: the client was emailed fresh links.",
        "Re-issuing the download links: fresh links are on their way to the client.",
    ),
}
REFRESH_S = 2  # while a request is on its way, the page looks for its answer this often

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("")
async def orders_page(
    request: Request, ctx: Ctx, who: PageOrdersRead, status: str = ""
) -> Response:
    chosen = OrderStatus(status) if status in set(OrderStatus) else None
    async with ctx.transaction() as repos:
        # issue 14: search (q, dates, photographer) and cursor pages, 50 orders a page; a
        # photographer's: only their orders, with their lines and share
        found, listing = await order_search_pages.search_page(
            repos, chosen, request.query_params, who.photographer_scope
        )
    context = {
        "orders": found,
        "statuses": list(OrderStatus),
        "status": chosen.value if chosen else "",
        **listing,  # the search form's values, its error, the Next / First page links
    }
    if not request.query_params:  # issue 14: the sales charts, on the plain home only
        context.update(await dashboard_pages.dashboard_context(request, ctx, who))
    return await page(request, ctx, "admin_orders.html", context, nav="orders")


def _messages(view: AdminOrderView, done: str, refused: str) -> dict[str, Any]:
    """What the page says about the last button pressed (`?done=` / `?refused=`, never free
    text) and about the requests still on their way."""
    order, message, error = view.order, None, None
    if done in set(AdminAction):
        action = AdminAction(done)
        failed = failed_answer(view.history, action)
        if failed is not None:
            error = f"{BUTTONS[action].label} did not go through: {failed.detail}."
        elif action not in view.pending:
            message = BUTTONS[action].done
    if refused in set(AdminAction):
        action = AdminAction(refused)
        reason = order.refusal(action) or "the order changed meanwhile"
        error = f"Could not {BUTTONS[action].label.lower()}: {reason}."
    waiting = [BUTTONS[a].waiting for a in AdminAction if a in view.pending]
    return {"message": message, "error": error, "waiting": waiting}


@router.get("/orders/{order_id}")
async def order_page(
    request: Request,
    ctx: Ctx,
    who: PageOrdersRead,
    order_id: uuid.UUID,
    done: str = "",
    refused: str = "",
) -> Response:
    try:
        async with ctx.transaction() as repos:
            view = await admin_order_view(repos, order_id, scope=who.photographer_scope)
    except OrderNotFoundError:
        return await not_found(request, ctx, "No such order.")
    order = view.order
    manage = who.can(Permission.ORDERS_MANAGE)  # the buttons and after-sale forms (issue 14)
    buttons = [
        {
            "action": a.value,
            "label": BUTTONS[a].label,
            "style": BUTTONS[a].style,
            "question": (BUTTONS[a].question or "").format(number=order.number),
        }
        for a in (view.offered if manage else [])
    ]
    watch = f"/admin/orders/{order_id}/state?known={quote(view.state)}" if view.pending else None
    history, email_log_answered = await history_with_emails(
        ctx.order_emails, order_id, view.history
    )
    context = {
        "order": order,
        "history": history,
        "email_log_unavailable": None if email_log_answered else UNAVAILABLE,
        "buttons": buttons,
        "refresh_s": REFRESH_S,
        "watch_url": watch,
        **_messages(view, done, refused),
        **refund_pages.after_sale_context(view, done, refused, manage=manage),  # refunds
    }
    return await page(request, ctx, "admin_order.html", context, nav="orders")


@router.get("/orders/{order_id}/state")
async def order_state(
    request: Request, ctx: Ctx, who: StateReader, order_id: uuid.UUID, known: str = ""
) -> Response:
    """For the order page while a request is on its way (shop.js asks every few seconds):
    `changed` once what the page shows is no longer `known`."""
    async with ctx.transaction() as repos:
        view = await admin_order_view(repos, order_id, scope=who.photographer_scope)
    return JSONResponse({"state": view.state, "changed": view.state != known})


# the refund form and the paid order's cancel form, before the buttons' route (issue 13)
router.include_router(refund_pages.router)


@router.post("/orders/{order_id}/{action}")
async def order_action(
    request: Request, ctx: Ctx, who: PageOrdersManage, order_id: uuid.UUID, action: AdminAction
) -> Response:
    """Press a button; for a request carried out by payments or delivery, wait a moment for
    its answer so the page shown next has the new state (else that page updates itself)."""
    await checked_form(request, ctx)
    back = f"/admin/orders/{order_id}"
    try:
        await run_admin_command(ctx, action, order_id, who)
    except IllegalTransitionError:
        return redirect(f"{back}?refused={action.value}")
    except OrderNotFoundError:
        return await not_found(request, ctx, "No such order.")
    await wait_for_answer(ctx.transaction, order_id, action, timeout_s=ctx.action_wait_s)
    return redirect(f"{back}?done={action.value}")
