"""Admin authentication, the same on every service.

- The **admin API** (`/api/admin/...`) takes the bearer token only: a browser never sends one
  on its own, so another site cannot make it call the API (the cookie opened it to CSRF).
- The **admin pages** take the `shop_admin` session cookie set by the orders login. The cookie
  is signed and expires, and the session behind it lives server-side in orders: logout (or
  "log out everywhere") ends it at once on every service. Orders checks its own table; the
  other services ask orders (`RemoteAdminSessions`) on every cookie-authenticated request.
- A cookie-authenticated **state change** needs the form's CSRF token (bound to the session)
  and an `Origin` that is one of the shop's own (or `Sec-Fetch-Site: same-origin`): a page on
  another port of the same host is same-site, so SameSite=Lax alone lets it post.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Protocol

import httpx
from fastapi import Request

from shop_platform.errors import ForbiddenError, UnauthorizedError
from shop_platform.security import (
    constant_time_equals,
    hash_token,
    random_token,
    sign_value,
    unsign_value,
)
from shop_platform.settings import SharedSettings, origin_of

ADMIN_COOKIE = "shop_admin"
ADMIN_SESSION_TTL_S = 12 * 3600  # a working day: log in again after that
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_CHECK_PATH = "/internal/admin-sessions/check"


class AdminSessions(Protocol):
    """Where live admin sessions are kept (orders' table, or orders over HTTP)."""

    async def is_live(self, session_id: str) -> bool: ...


def new_admin_session(
    secret: str, *, now: float | None = None, ttl_s: int = ADMIN_SESSION_TTL_S
) -> tuple[str, str, int]:
    """(session id, signed cookie value, expiry as a Unix time) for a new login."""
    session_id = random_token(24)
    expires = int((time.time() if now is None else now) + ttl_s)
    return session_id, sign_value(secret, "admin-session", f"admin.{session_id}.{expires}"), expires


def session_id_of(secret: str, cookie: str | None, now: float | None = None) -> str | None:
    """The session id a signed, unexpired cookie names (not yet checked as live), else None."""
    if not cookie:
        return None
    value = unsign_value(secret, "admin-session", cookie)
    if value is None:
        return None
    role, _, rest = value.partition(".")
    session_id, _, expires = rest.rpartition(".")
    if role != "admin" or not session_id or not expires.isdigit():
        return None
    return session_id if int(expires) > (time.time() if now is None else now) else None


def bearer_is_admin(request: Request, admin_token: str) -> bool:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(token) and constant_time_equals(token, admin_token)


def require_admin_token(admin_token: str) -> Callable[[Request], Awaitable[None]]:
    """The admin API's FastAPI dependency: 401 unless `Authorization: Bearer <ADMIN_TOKEN>`."""

    async def dependency(request: Request) -> None:
        if not bearer_is_admin(request, admin_token):
            raise UnauthorizedError("admin authentication required (Authorization: Bearer)")

    return dependency


def check_own_origin(
    request: Request,
    origins: frozenset[str],
    *,
    same_site: bool = False,
    foreign: str = "forms from {origin} are refused: not one of the shop's pages",
    unknown: str = "this form is accepted from the shop's own pages only",
) -> None:
    """403 (`ForbiddenError`) unless the browser says the request comes from one of the
    shop's own `origins` (or this request's own origin).

    Our pages answer with `Referrer-Policy: no-referrer`, so a browser posting their forms
    sends `Origin: null`; then `Sec-Fetch-Site` says where the form was: `same-origin`, or,
    with `same_site`, `same-site` too (another port or subdomain of the shop's site, e.g.
    the catalog's "Add to cart" posting to orders). `foreign` and `unknown` word the refusal
    (`{origin}` is filled in)."""
    origin = request.headers.get("origin")
    if origin is not None and origin != "null":
        own = origin_of(f"{request.url.scheme}://{request.headers.get('host', '')}")
        if origin_of(origin) in origins | {own}:
            return
        raise ForbiddenError(foreign.format(origin=origin))
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site == "same-origin" or (same_site and fetch_site == "same-site"):
        return
    raise ForbiddenError(unknown)


class AdminAuth:
    """Who is asking, for the admin pages of one service."""

    def __init__(self, settings: SharedSettings, sessions: AdminSessions) -> None:
        self._admin_token = settings.admin_token
        self._secret = settings.secret_key
        self._origins = settings.public_origins()
        self.sessions = sessions

    async def session_id(self, request: Request) -> str | None:
        """The live session the cookie names, or None."""
        session_id = session_id_of(self._secret, request.cookies.get(ADMIN_COOKIE))
        if session_id is None or not await self.sessions.is_live(session_id):
            return None
        return session_id

    async def is_admin(self, request: Request) -> bool:
        """The bearer token, or a live session cookie; for a state change by cookie, the
        request must also come from one of the shop's own pages (else `ForbiddenError`)."""
        if bearer_is_admin(request, self._admin_token):
            return True
        if await self.session_id(request) is None:
            return False
        if request.method not in SAFE_METHODS:
            self.check_origin(request)
        return True

    def check_origin(self, request: Request) -> None:
        """403 unless the browser says the request comes from one of our own origins."""
        check_own_origin(
            request,
            self._origins,
            foreign="cross-origin request from {origin} refused",
            unknown="a change made with the admin session needs an Origin header from the "
            "shop's pages",
        )

    def csrf_token(self, request: Request) -> str:
        """The token an admin form carries: bound to this admin session, so another site's
        form (which cannot read our pages) cannot forge it."""
        session = request.cookies.get(ADMIN_COOKIE) or "bearer"
        return sign_value(self._secret, "admin-csrf", hash_token(session))

    def check_csrf(self, request: Request, submitted: str | None) -> None:
        """Raise 401 unless the form's token belongs to this admin session."""
        if not submitted or not constant_time_equals(submitted, self.csrf_token(request)):
            raise UnauthorizedError("the form expired or did not come from this page; reload it")


class RemoteAdminSessions:
    """Asks orders, which owns the sessions, on every check: a logout anywhere ends the
    session here at once. Fails closed: orders not answering means not logged in."""

    def __init__(self, orders_url: str, secret: str, timeout_s: float = 3.0) -> None:
        self._url = orders_url.rstrip("/") + SESSION_CHECK_PATH
        self._secret = secret
        self._timeout_s = timeout_s

    async def is_live(self, session_id: str) -> bool:
        proof = sign_value(self._secret, "admin-session-check", session_id)
        try:
            async with httpx.AsyncClient(timeout=self._timeout_s) as http:
                response = await http.post(self._url, json={"session": proof})
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and response.json().get("live") is True


def session_check_proof_valid(secret: str, proof: str) -> str | None:
    """The session id a peer service asks about (signed with the shared secret), or None."""
    return unsign_value(secret, "admin-session-check", proof)
