"""The admin's HTML pages: login, orders, one order with its buttons, settings.

Without the admin cookie every page redirects to the login form. Messages after a button
travel as `?done=<action>` / `?refused=<action>`: never free text in URLs.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

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
from shop_orders.api.context import Ctx
from shop_orders.api.schemas import SettingsUpdate
from shop_orders.domain.errors import IllegalTransitionError, OrderNotFoundError
from shop_orders.domain.order import AdminAction, Order, OrderStatus
from shop_orders.service import queries
from shop_orders.service.admin_sessions import end_all_sessions, end_session, start_session
from shop_orders.service.settings import update_settings
from shop_platform.ratelimit import RateLimitedError
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
    """Failed logins are counted per client address: past the limit, that address is locked
    out for a while (429 with Retry-After), right token or not."""
    address = ctx.client_address(request)
    try:
        ctx.login_limit.check(address)
    except RateLimitedError as exc:
        locked = page(request, ctx, "admin_login.html", {"error": exc.detail}, 429)
        locked.headers.update(exc.headers)
        return locked
    given = (await request.form()).get("token")
    if not isinstance(given, str) or not given:
        given = ""
    if not given or not constant_time_equals(given, ctx.settings.admin_token):
        ctx.login_limit.hit(address)
        return page(request, ctx, "admin_login.html", {"error": "Wrong admin token."}, 401)
    async with ctx.transaction() as repos:
        cookie = await start_session(repos, ctx.settings.secret_key, datetime.now(UTC))
    response = redirect("/admin")
    set_admin_cookie(response, cookie, secure=cookie_is_secure(request, ctx))
    return response


@router.post("/logout")
async def logout(request: Request, ctx: Ctx) -> Response:
    """Ends this session on every service at once (the cookie alone no longer opens them)."""
    session_id = await ctx.auth.session_id(request)
    if session_id is not None:
        await checked_form(request, ctx)  # another site cannot log the admin out either
        async with ctx.transaction() as repos:
            await end_session(repos, session_id, datetime.now(UTC))
    response = redirect(LOGIN)
    clear_admin_cookie(response, secure=cookie_is_secure(request, ctx))
    return response


@router.post("/logout-everywhere")
async def logout_everywhere(request: Request, ctx: Ctx) -> Response:
    """Ends every admin session, on every device (a lost laptop, a shared computer)."""
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    await checked_form(request, ctx)
    async with ctx.transaction() as repos:
        await end_all_sessions(repos, datetime.now(UTC))
    response = redirect(LOGIN)
    clear_admin_cookie(response, secure=cookie_is_secure(request, ctx))
    return response


@router.get("")
async def orders_page(request: Request, ctx: Ctx, status: str = "") -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
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
    if (to_login := await login_redirect(request, ctx)) is not None:
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
    if (to_login := await login_redirect(request, ctx)) is not None:
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
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    async with ctx.transaction() as repos:
        settings = await queries.get_settings(repos)
    message = "Settings saved." if saved else None
    return page(request, ctx, "admin_settings.html", {"settings": settings, "message": message})


@router.post("/settings")
async def save_settings(request: Request, ctx: Ctx) -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
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
        await update_settings(repos, update.settings)
    return redirect("/admin/settings?saved=1")
