"""How many statements the hot paths send (docs/performance.md), and that no request hops to
FastAPI's thread pool (a plain `def` dependency or route would)."""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import event

from shop_contracts.events import PaymentFailed
from shop_orders.api.app import ROUTER_MODULES
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import deliver, handle, order_body, pay
from .pricing import Shelf, body, coupon, empty_pricing_tables, shelf, tax

__all__ = ["empty_pricing_tables", "shelf"]


@pytest.fixture
def statements(service: OrdersRoot) -> Iterator[list[str]]:
    """The SQL the service sends, minus the messaging library's own inbox, outbox and NOTIFY
    statements (an inbox claim riding on a statement of the service's is kept: one round
    trip)."""
    seen: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        if any(word in statement for word in ("outbox", "NOTIFY")):
            return
        if "inbox" in statement and not re.search(r"\borders\b", statement):
            return
        seen.append(statement)

    engine = service.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def tables(statements: list[str]) -> list[str]:
    """What each statement reads or writes first (its first table), to say them in order."""
    found = []
    for statement in statements:
        words = re.findall(r"(?:FROM|INTO|UPDATE|JOIN)\s+([a-z_]+)", statement)
        found.append(words[0] if words else statement.split()[0])
    return found


async def test_placing_an_order_is_four_statements(
    client: httpx.AsyncClient, catalog: list[Media], statements: list[str]
) -> None:
    await client.post("/api/orders", json=order_body(catalog))  # the settings row exists
    statements.clear()
    response = await client.post(
        "/api/orders", json=order_body(catalog), headers={"Idempotency-Key": "k1"}
    )
    assert response.status_code == 201
    # the catalog for all items; the tax settings (none saved) with the information fields
    # (one); the settings with a number and the shop's currency (one); the order, lines and
    # history
    assert tables(statements) == ["unnest", "tax_settings", "shop_settings", "orders"], statements
    statements.clear()
    placed = response.json()
    order = await client.get(
        f"/api/orders/{placed['id']}", headers={"X-Order-Token": placed["access_token"]}
    )
    assert order.status_code == 200
    assert len(statements) == 1, statements  # the order joined with its lines


async def test_placing_with_tax_and_a_coupon_adds_three(
    client: httpx.AsyncClient,
    shelf: Shelf,
    admin_headers: dict[str, str],
    statements: list[str],
) -> None:
    await tax(client, admin_headers, [{"country": "FR", "rate": "20"}])
    await coupon(client, admin_headers, code="TEN", percent_off=10)
    await client.post("/api/orders", json=body([shelf.rf(0)]))  # the settings row exists
    statements.clear()
    response = await client.post("/api/orders", json=body([shelf.rf(1)], coupon="TEN"))
    assert response.status_code == 201, response.text
    # + the coupon by its code and the use taken (the counter and its row); the tax rates come
    # with the tax settings
    found = tables(statements)
    assert found[:5] == ["unnest", "coupons", "tax_settings", "shop_settings", "orders"], statements
    assert sorted(found[5:]) == ["coupon_uses", "coupons"], statements


async def test_a_quote_reads_and_writes_nothing(
    client: httpx.AsyncClient, shelf: Shelf, statements: list[str]
) -> None:
    await client.post("/api/orders", json=body([shelf.rf(0)]))  # the settings row exists
    statements.clear()
    quote = await client.post("/api/orders/quote", json={"items": [shelf.rf(1)]})
    assert quote.status_code == 200, quote.text
    # the catalog; the tax settings; the currency (fields are checked only when given)
    assert tables(statements) == ["unnest", "tax_settings", "shop_settings"], statements


async def test_every_outcome_is_one_statement(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot, statements: list[str]
) -> None:
    placed = await client.post("/api/orders", json=order_body(catalog))
    order_id = uuid.UUID(placed.json()["id"])
    failed = PaymentFailed(order_id=order_id, reason="declined")
    statements.clear()
    await pay(service, order_id)
    # the payment is one statement, which claims the message too (its inbox row); issuing the
    # invoice (service/invoices.py, in the same transaction) is the rest: none of them changes
    # the order's statuses again
    assert "rules AS (" in statements[0]
    assert "INSERT INTO inbox" in statements[0], "the claim rides on the payment's statement"
    assert not any("rules AS (" in statement for statement in statements[1:]), statements
    assert all("invoice" in s or s.lstrip().startswith("SELECT") for s in statements[1:])
    steps: list[Callable[[], Any]] = [
        lambda: pay(service, order_id, "offline"),  # already paid: a no-op, still one
        lambda: deliver(service, order_id),
        lambda: handle(service, failed.envelope(correlation_id=order_id)),
    ]
    for step in steps:
        statements.clear()
        await step()
        assert len(statements) == 1, statements


async def test_an_admin_command_loads_the_order_once(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
    statements: list[str],
) -> None:
    order_id = (await client.post("/api/orders", json=order_body(catalog))).json()["id"]
    statements.clear()
    response = await client.post(f"/api/admin/orders/{order_id}/mark-paid", headers=admin_headers)
    assert response.status_code == 202
    # the order locked with its lines, its update with its history entry (one), the history
    # to answer
    assert len(statements) == 3, statements


async def test_cancelling_an_order_with_a_coupon_gives_its_use_back_in_one_more(
    client: httpx.AsyncClient,
    shelf: Shelf,
    admin_headers: dict[str, str],
    statements: list[str],
) -> None:
    await coupon(client, admin_headers, code="TEN", percent_off=10)
    plain = (await client.post("/api/orders", json=body([shelf.rf(0)]))).json()["id"]
    with_coupon = (await client.post("/api/orders", json=body([shelf.rf(1)], coupon="TEN"))).json()
    statements.clear()
    assert (
        await client.post(f"/api/admin/orders/{plain}/cancel", headers=admin_headers)
    ).is_success
    assert len(statements) == 3, statements  # as any command: no coupon, no give-back
    statements.clear()
    cancel = await client.post(
        f"/api/admin/orders/{with_coupon['id']}/cancel", headers=admin_headers
    )
    assert cancel.is_success
    # the order locked, its update with its history, the use given back (one statement), the
    # history to answer
    assert len(statements) == 4, statements
    assert tables(statements)[2] == "coupon_uses", statements


def _sync_calls(dependant: Dependant) -> Iterator[str]:
    for sub in dependant.dependencies:
        yield from _sync_calls(sub)
    call = dependant.call
    if call is None or inspect.iscoroutinefunction(call):
        return
    if not inspect.isfunction(call) and inspect.iscoroutinefunction(type(call).__call__):
        return  # an instance with an `async def __call__`, such as HTTPBearer
    yield getattr(call, "__qualname__", repr(call))


def test_no_route_or_dependency_runs_in_the_thread_pool() -> None:
    routes = [r for m in ROUTER_MODULES for r in m.router.routes if isinstance(r, APIRoute)]
    assert {"/api/orders", "/api/orders/{order_id}", "/api/admin/orders/{order_id}/mark-paid"} <= {
        r.path for r in routes
    }
    sync = {f"{r.path}: {name}" for r in routes for name in _sync_calls(r.dependant)}
    assert not sync
