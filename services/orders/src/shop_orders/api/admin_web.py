"""What every admin page shares: rendering with the CSRF token, forms. Who may see each
page: its permission (`api/admin_access.py`, issue 14).

Logged in = the signed `shop_admin` cookie (HttpOnly, SameSite=Lax, Secure behind https)
naming a live server-side session (`service/admin_sessions.py`). Every form but the login
carries a `csrf` field bound to that session (`AdminAuth.csrf_token`); a POST without it
answers 401, one from another origin 403, and neither changes anything.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, status
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from shop_orders.api.context import WebContext
from shop_platform.auth import ADMIN_COOKIE

LOGIN = "/admin/login"
CSRF_FIELD = "csrf"


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=status.HTTP_303_SEE_OTHER)


async def page(
    request: Request,
    ctx: WebContext,
    name: str,
    context: dict[str, Any],
    code: int = 200,
    *,
    nav: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    """An admin page on the shared look (`shop_web/admin.html`): the admin navigation across
    the services, `nav` marking where the photographer is, and the forms' CSRF token."""
    shared = {"csrf": ctx.auth.csrf_token(request), "nav_here": nav}
    return await ctx.web.page(
        request, name, {**shared, **context}, status_code=code, headers=headers
    )


async def not_found(request: Request, ctx: WebContext, message: str) -> Response:
    return await ctx.web.error_page(request, 404, message)


async def checked_form(request: Request, ctx: WebContext) -> FormData:
    """The posted form, once its CSRF token proved it came from our own page (else 401)."""
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    ctx.auth.check_csrf(request, submitted if isinstance(submitted, str) else None)
    return form


def cookie_is_secure(request: Request, ctx: WebContext) -> bool:
    return ctx.settings.orders_public_url.startswith("https://") or request.url.scheme == "https"


def set_admin_cookie(response: Response, value: str, *, secure: bool) -> None:
    response.set_cookie(ADMIN_COOKIE, value, httponly=True, samesite="lax", secure=secure, path="/")


def clear_admin_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(ADMIN_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
