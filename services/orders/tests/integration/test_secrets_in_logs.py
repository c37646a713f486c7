"""Secrets never reach the logs nor the order's history: access tokens, the admin token,
the admin cookie and its CSRF token."""

from __future__ import annotations

import logging
import uuid

import httpx
import pytest
import structlog

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_platform.auth import ADMIN_COOKIE

from .conftest import ADMIN_TOKEN, SECRET_KEY
from .helpers import deliver, history_details, order_body, pay
from .test_pages import checkout_form, login


async def walk_the_shop(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot, admin: dict[str, str]
) -> tuple[dict[str, str], str]:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    await client.post("/checkout", data=checkout_form(catalog))
    await client.post("/checkout", data=checkout_form(catalog, email="bad"))
    token = placed["access_token"]
    await client.get(f"/api/orders/{placed['id']}", headers={"X-Order-Token": token})
    await client.get(f"/api/orders/{placed['id']}", headers={"X-Order-Token": "guess"})
    await client.get(f"/orders/{placed['id']}?token={token}")
    order_id = uuid.UUID(placed["id"])
    await client.post(f"/api/admin/orders/{order_id}/mark-paid", headers=admin)
    await pay(service, order_id)
    await deliver(service, order_id)
    await client.post(f"/api/admin/orders/{order_id}/reissue-links", headers=admin)
    await client.get("/api/admin/orders", headers={"Authorization": "Bearer wrong"})
    await client.post("/admin/login", data={"token": "wrong-guess"})
    csrf = await login(client)
    await client.post(f"/admin/orders/{order_id}/cancel", data={"csrf": csrf})
    await client.post(f"/admin/orders/{order_id}/cancel", data={"csrf": "forged"})
    return placed, csrf


async def test_no_secret_in_the_logs_or_the_history(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # the test's own HTTP client logs its URLs: not ours
    with structlog.testing.capture_logs() as events:
        placed, csrf = await walk_the_shop(client, catalog, service, admin_headers)
    ours = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = repr(events) + "\n".join(f"{r.name} {r.getMessage()} {r.args}" for r in ours)
    assert "order.placed" in logged, "the logs were captured"
    cookie = client.cookies.get(ADMIN_COOKIE)
    assert cookie
    secrets = {
        "access token": placed["access_token"],
        "admin token": ADMIN_TOKEN,
        "secret key": SECRET_KEY,
        "admin cookie": cookie,
        "csrf token": csrf,
        "wrong admin token": "wrong-guess",
    }
    for name, value in secrets.items():
        assert value not in logged, name
    history = " ".join(await history_details(service, uuid.UUID(placed["id"])))
    assert placed["access_token"] not in history
    assert "token=" not in history
