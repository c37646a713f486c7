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

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import httpx
from fastapi import Request

from shop_platform.accounts import DOING, Permission, Principal, bootstrap_owner
from shop_platform.errors import ForbiddenError, ShopError, UnauthorizedError
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


TOKEN_CHECK_PATH = "/internal/admin-tokens/check"


class AdminSessions(Protocol):
    """Who is behind an admin session or a personal API token: orders keeps the accounts,
    sessions and tokens (its own tables); the other services ask it over HTTP
    (`RemoteAdminSessions`). None: no such live session, or no such unrevoked token."""

    async def principal(self, session_id: str) -> Principal | None: ...

    async def token_principal(self, token: str) -> Principal | None: ...


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
        principal = await self.session_principal(request)
        return principal.session_id if principal is not None else None

    async def session_principal(self, request: Request) -> Principal | None:
        """The person behind the cookie's live session, or None."""
        session_id = session_id_of(self._secret, request.cookies.get(ADMIN_COOKIE))
        if session_id is None:
            return None
        return await self.sessions.principal(session_id)

    async def bearer_principal(self, request: Request) -> Principal | None:
        """`Authorization: Bearer`: ADMIN_TOKEN is the bootstrap owner; any other token is
        looked up as a personal API token. None without a bearer or for an unknown one."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        if constant_time_equals(token, self._admin_token):
            return bootstrap_owner()
        if len(token) > 200:
            return None
        return await self.sessions.token_principal(token)

    async def principal(self, request: Request, *, api: bool = False) -> Principal | None:
        """Who is asking: the bearer token, or (pages only, `api` False) a live session
        cookie; for a state change by cookie, the request must also come from one of the
        shop's own pages (else `ForbiddenError`). The admin API takes no cookie: another site
        could make a browser send that."""
        principal = await self.bearer_principal(request)
        if principal is not None or api:
            return principal
        principal = await self.session_principal(request)
        if principal is not None and request.method not in SAFE_METHODS:
            self.check_origin(request)
        return principal

    async def is_admin(self, request: Request) -> bool:
        """Anyone signed in (any role): see `principal`."""
        return await self.principal(request) is not None

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
    """Asks orders, which owns the accounts, sessions and tokens, on every check: a logout
    or a revoked token anywhere takes effect here at once. Fails closed: orders not
    answering means not signed in. Questions are signed with the shared secret, so the
    internal routes are no oracle for anyone else."""

    def __init__(self, orders_url: str, secret: str, timeout_s: float = 3.0) -> None:
        self._base = orders_url.rstrip("/")
        self._secret = secret
        self._timeout_s = timeout_s
        # One client (and its kept-alive connections) per event loop, not one per check: a
        # check was a TCP connect plus a client's construction on every admin request.
        self._http: httpx.AsyncClient | None = None
        self._http_loop: asyncio.AbstractEventLoop | None = None

    async def principal(self, session_id: str) -> Principal | None:
        proof = sign_value(self._secret, "admin-session-check", session_id)
        return await self._ask(SESSION_CHECK_PATH, {"session": proof})

    async def token_principal(self, token: str) -> Principal | None:
        proof = sign_value(self._secret, "admin-token-check", token)
        return await self._ask(TOKEN_CHECK_PATH, {"token": proof})

    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._http is None or self._http_loop is not loop:
            # Idle connections are dropped before the server's keep-alive (uvicorn: 5 s) ends
            # them, so a check never writes into a connection the server just closed.
            limits = httpx.Limits(keepalive_expiry=2.0)
            self._http = httpx.AsyncClient(timeout=self._timeout_s, limits=limits)
            self._http_loop = loop
        return self._http

    async def _ask(self, path: str, body: dict[str, str]) -> Principal | None:
        try:
            response = await self._client().post(self._base + path, json=body)
            if response.status_code != 200:
                return None
            answer = response.json()
            if answer.get("live") is not True or not isinstance(answer.get("principal"), dict):
                return None
            return Principal.from_json(answer["principal"])
        except (httpx.HTTPError, ValueError, KeyError):
            return None


def session_check_proof_valid(secret: str, proof: str) -> str | None:
    """The session id a peer service asks about (signed with the shared secret), or None."""
    return unsign_value(secret, "admin-session-check", proof)


def token_check_proof_valid(secret: str, proof: str) -> str | None:
    """The API token a peer service asks about (signed with the shared secret), or None."""
    return unsign_value(secret, "admin-token-check", proof)


# --- the one check every admin route makes (issue 14) ----------------------------------------


class LoginRequiredError(ShopError):
    """An admin page asked without a signed-in person: the browser is sent to the login
    form (the kernel's error handlers answer it with a 303 to `location`)."""

    status = 303
    error = "login_required"

    def __init__(self, location: str) -> None:
        super().__init__("sign in to see this page")
        self.location = location

    @property
    def headers(self) -> dict[str, str]:
        return {"Location": self.location}


def set_admin_auth(app: Any, auth: AdminAuth, login_url: str) -> None:
    """Where `require_api` / `require_page` find this service's `AdminAuth` (the app's
    state), and where a page sends someone not signed in (orders' `/admin/login`)."""
    app.state.admin_auth = auth
    app.state.admin_login_url = login_url


def refuse(principal: Principal, permission: Permission) -> ForbiddenError:
    return ForbiddenError(
        f"your role ({principal.role.value}) cannot {DOING[permission]}: ask the shop's owner"
    )


def require_api(permission: Permission) -> Callable[[Request], Awaitable[Principal]]:
    """An admin API route's dependency: 401 without a bearer token (ADMIN_TOKEN or a
    personal API token), 403 when the person's role lacks `permission`; else the person.

        @router.post("/orders/{order_id}/mark-paid")
        async def mark_paid(..., who: Annotated[Principal, Depends(
            require_api(Permission.ORDERS_MANAGE))]) -> ...
    """

    async def dependency(request: Request) -> Principal:
        auth: AdminAuth = request.app.state.admin_auth
        principal = await auth.principal(request, api=True)
        if principal is None:
            raise UnauthorizedError(
                "admin authentication required (Authorization: Bearer <ADMIN_TOKEN or a "
                "personal API token>)"
            )
        if not principal.can(permission):
            raise refuse(principal, permission)
        return principal

    dependency.permission = permission  # type: ignore[attr-defined]  # read by route audits
    dependency.__name__ = f"require_api_{permission.name.lower()}"
    return dependency


def require_page(permission: Permission) -> Callable[[Request], Awaitable[Principal]]:
    """An admin page's dependency: not signed in → 303 to the login form
    (`LoginRequiredError`); signed in without `permission` → 403; else the person. The
    bearer token works too (scripts, tests); a state change by cookie must come from the
    shop's own pages (403 otherwise)."""

    async def dependency(request: Request) -> Principal:
        auth: AdminAuth = request.app.state.admin_auth
        principal = await auth.principal(request)
        if principal is None:
            raise LoginRequiredError(request.app.state.admin_login_url)
        if not principal.can(permission):
            raise refuse(principal, permission)
        return principal

    dependency.permission = permission  # type: ignore[attr-defined]  # read by route audits
    dependency.__name__ = f"require_page_{permission.name.lower()}"
    return dependency
