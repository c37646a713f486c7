"""Every orders admin route but the accounts ones (issue 14, part B) names one permission,
the brief's table, and each role gets exactly what its grants say: the owner everything, an
assistant reads orders, prepares quotes and reads the records, a photographer reads orders
(their own: test_agency.py); nobody signed in: 401 (API; the order page's state too) or the
login form (pages)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from shop_orders.api.app import ROUTER_MODULES
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_platform.accounts import GRANTS, Permission, Principal, Role
from shop_platform.security import hash_token, sign_value

from .agency import PEOPLE, as_people, with_photographers
from .conftest import SECRET_KEY
from .helpers import order_body, outbox_rows

P = Permission
# (method, path) -> the permission the brief's table gives the route.
TABLE: dict[tuple[str, str], Permission] = {
    ("GET", "/api/admin/orders"): P.ORDERS_READ,
    ("GET", "/api/admin/orders/export.csv"): P.ORDERS_READ,
    ("GET", "/api/admin/orders/{order_id}"): P.ORDERS_READ,
    ("GET", "/api/admin/orders/{order_id}/invoice.pdf"): P.ORDERS_READ,
    ("POST", "/api/admin/orders/{order_id}/validate"): P.ORDERS_MANAGE,
    ("POST", "/api/admin/orders/{order_id}/mark-paid"): P.ORDERS_MANAGE,
    ("POST", "/api/admin/orders/{order_id}/force-delivery"): P.ORDERS_MANAGE,
    ("POST", "/api/admin/orders/{order_id}/cancel"): P.ORDERS_MANAGE,
    ("POST", "/api/admin/orders/{order_id}/refund"): P.ORDERS_MANAGE,
    ("POST", "/api/admin/orders/{order_id}/reissue-links"): P.ORDERS_MANAGE,
    ("GET", "/api/admin/settings"): P.SETTINGS,
    ("PUT", "/api/admin/settings"): P.SETTINGS,
    ("GET", "/api/admin/invoice-settings"): P.SETTINGS,
    ("PUT", "/api/admin/invoice-settings"): P.SETTINGS,
    ("GET", "/api/admin/coupons"): P.SETTINGS,
    ("POST", "/api/admin/coupons"): P.SETTINGS,
    ("GET", "/api/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("PUT", "/api/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("DELETE", "/api/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("GET", "/api/admin/tax"): P.SETTINGS,
    ("PUT", "/api/admin/tax"): P.SETTINGS,
    ("GET", "/api/admin/order-fields"): P.SETTINGS,
    ("PUT", "/api/admin/order-fields"): P.SETTINGS,
    ("GET", "/api/admin/quotes"): P.QUOTES,
    ("POST", "/api/admin/quotes"): P.QUOTES,
    ("GET", "/api/admin/quotes/{quote_id}"): P.QUOTES,
    ("PUT", "/api/admin/quotes/{quote_id}"): P.QUOTES,
    ("POST", "/api/admin/quotes/{quote_id}/send"): P.QUOTES,
    ("GET", "/admin"): P.ORDERS_READ,
    ("GET", "/admin/orders/export.csv"): P.ORDERS_READ,
    ("GET", "/admin/orders/{order_id}"): P.ORDERS_READ,
    ("GET", "/admin/orders/{order_id}/state"): P.ORDERS_READ,
    ("GET", "/admin/orders/{order_id}/invoice.pdf"): P.ORDERS_READ,
    ("GET", "/admin/dashboard"): P.ORDERS_READ,
    ("GET", "/admin/dashboard/{chart}.csv"): P.ORDERS_READ,
    ("POST", "/admin/orders/{order_id}/{action}"): P.ORDERS_MANAGE,
    ("POST", "/admin/orders/{order_id}/refund"): P.ORDERS_MANAGE,
    ("POST", "/admin/orders/{order_id}/cancel"): P.ORDERS_MANAGE,
    ("GET", "/admin/quotes"): P.QUOTES,
    ("POST", "/admin/quotes"): P.QUOTES,
    ("GET", "/admin/quotes/{quote_id}"): P.QUOTES,
    ("POST", "/admin/quotes/{quote_id}"): P.QUOTES,
    ("POST", "/admin/quotes/{quote_id}/send"): P.QUOTES,
    ("GET", "/admin/settings"): P.SETTINGS,
    ("POST", "/admin/settings"): P.SETTINGS,
    ("GET", "/admin/invoice-settings"): P.SETTINGS,
    ("POST", "/admin/invoice-settings"): P.SETTINGS,
    ("GET", "/admin/coupons"): P.SETTINGS,
    ("GET", "/admin/coupons/new"): P.SETTINGS,
    ("GET", "/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("POST", "/admin/coupons"): P.SETTINGS,
    ("POST", "/admin/coupons/{coupon_id}"): P.SETTINGS,
    ("POST", "/admin/coupons/{coupon_id}/{action}"): P.SETTINGS,
    ("GET", "/admin/tax"): P.SETTINGS,
    ("POST", "/admin/tax"): P.SETTINGS,
    ("GET", "/admin/order-fields"): P.SETTINGS,
    ("POST", "/admin/order-fields"): P.SETTINGS,
    ("GET", "/admin/system"): P.RECORDS_READ,
    ("POST", "/admin/system/replay/{service}"): P.SETTINGS,
}
# The accounts part's routes (login, logout, accounts, one's own account): not this table.
ACCOUNTS_MODULES = {"accounts_api", "accounts_pages", "internal"}
# Answered by a role that may: not worth running here (they ask the other services).
NOT_RUN = {("GET", "/admin/system"), ("POST", "/admin/system/replay/{service}")}


def _walk(routes: Any, prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # a router included in another
            yield from _walk(route.original_router.routes, prefix + route.include_context.prefix)


def admin_routes() -> dict[tuple[str, str], APIRoute]:
    found: dict[tuple[str, str], APIRoute] = {}
    for module in ROUTER_MODULES:
        if module.__name__.rsplit(".", 1)[-1] in ACCOUNTS_MODULES:
            continue
        for path, route in _walk(module.router.routes):
            if path == "/admin" or path.startswith(("/admin/", "/api/admin/")):
                for method in route.methods - {"HEAD"}:
                    found[(method, path)] = route
    return found


def permissions_of(route: APIRoute) -> list[Permission]:
    found, stack = [], list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        permission = getattr(dependency.call, "permission", None)
        if isinstance(permission, Permission):
            found.append(permission)
        stack.extend(dependency.dependencies)
    return found


def test_every_orders_admin_route_names_the_tables_permission() -> None:
    routes = admin_routes()
    assert set(routes) == set(TABLE), set(routes) ^ set(TABLE)
    for key, route in routes.items():
        assert permissions_of(route) == [TABLE[key]], key


def filled(path: str, order_id: str) -> str:
    values = {
        "order_id": order_id,
        "quote_id": str(uuid.uuid4()),
        "coupon_id": str(uuid.uuid4()),
        "action": "validate",
        "service": "orders",
        "chart": "daily",
    }
    return path.format(**values)


def bearer_csrf() -> str:
    """The admin forms' token when the page is asked with a bearer (no cookie)."""
    return sign_value(SECRET_KEY, "admin-csrf", hash_token("bearer"))


async def ask(
    client: httpx.AsyncClient, method: str, path: str, headers: dict[str, str]
) -> httpx.Response:
    if path.startswith("/api/"):
        body: dict[str, Any] = {"json": {}} if method in ("POST", "PUT") else {}
        return await client.request(method, path, headers=headers, **body)
    data = {"data": {"csrf": bearer_csrf()}} if method == "POST" else {}
    return await client.request(method, path, headers=headers, **data)


@pytest.fixture
async def owned(catalog: list[Media], service: OrdersRoot) -> list[Media]:
    return await with_photographers(service, catalog)


async def place(client: httpx.AsyncClient, owned: list[Media]) -> str:
    response = await client.post("/api/orders", json=order_body(owned))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
async def order_id(client: httpx.AsyncClient, owned: list[Media]) -> str:
    return await place(client, owned)


async def test_each_role_gets_what_its_grants_say(
    client: httpx.AsyncClient, app: Any, order_id: str
) -> None:
    with as_people(app) as people:
        for (method, template), permission in TABLE.items():
            path = filled(template, order_id)
            for name, who in PEOPLE.items():
                allowed = who.can(permission)
                assert allowed == (permission in GRANTS[who.role])
                if allowed and (method, template) in NOT_RUN:
                    continue
                answer = await ask(client, method, path, people.bearer(name))
                said = f"{name} {method} {path}: {answer.status_code} {answer.text[:200]}"
                if allowed:
                    assert answer.status_code not in (401, 403), said
                    assert answer.headers.get("location") != "/admin/login", said
                else:
                    assert answer.status_code == 403, said
                    detail = answer.json()["detail"]
                    assert detail.startswith(f"your role ({who.role.value}) cannot"), said


async def test_nobody_signed_in_is_refused(client: httpx.AsyncClient, order_id: str) -> None:
    for method, template in TABLE:
        path = filled(template, order_id)
        answer = await ask(client, method, path, {})
        said = f"{method} {path}: {answer.status_code}"
        if path.startswith("/api/") or template.endswith("/state"):
            assert answer.status_code == 401, said
        else:
            assert answer.status_code == 303, said
            assert answer.headers["location"] == "/admin/login", said
        wrong = await ask(client, method, path, {"Authorization": "Bearer not-a-token"})
        assert wrong.status_code in (401, 303), said


async def test_the_history_names_the_person_and_the_page_offers_no_button_they_cannot_use(
    client: httpx.AsyncClient, app: Any, order_id: str, owned: list[Media]
) -> None:
    with as_people(app) as people:
        cancelled = await client.post(
            f"/api/admin/orders/{order_id}/cancel", headers=people.bearer("owner")
        )
        assert cancelled.status_code == 202, cancelled.text
        owner: Principal = PEOPLE["owner"]
        actors = [entry["actor"] for entry in cancelled.json()["history"]]
        assert actors[-1] == owner.label == "Olga Owner <olga@shop.example>"

    fresh = await place(client, owned)
    with as_people(app) as people:
        for name, buttons in (("owner", True), ("assistant", False), ("ana", False)):
            client.cookies.clear()
            client.cookies.update(people.cookie(name))
            page = await client.get(f"/admin/orders/{fresh}")
            assert page.status_code == 200, (name, page.text[:300])
            assert (f"/admin/orders/{fresh}/cancel" in page.text) is buttons, name
        client.cookies.clear()


async def test_a_long_name_is_kept_whole_in_the_history_and_cut_for_the_other_services(
    client: httpx.AsyncClient, app: Any, order_id: str, service: OrdersRoot
) -> None:
    long = Principal(uuid.uuid4(), "N" * 200, "o" * 60 + "@shop.example", Role.OWNER, "token")
    with as_people(app) as people:
        people.known.add_token("tok-long", long)
        paid = await client.post(
            f"/api/admin/orders/{order_id}/mark-paid", headers={"Authorization": "Bearer tok-long"}
        )
    assert paid.status_code == 202, paid.text
    assert paid.json()["history"][-1]["actor"] == long.label
    [command] = [
        row
        for row in await outbox_rows(service, uuid.UUID(order_id))
        if row["message_type"] == "payment.mark_paid"
    ]
    by = command["envelope"]["payload"]["requested_by"]
    assert len(by) == 200
    assert by.startswith("N" * 199)
