"""The admin's HTML pages: login, orders, one order with its four buttons, settings.

Logged in = the signed `shop_admin` cookie (HttpOnly, SameSite=Lax, so other sites cannot
post these forms with it). Without it every page redirects to the login form. Messages
after a button travel as `?done=<action>` / `?refused=<action>`: never free text in URLs.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from shop_orders.api.admin_api import run_admin_command
from shop_orders.api.context import Ctx, WebContext, is_admin
from shop_orders.api.schemas import SettingsUpdate
from shop_orders.domain.errors import IllegalTransitionError, OrderNotFoundError
from shop_orders.domain.order import AdminAction, Order, OrderStatus
from shop_orders.service import queries
from shop_orders.service.settings import update_settings
from shop_platform.auth import ADMIN_COOKIE, admin_session_cookie
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
}
LOGIN = "/admin/login"

router = APIRouter(prefix="/admin", include_in_schema=False)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


def page(
    request: Request, ctx: WebContext, name: str, context: dict[str, Any], code: int = 200
) -> Response:
    links = {
        "payments_url": ctx.settings.payments_public_url.rstrip("/"),
        "notifications_url": ctx.settings.notifications_public_url.rstrip("/"),
    }
    return ctx.templates.TemplateResponse(request, name, {**links, **context}, status_code=code)


@router.get("/login")
async def login_page(request: Request, ctx: Ctx) -> Response:
    return page(request, ctx, "admin_login.html", {"error": None})


@router.post("/login")
async def login(request: Request, ctx: Ctx) -> Response:
    given = str((await request.form()).get("token") or "")
    if not given or not constant_time_equals(given, ctx.settings.admin_token):
        return page(request, ctx, "admin_login.html", {"error": "Wrong admin token."}, 401)
    response = _redirect("/admin")
    response.set_cookie(
        ADMIN_COOKIE,
        admin_session_cookie(ctx.settings.secret_key),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/logout")
@router.get("/logout")
async def logout() -> Response:
    response = _redirect(LOGIN)
    response.delete_cookie(ADMIN_COOKIE, path="/")
    return response


@router.get("")
async def orders_page(request: Request, ctx: Ctx, status: str = "") -> Response:
    if not is_admin(request, ctx):
        return _redirect(LOGIN)
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
    if not is_admin(request, ctx):
        return _redirect(LOGIN)
    try:
        async with ctx.transaction() as repos:
            order, history = await queries.get_order_with_history(repos, order_id)
    except OrderNotFoundError:
        return page(request, ctx, "not_found.html", {"message": "No such order."}, 404)
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
    if not is_admin(request, ctx):
        return _redirect(LOGIN)
    back = f"/admin/orders/{order_id}"
    try:
        await run_admin_command(ctx, action, order_id)
    except IllegalTransitionError:
        return _redirect(f"{back}?refused={action.value}")
    except OrderNotFoundError:
        return page(request, ctx, "not_found.html", {"message": "No such order."}, 404)
    return _redirect(f"{back}?done={action.value}")


@router.get("/settings")
async def settings_page(request: Request, ctx: Ctx, saved: str = "") -> Response:
    if not is_admin(request, ctx):
        return _redirect(LOGIN)
    async with ctx.transaction() as repos:
        settings = await queries.get_settings(repos)
    message = "Settings saved." if saved else None
    return page(request, ctx, "admin_settings.html", {"settings": settings, "message": message})


@router.post("/settings")
async def save_settings(request: Request, ctx: Ctx) -> Response:
    if not is_admin(request, ctx):
        return _redirect(LOGIN)
    form = await request.form()
    values = {
        "manual_validation": form.get("manual_validation") == "on",
        "seller_email": str(form.get("seller_email") or "").strip(),
    }
    try:
        update = SettingsUpdate.model_validate(values)
    except ValidationError:
        context = {"settings": values, "error": "seller email: enter a valid email address."}
        return page(request, ctx, "admin_settings.html", context, 422)
    async with ctx.transaction() as repos:
        await update_settings(repos, update.settings())
    return _redirect("/admin/settings?saved=1")
