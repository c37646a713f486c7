"""Issue 14's authorization matrix, across the five running services: every admin route of
every service, asked with no credentials, then by an owner, a photographer and an assistant
(personal API token for the admin API, session cookie for the admin pages; the bootstrap
owner's ADMIN_TOKEN too). The spec is the brief's permission table, written out below route
by route (`TABLE`). In-process, every service's routers are read:
`test_the_table_names_every_admin_route` fails on an admin route the table does not name (or
a stale one), `test_every_admin_route_asks_for_the_tables_permission` on a route whose
`require_api` / `require_page` names another permission (which the HTTP matrix cannot see
when both are held by the same roles).

Refused: 401 (API without a valid bearer), 303 to orders' /admin/login (page, not signed
in), 403 (role without the permission; "your role (...) cannot ..."). Allowed: anything but
401/403/a login redirect, and no 5xx (dummy ids and bodies: 404 and 422 are expected).

The shop is this module's own: the owner's requests really change settings.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import iter_route_contexts

from shop_devtools.testing import private_shop
from shop_platform.accounts import GRANTS, Permission, Role

from .accounts_helpers import (
    Person,
    cookieless_client,
    csrf_for,
    log_in,
    new_person,
    origin_of,
)
from .conftest import SELLER, Shop

P = Permission
SERVICES = ("orders", "catalog", "payments", "delivery", "notifications")

# (service, method, path) -> the permission the brief's table gives it.
TABLE: dict[tuple[str, str, str], Permission] = {
    # --- orders: admin API ---------------------------------------------------------------
    ("orders", "GET", "/api/admin/orders"): P.ORDERS_READ,
    ("orders", "GET", "/api/admin/orders/export.csv"): P.ORDERS_READ,
    ("orders", "GET", "/api/admin/orders/{order_id}"): P.ORDERS_READ,
    ("orders", "GET", "/api/admin/orders/{order_id}/invoice.pdf"): P.ORDERS_READ,
    ("orders", "POST", "/api/admin/orders/{order_id}/validate"): P.ORDERS_MANAGE,
    ("orders", "POST", "/api/admin/orders/{order_id}/mark-paid"): P.ORDERS_MANAGE,
    ("orders", "POST", "/api/admin/orders/{order_id}/force-delivery"): P.ORDERS_MANAGE,
    ("orders", "POST", "/api/admin/orders/{order_id}/cancel"): P.ORDERS_MANAGE,
    ("orders", "POST", "/api/admin/orders/{order_id}/refund"): P.ORDERS_MANAGE,
    ("orders", "POST", "/api/admin/orders/{order_id}/reissue-links"): P.ORDERS_MANAGE,
    ("orders", "GET", "/api/admin/quotes"): P.QUOTES,
    ("orders", "POST", "/api/admin/quotes"): P.QUOTES,
    ("orders", "GET", "/api/admin/quotes/{quote_id}"): P.QUOTES,
    ("orders", "PUT", "/api/admin/quotes/{quote_id}"): P.QUOTES,
    ("orders", "POST", "/api/admin/quotes/{quote_id}/send"): P.QUOTES,
    ("orders", "GET", "/api/admin/settings"): P.SETTINGS,
    ("orders", "PUT", "/api/admin/settings"): P.SETTINGS,
    ("orders", "GET", "/api/admin/coupons"): P.SETTINGS,
    ("orders", "POST", "/api/admin/coupons"): P.SETTINGS,
    ("orders", "GET", "/api/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("orders", "PUT", "/api/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("orders", "DELETE", "/api/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("orders", "GET", "/api/admin/tax"): P.SETTINGS,
    ("orders", "PUT", "/api/admin/tax"): P.SETTINGS,
    ("orders", "GET", "/api/admin/order-fields"): P.SETTINGS,
    ("orders", "PUT", "/api/admin/order-fields"): P.SETTINGS,
    ("orders", "GET", "/api/admin/invoice-settings"): P.SETTINGS,
    ("orders", "PUT", "/api/admin/invoice-settings"): P.SETTINGS,
    ("orders", "GET", "/api/admin/me"): P.OWN_ACCOUNT,
    ("orders", "PUT", "/api/admin/me/password"): P.OWN_ACCOUNT,
    ("orders", "GET", "/api/admin/me/tokens"): P.OWN_ACCOUNT,
    ("orders", "POST", "/api/admin/me/tokens"): P.OWN_ACCOUNT,
    ("orders", "DELETE", "/api/admin/me/tokens/{token_id}"): P.OWN_ACCOUNT,
    ("orders", "POST", "/api/admin/me/logout-everywhere"): P.OWN_ACCOUNT,
    ("orders", "GET", "/api/admin/accounts"): P.ACCOUNTS,
    ("orders", "POST", "/api/admin/accounts"): P.ACCOUNTS,
    ("orders", "PATCH", "/api/admin/accounts/{account_id}"): P.ACCOUNTS,
    ("orders", "POST", "/api/admin/accounts/{account_id}/invitation"): P.ACCOUNTS,
    ("orders", "POST", "/api/admin/accounts/{account_id}/unlock"): P.ACCOUNTS,
    # --- orders: admin pages -------------------------------------------------------------
    ("orders", "GET", "/admin"): P.ORDERS_READ,
    ("orders", "GET", "/admin/orders/export.csv"): P.ORDERS_READ,
    ("orders", "GET", "/admin/orders/{order_id}"): P.ORDERS_READ,
    ("orders", "GET", "/admin/orders/{order_id}/state"): P.ORDERS_READ,
    ("orders", "GET", "/admin/orders/{order_id}/invoice.pdf"): P.ORDERS_READ,
    ("orders", "POST", "/admin/orders/{order_id}/refund"): P.ORDERS_MANAGE,
    ("orders", "POST", "/admin/orders/{order_id}/cancel"): P.ORDERS_MANAGE,
    ("orders", "POST", "/admin/orders/{order_id}/{action}"): P.ORDERS_MANAGE,
    ("orders", "GET", "/admin/dashboard"): P.ORDERS_READ,
    ("orders", "GET", "/admin/dashboard/{chart}.csv"): P.ORDERS_READ,
    ("orders", "GET", "/admin/quotes"): P.QUOTES,
    ("orders", "POST", "/admin/quotes"): P.QUOTES,
    ("orders", "GET", "/admin/quotes/{quote_id}"): P.QUOTES,
    ("orders", "POST", "/admin/quotes/{quote_id}"): P.QUOTES,
    ("orders", "POST", "/admin/quotes/{quote_id}/send"): P.QUOTES,
    ("orders", "GET", "/admin/system"): P.RECORDS_READ,
    ("orders", "POST", "/admin/system/replay/{service}"): P.SETTINGS,
    ("orders", "GET", "/admin/settings"): P.SETTINGS,
    ("orders", "POST", "/admin/settings"): P.SETTINGS,
    ("orders", "GET", "/admin/coupons"): P.SETTINGS,
    ("orders", "GET", "/admin/coupons/new"): P.SETTINGS,
    ("orders", "GET", "/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("orders", "POST", "/admin/coupons"): P.SETTINGS,
    ("orders", "POST", "/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("orders", "POST", "/admin/coupons/{coupon_id}/{action}"): P.SETTINGS,
    ("orders", "GET", "/admin/tax"): P.SETTINGS,
    ("orders", "POST", "/admin/tax"): P.SETTINGS,
    ("orders", "GET", "/admin/order-fields"): P.SETTINGS,
    ("orders", "POST", "/admin/order-fields"): P.SETTINGS,
    ("orders", "GET", "/admin/invoice-settings"): P.SETTINGS,
    ("orders", "POST", "/admin/invoice-settings"): P.SETTINGS,
    ("orders", "POST", "/admin/logout"): P.OWN_ACCOUNT,
    ("orders", "POST", "/admin/logout-everywhere"): P.OWN_ACCOUNT,
    ("orders", "GET", "/admin/account"): P.OWN_ACCOUNT,
    ("orders", "POST", "/admin/account/password"): P.OWN_ACCOUNT,
    ("orders", "POST", "/admin/account/tokens"): P.OWN_ACCOUNT,
    ("orders", "POST", "/admin/account/tokens/{token_id}/revoke"): P.OWN_ACCOUNT,
    ("orders", "GET", "/admin/accounts"): P.ACCOUNTS,
    ("orders", "POST", "/admin/accounts"): P.ACCOUNTS,
    ("orders", "POST", "/admin/accounts/{account_id}"): P.ACCOUNTS,
    ("orders", "POST", "/admin/accounts/{account_id}/disable"): P.ACCOUNTS,
    ("orders", "POST", "/admin/accounts/{account_id}/enable"): P.ACCOUNTS,
    ("orders", "POST", "/admin/accounts/{account_id}/invitation"): P.ACCOUNTS,
    ("orders", "POST", "/admin/accounts/{account_id}/unlock"): P.ACCOUNTS,
    # --- catalog: admin API --------------------------------------------------------------
    ("catalog", "GET", "/api/admin/media"): P.CATALOG_READ,
    ("catalog", "POST", "/api/admin/media"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/api/admin/media/{media_id}"): P.CATALOG_READ,
    ("catalog", "PATCH", "/api/admin/media/{media_id}"): P.CATALOG_MANAGE,
    ("catalog", "DELETE", "/api/admin/media/{media_id}"): P.CATALOG_MANAGE,
    ("catalog", "PUT", "/api/admin/media/{media_id}/file"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/api/admin/media/{media_id}/pricing-profiles"): P.CATALOG_READ,
    ("catalog", "PUT", "/api/admin/media/{media_id}/pricing-profiles"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/api/admin/galleries"): P.CATALOG_READ,
    ("catalog", "POST", "/api/admin/galleries"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/api/admin/galleries/{gallery_id}"): P.CATALOG_READ,
    ("catalog", "PUT", "/api/admin/galleries/{gallery_id}"): P.CATALOG_MANAGE,
    ("catalog", "DELETE", "/api/admin/galleries/{gallery_id}"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/api/admin/galleries/{gallery_id}/media"): P.CATALOG_READ,
    ("catalog", "PUT", "/api/admin/galleries/{gallery_id}/media"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/api/admin/galleries/{gallery_id}/allowed-emails"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/api/admin/galleries/{gallery_id}/free-downloads"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/api/admin/selections"): P.CATALOG_READ,
    ("catalog", "POST", "/api/admin/selections"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/api/admin/pricing-profiles"): P.CATALOG_READ,
    ("catalog", "POST", "/api/admin/pricing-profiles"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/api/admin/pricing-profiles/{profile_id}"): P.CATALOG_READ,
    ("catalog", "PUT", "/api/admin/pricing-profiles/{profile_id}"): P.CATALOG_MANAGE,
    ("catalog", "DELETE", "/api/admin/pricing-profiles/{profile_id}"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/api/admin/catalog-settings"): P.SETTINGS,
    ("catalog", "PUT", "/api/admin/catalog-settings"): P.SETTINGS,
    ("catalog", "POST", "/api/admin/catalog-settings/watermark-logo"): P.SETTINGS,
    # --- catalog: admin pages ------------------------------------------------------------
    ("catalog", "GET", "/admin/media"): P.CATALOG_READ,
    ("catalog", "POST", "/admin/media"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/admin/media/upload"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/admin/media/{media_id}"): P.CATALOG_READ,
    ("catalog", "POST", "/admin/media/{media_id}"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/admin/media/{media_id}/file"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/admin/media/{media_id}/delete"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/admin/media/{media_id}/price-lists"): P.CATALOG_READ,
    ("catalog", "POST", "/admin/media/{media_id}/price-lists"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/admin/media/settings"): P.SETTINGS,
    ("catalog", "POST", "/admin/media/settings"): P.SETTINGS,
    ("catalog", "POST", "/admin/media/settings/logo"): P.SETTINGS,
    ("catalog", "GET", "/admin/galleries"): P.CATALOG_READ,
    ("catalog", "GET", "/admin/galleries/new"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/admin/galleries/new"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/admin/galleries/{gallery_id}"): P.CATALOG_READ,
    ("catalog", "POST", "/admin/galleries/{gallery_id}"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/admin/galleries/{gallery_id}/delete"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/admin/galleries/{gallery_id}/free-downloads"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/admin/selections"): P.CATALOG_READ,
    ("catalog", "POST", "/admin/selections"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/admin/pricing-profiles"): P.CATALOG_READ,
    ("catalog", "GET", "/admin/pricing-profiles/new"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/admin/pricing-profiles/new"): P.CATALOG_MANAGE,
    ("catalog", "GET", "/admin/pricing-profiles/{profile_id}"): P.CATALOG_READ,
    ("catalog", "POST", "/admin/pricing-profiles/{profile_id}"): P.CATALOG_MANAGE,
    ("catalog", "POST", "/admin/pricing-profiles/{profile_id}/delete"): P.CATALOG_MANAGE,
    # --- payments, delivery, notifications -------------------------------------------------
    ("payments", "GET", "/api/admin/settings"): P.SETTINGS,
    ("payments", "PUT", "/api/admin/settings"): P.SETTINGS,
    ("payments", "GET", "/api/admin/payments"): P.RECORDS_READ,
    ("payments", "GET", "/admin/settings"): P.SETTINGS,
    ("payments", "POST", "/admin/settings"): P.SETTINGS,
    ("delivery", "GET", "/api/admin/settings"): P.SETTINGS,
    ("delivery", "PUT", "/api/admin/settings"): P.SETTINGS,
    ("notifications", "GET", "/api/admin/emails"): P.RECORDS_READ,
    ("notifications", "GET", "/api/admin/emails/{email_id}"): P.RECORDS_READ,
    ("notifications", "GET", "/admin/emails"): P.RECORDS_READ,
    ("notifications", "GET", "/admin/emails/{email_id}"): P.RECORDS_READ,
}

# Under /admin but JSON for the page's script (shop.js polls it), not a page a person opens:
# not signed in, it answers 401 like the API (a redirect would hand the script the login's
# HTML). Cookie or bearer, and roles, as for pages.
SCRIPT_ENDPOINTS = {("orders", "GET", "/admin/orders/{}/state")}

# Public: how one signs in or gets back in (rate limited, no session).
PUBLIC = re.compile(r"^/admin/(login|password-reset|invitations)(/|$)")

ROLES = (Role.OWNER, Role.PHOTOGRAPHER, Role.ASSISTANT)
DUMMY = str(uuid.UUID("6b0f0c1e-0000-4000-8000-00000000e2e0"))  # no such thing anywhere
PLACEHOLDER = re.compile(r"\{([^}:]+)(:[^}]*)?\}")
VALUES = {"action": "validate", "chart": "daily", "service": "catalog"}


def normal(path: str) -> str:
    """The path with its parameters' names left out (`{order_id}` and `{id}` are one)."""
    return PLACEHOLDER.sub("{}", path)


def concrete(path: str) -> str:
    return PLACEHOLDER.sub(lambda m: VALUES.get(m.group(1), DUMMY), path)


def is_admin_path(path: str) -> bool:
    return path in ("/admin", "/api/admin") or path.startswith(("/admin/", "/api/admin/"))


# --- the routes the code has ---------------------------------------------------------------


def routers_of(service: str) -> list[APIRouter]:
    """Every APIRouter of the service's `api` package (its app includes them, directly or
    through a parent router)."""
    package = importlib.import_module(f"shop_{service}.api")
    found: dict[int, APIRouter] = {}
    for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, APIRouter):
                found[id(value)] = value
            elif isinstance(value, (list, tuple)):
                found.update({id(v): v for v in value if isinstance(v, APIRouter)})
    return list(found.values())


def admin_routes_in_code(service: str) -> set[tuple[str, str, str]]:
    app = FastAPI()
    for router in routers_of(service):
        app.include_router(router)
    routes: set[tuple[str, str, str]] = set()
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        if not is_admin_path(path) or PUBLIC.match(path):
            continue
        for method in (context.methods or set()) - {"HEAD", "OPTIONS"}:
            routes.add((service, method, path))
    return routes


def rule_for(service: str, method: str, path: str) -> Permission | None:
    wanted = (service, method, normal(path))
    for (s, m, p), permission in TABLE.items():
        if (s, m, normal(p)) == wanted:
            return permission
    return None


@pytest.fixture(scope="module")
def code_routes() -> set[tuple[str, str, str]]:
    return set().union(*(admin_routes_in_code(s) for s in SERVICES))


def test_the_table_names_every_admin_route(code_routes):
    missing = sorted(r for r in code_routes if rule_for(*r) is None)
    assert not missing, (
        "admin routes the permission table (the brief's) does not name: add each with its "
        f"permission: {missing}"
    )
    known = {(s, m, normal(p)) for s, m, p in code_routes}
    stale = sorted(k for k in TABLE if (k[0], k[1], normal(k[2])) not in known)
    assert not stale, f"the table names routes no service has (renamed? removed?): {stale}"


def declared_permissions(service: str) -> dict[tuple[str, str, str], set[Permission]]:
    """What each admin route's dependencies ask for (`require_api` / `require_page` carry
    their permission): one route checking the wrong permission among those every role holds
    would pass the HTTP matrix, not this."""
    app = FastAPI()
    for router in routers_of(service):
        app.include_router(router)
    found: dict[tuple[str, str, str], set[Permission]] = {}
    for context in iter_route_contexts(app.routes):
        path = context.path or ""
        if not is_admin_path(path) or PUBLIC.match(path):
            continue
        asked: set[Permission] = set()
        pending = [context.dependant]
        while pending:
            dependant = pending.pop()
            permission = getattr(dependant.call, "permission", None)
            if isinstance(permission, Permission):
                asked.add(permission)
            pending.extend(dependant.dependencies)
        for method in (context.methods or set()) - {"HEAD", "OPTIONS"}:
            found[(service, method, path)] = asked
    return found


# Logging out needs no permission: without a session it is a redirect to the login anyway.
UNDECLARED = {("orders", "POST", "/admin/logout")}


def test_every_admin_route_asks_for_the_tables_permission():
    wrong = []
    for service in SERVICES:
        for route, asked in declared_permissions(service).items():
            wanted = rule_for(*route)
            if wanted is None or (route in UNDECLARED and not asked):
                continue
            if asked != {wanted}:
                names = sorted(p.name for p in asked)
                wrong.append(f"{' '.join(route)}: asks {names or 'nothing'}, table {wanted.name}")
    assert not wrong, "routes checking another permission than the table's:\n" + "\n".join(
        sorted(wrong)
    )


# --- the shop and its people ---------------------------------------------------------------


@pytest.fixture(scope="module")
async def matrix_shop(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Shop]:
    """This module's own shop: the owner's dummy requests change its settings."""
    root: Path = tmp_path_factory.mktemp("authz")
    async with private_shop(root, "authz", SELLER, {"ORDERS_RATE_LIMIT_PER_MINUTE": "0"}) as p:
        yield Shop(p.stack, p.client, p.mail)


@pytest.fixture(scope="module")
async def people(matrix_shop) -> dict[Role, Person]:
    made = await asyncio.gather(*(new_person(matrix_shop, role.value) for role in ROLES))
    return dict(zip(ROLES, made, strict=True))


@dataclass(frozen=True)
class Check:
    service: str
    method: str
    path: str
    permission: Permission

    @property
    def page(self) -> bool:
        return not self.path.startswith("/api/")

    @property
    def for_scripts(self) -> bool:
        return (self.service, self.method, normal(self.path)) in SCRIPT_ENDPOINTS

    @property
    def ends_sessions(self) -> bool:
        return "logout" in self.path

    def __str__(self) -> str:
        return f"{self.service} {self.method} {self.path}"


def checks() -> list[Check]:
    return [Check(s, m, p, perm) for (s, m, p), perm in sorted(TABLE.items())]


async def ask(
    shop, http: httpx.AsyncClient, check: Check, *, bearer: str = "", cookie: str = ""
) -> httpx.Response:
    """One request as a browser or a script would make it: pages with the session cookie,
    the form's CSRF token and the shop's Origin; the API with the bearer token. Bodies are
    deliberately wrong (a JSON list, a form with the CSRF token only)."""
    url = shop.client.url(check.service, concrete(check.path))
    headers: dict[str, str] = {}
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    if cookie:
        headers["Cookie"] = f"shop_admin={cookie}"
    kwargs: dict = {}
    if check.method not in ("GET", "DELETE"):
        if check.page:
            headers["Origin"] = origin_of(shop, check.service)
            signed_in = cookie or ("bearer" if bearer else "")
            kwargs["data"] = {"csrf": csrf_for(shop, signed_in)} if signed_in else {}
        else:
            kwargs["json"] = [1]
    return await http.request(check.method, url, headers=headers, follow_redirects=False, **kwargs)


def verdict(check: Check, who: str, response: httpx.Response, allowed: bool) -> str | None:
    """What is wrong with the answer (None: as the table says)."""
    status = response.status_code
    location = response.headers.get("location", "")
    said = f"{check} as {who}: {status} {location} {response.text[:160]!r}"
    if who == "nobody":
        if check.page and not check.for_scripts:
            if status != 303 or "/admin/login" not in location:
                return f"{said}: expected 303 to /admin/login"
        elif status != 401:
            return f"{said}: expected 401"
        return None
    if not allowed:
        if status != 403:
            return f"{said}: expected 403 ({check.permission.name} refused to {who})"
        if f"your role ({who})" not in response.text:
            return f"{said}: a 403 that does not say 'your role ({who}) cannot ...'"
        return None
    if status in (401, 403) or (status == 303 and "/admin/login" in location):
        return f"{said}: refused, but {who} holds {check.permission.name}"
    if status >= 500:
        return f"{said}: a server error"
    return None


async def run_matrix(shop, people: dict[Role, Person], todo: list[Check]) -> list[str]:
    """Every check as nobody, the bootstrap owner and each role, 8 requests at a time."""
    gate = asyncio.Semaphore(8)
    problems: list[str] = []

    async with cookieless_client() as http:

        async def one(check: Check, who: str, allowed: bool, **auth: str) -> None:
            async with gate:
                try:
                    response = await ask(shop, http, check, **auth)
                except httpx.HTTPError as exc:
                    problems.append(f"{check} as {who}: {exc!r}")
                    return
            wrong = verdict(check, who, response, allowed)
            if wrong:
                problems.append(wrong)

        jobs = []
        owner_cookie = people[Role.OWNER].cookie
        for check in todo:
            jobs.append(one(check, "nobody", False))
            if not check.page:  # the admin API takes no cookie (another site could send it)
                jobs.append(one(check, "nobody", False, cookie=owner_cookie))
            jobs.append(one(check, "bootstrap", True, bearer=shop.config.admin_token))
            for role, person in people.items():
                allowed = check.permission in GRANTS[role]
                auth = {"cookie": person.cookie} if check.page else {"bearer": person.token}
                jobs.append(one(check, role.value, allowed, **auth))
        await asyncio.gather(*jobs)
    return problems


def test_the_table_is_the_briefs_grants():
    """The table's premise: what each role holds (shop_platform.accounts.GRANTS)."""
    assert GRANTS[Role.PHOTOGRAPHER] == {
        P.ORDERS_READ,
        P.CATALOG_READ,
        P.CATALOG_MANAGE,
        P.OWN_ACCOUNT,
    }
    assert GRANTS[Role.ASSISTANT] == {
        P.ORDERS_READ,
        P.QUOTES,
        P.CATALOG_READ,
        P.RECORDS_READ,
        P.OWN_ACCOUNT,
    }
    assert GRANTS[Role.OWNER] == set(Permission)


async def test_every_admin_api_route_by_role(matrix_shop, people):
    todo = [c for c in checks() if not c.page and not c.ends_sessions]
    problems = await run_matrix(matrix_shop, people, todo)
    assert not problems, f"{len(problems)} answers against the table:\n" + "\n".join(
        sorted(problems)
    )


async def test_every_admin_page_by_role(matrix_shop, people):
    todo = [c for c in checks() if c.page and not c.ends_sessions]
    problems = await run_matrix(matrix_shop, people, todo)
    assert not problems, f"{len(problems)} answers against the table:\n" + "\n".join(
        sorted(problems)
    )


async def session_lives(shop, http: httpx.AsyncClient, cookie: str) -> bool:
    response = await http.get(
        shop.client.url("orders", "/admin"),
        headers={"Cookie": f"shop_admin={cookie}"},
        follow_redirects=False,
    )
    return response.status_code == 200


async def test_the_logout_routes_by_role(matrix_shop, people):
    """Last: they end sessions. Each role signs in afresh for each of them. A logout's
    answer is a 303 to the login whoever asks: what shows it was allowed is that the
    session is over afterwards."""
    todo = [c for c in checks() if c.ends_sessions]
    assert todo, "no logout route in the table"
    problems: list[str] = []
    async with cookieless_client() as http:
        for check in todo:
            wrong = verdict(check, "nobody", await ask(matrix_shop, http, check), False)
            problems += [wrong] if wrong else []
            for role, person in people.items():
                cookie = await log_in(matrix_shop, person.email, person.password)
                assert await session_lives(matrix_shop, http, cookie)
                if check.page:
                    response = await ask(matrix_shop, http, check, cookie=cookie)
                    ok = response.status_code == 303
                else:
                    response = await ask(matrix_shop, http, check, bearer=person.token)
                    ok = response.status_code == 200
                if not ok or await session_lives(matrix_shop, http, cookie):
                    problems.append(
                        f"{check} as {role.value}: {response.status_code} "
                        f"{response.text[:160]!r}, and the session still lives"
                        if ok
                        else f"{check} as {role.value}: {response.status_code} "
                        f"{response.text[:160]!r}"
                    )
    assert not problems, "\n".join(problems)


async def test_a_refused_role_changes_nothing(matrix_shop, people):
    """A 403 is not after the fact: the assistant's settings change and the photographer's
    coupon are not there afterwards."""
    shop = matrix_shop
    before = await shop.client.settings("orders")
    async with cookieless_client() as http:
        put = await http.put(
            shop.client.url("orders", "/api/admin/settings"),
            headers=people[Role.ASSISTANT].bearer,
            json=before | {"manual_validation": not before["manual_validation"]},
        )
        assert put.status_code == 403, put.text
        code = f"NOPE{uuid.uuid4().hex[:6]}".upper()
        made = await http.post(
            shop.client.url("orders", "/api/admin/coupons"),
            headers=people[Role.PHOTOGRAPHER].bearer,
            json={"code": code, "percent_off": 50},
        )
        assert made.status_code == 403, made.text
    assert await shop.client.settings("orders") == before
    coupons = await shop.client.admin_call("GET", "orders", "/api/admin/coupons")
    assert code not in str(coupons), coupons
