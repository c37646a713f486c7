"""Admin authentication: a bearer token for the API, a cookie for the admin pages."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from shop_platform.errors import UnauthorizedError
from shop_platform.security import constant_time_equals, hash_token, sign_value, unsign_value

ADMIN_COOKIE = "shop_admin"


def admin_session_cookie(secret: str) -> str:
    """The signed value stored in the admin pages' session cookie after login."""
    return sign_value(secret, "admin-session", "admin")


def is_admin_request(request: Request, *, admin_token: str, secret: str) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token and constant_time_equals(token, admin_token):
        return True
    cookie = request.cookies.get(ADMIN_COOKIE)
    return bool(cookie) and unsign_value(secret, "admin-session", cookie or "") == "admin"


def require_admin(admin_token: str, secret: str) -> Callable[[Request], None]:
    """A FastAPI dependency that answers 401 unless the request is the admin's."""

    def dependency(request: Request) -> None:
        if not is_admin_request(request, admin_token=admin_token, secret=secret):
            raise UnauthorizedError("admin authentication required (Authorization: Bearer)")

    return dependency


def admin_csrf_token(request: Request, secret: str) -> str:
    """The token an admin form carries: bound to this admin session, so another site's form
    (which cannot read our pages) cannot forge it. SameSite=Lax alone lets same-site pages
    post, and older browsers ignore it."""
    session = request.cookies.get(ADMIN_COOKIE) or "bearer"
    return sign_value(secret, "admin-csrf", hash_token(session))


def check_admin_csrf(request: Request, secret: str, submitted: str | None) -> None:
    """Raise 401 unless the form's token belongs to this admin session."""
    if not submitted or not constant_time_equals(submitted, admin_csrf_token(request, secret)):
        raise UnauthorizedError("the form expired or did not come from this page; reload it")
