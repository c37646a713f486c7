"""The admin's HTML pages: login, orders, one order with its buttons, settings.

Without the admin cookie every page redirects to the login form. Messages after a button
travel as `?done=<action>` / `?refused=<action>`: never free text in URLs.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from shop_orders.api.admin_api import run_admin_command
from shop_orders.api.admin_web import (
    LOGIN,
    checked_form,
    clear_admin_cookie,
    cookie_is_secure,
    login_redirect,
    not_found,
    page,
    redirect,
    set_admin_cookie,
)
from shop_orders.api.context import Ctx, is_admin
from shop_orders.api.schemas import SettingsUpdate
from shop_orders.domain.errors import IllegalTransitionError, OrderNotFoundError
from shop_orders.domain.order import AdminAction, Order, OrderStatus
from shop_orders.service import queries
from shop_orders.service.settings import update_settings
from shop_platform.auth import admin_session_cookie
from shop_platform.security import constant_time_equals

# action: (button label, css class, message once done)
BUTTONS: dict[AdminAction, tuple[str, str, str]] = {
    AdminAction.VALIDATE: ("Validate", "", "Order validated: the client gets the payment link."),
    AdminAction.MARK_PAID: (
        "Mark as paid",
        "",
        "Marked as paid: the order turns paid once payments confirms it.",
    ),
    AdminAction.FORCE_DELIVERY: ("Force delivery", "secondary", "Delivery forced."),
    AdminAction.CANCEL: ("Cancel", "danger", "Order cancelled."),
    AdminAction.REISSUE_LINKS: (
        "Re-issue download links",
        "secondary",
        "Download links re-issue requested: the client will be emailed fresh links.",
    ),
}

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/login")
async def login_page(request: Request, ctx: Ctx) -> Response:
    return page(request, ctx, "admin_login.html", {"error": None})


@router.post("/login")
async def login(request: Request, ctx: Ctx) -> Response:
    given = (await request.form()).get("token")
    if not isinstance(given, str) or not given:
        given = ""
    if not given or not constant_time_equals(given, ctx.settings.admin_token):
        return page(request, ctx, "admin_login.html", {"error": "Wrong admin token."}, 401)
    response = redirect("/admin")
    secure = cookie_is_secure(request, ctx)
    set_admin_cookie(response, admin_session_cookie(ctx.settings.secret_key), secure=secure)
    return response


@router.post("/logout")
async def logout(request: Request, ctx: Ctx) -> Response:
    if is_admin(request, ctx):
        await checked_form(request, ctx)  # another site cannot log the admin out either
    response = redirect(LOGIN)
    clear_admin_cookie(response, secure=cookie_is_secure(request, ctx))
    return response


@router.get("")
async def orders_page(request: Request, ctx: Ctx, status: str = "") -> Response:
    if (to_login := login_redirect(request, ctx)) is not None:
        return to_login
    chosen = OrderStatus(status) if status in set(OrderStatus) else None
    async with ctx.transaction() as repos:
        found = await queries.list_orders(repos, chosen)
    context = {
        "orders": found,
        "statuses": [s.value for s in OrderStatus],
        "status": chosen.value if chosen else "",
    }
    return page(request, ctx, "admin_orders.html", context)


def _flash(order: Order, done: str, refused: str) -> tuple[str | None, str | None]:
    message = error = None
    if done in set(AdminAction):
        message = BUTTONS[AdminAction(done)][2]
    if refused in set(AdminAction):
        action = AdminAction(refused)
        reason = order.refusal(action) or "the order changed meanwhile"
        error = f"Could not {BUTTONS[action][0].lower()}: {reason}."
    return message, error


@router.get("/orders/{order_id}")
async def order_page(
    request: Request, ctx: Ctx, order_id: uuid.UUID, done: str = "", refused: str = ""
) -> Response:
    if (to_login := login_redirect(request, ctx)) is not None:
        return to_login
    try:
        async with ctx.transaction() as repos:
            order, history = await queries.get_order_with_history(repos, order_id)
    except OrderNotFoundError:
        return not_found(request, ctx, "No such order.")
    message, error = _flash(order, done, refused)
    context = {
        "order": order,
        "history": history,
        "buttons": [(a.value, *BUTTONS[a][:2]) for a in order.allowed_actions()],
        "message": message,
        "error": error,
    }
    return page(request, ctx, "admin_order.html", context)


@router.post("/orders/{order_id}/{action}")
async def order_action(
    request: Request, ctx: Ctx, order_id: uuid.UUID, action: AdminAction
) -> Response:
    if (to_login := login_redirect(request, ctx)) is not None:
        return to_login
    await checked_form(request, ctx)
    back = f"/admin/orders/{order_id}"
    try:
        await run_admin_command(ctx, action, order_id)
    except IllegalTransitionError:
        return redirect(f"{back}?refused={action.value}")
    except OrderNotFoundError:
        return not_found(request, ctx, "No such order.")
    return redirect(f"{back}?done={action.value}")


@router.get("/settings")
async def settings_page(request: Request, ctx: Ctx, saved: str = "") -> Response:
    if (to_login := login_redirect(request, ctx)) is not None:
        return to_login
    async with ctx.transaction() as repos:
        settings = await queries.get_settings(repos)
    message = "Settings saved." if saved else None
    return page(request, ctx, "admin_settings.html", {"settings": settings, "message": message})


@router.post("/settings")
async def save_settings(request: Request, ctx: Ctx) -> Response:
    if (to_login := login_redirect(request, ctx)) is not None:
        return to_login
    form = await checked_form(request, ctx)
    values = {
        "manual_validation": form.get("manual_validation") == "on",
        "seller_email": str(form.get("seller_email") or "").strip(),
        "terms_text": str(form.get("terms_text") or ""),
    }
    try:
        update = SettingsUpdate.model_validate(values)
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
        error = f"Please check: {fields.replace('_', ' ')}."
        if "seller_email" in fields:
            error += " Seller email: enter a valid email address."
        context = {"settings": values, "error": error}
        return page(request, ctx, "admin_settings.html", context, 422)
    async with ctx.transaction() as repos:
        current = await repos.settings.get(for_update=True)
        await update_settings(repos, update.settings(current))
    return redirect("/admin/settings?saved=1")
