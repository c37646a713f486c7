"""Admin authentication: a bearer token for the API, a cookie for the admin pages."""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import Request

from shop_platform.errors import UnauthorizedError
from shop_platform.security import (
    constant_time_equals,
    hash_token,
    random_token,
    sign_value,
    unsign_value,
)

ADMIN_COOKIE = "shop_admin"


ADMIN_SESSION_TTL_S = 12 * 3600  # a working day: log in again after that


def admin_session_cookie(
    secret: str, *, now: float | None = None, ttl_s: int = ADMIN_SESSION_TTL_S
) -> str:
    """The signed value of the admin pages' session cookie: one random id per login (so
    each session has its own CSRF token) and an expiry (a stolen cookie does not last)."""
    expires = int((time.time() if now is None else now) + ttl_s)
    return sign_value(secret, "admin-session", f"admin.{random_token(16)}.{expires}")


def _valid_session(secret: str, cookie: str, now: float | None = None) -> bool:
    value = unsign_value(secret, "admin-session", cookie)
    if value is None:
        return False
    role, _, rest = value.partition(".")
    _, _, expires = rest.rpartition(".")
    if role != "admin" or not expires.isdigit():
        return False
    return int(expires) > (time.time() if now is None else now)


def is_admin_request(request: Request, *, admin_token: str, secret: str) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token and constant_time_equals(token, admin_token):
        return True
    cookie = request.cookies.get(ADMIN_COOKIE)
    return bool(cookie) and _valid_session(secret, cookie or "")


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
