"""A card checkout calls its processor outside any transaction: the payment request's row is
locked only to decide (and count the attempt) and then to record the session. So a slow
processor holds no lock, a double click gets a usable checkout for each click (the later one
recorded), and a cancellation that lands during the call is a clear 409, not a redirect."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from shop_contracts.common import ClientContact
from shop_contracts.events import OrderCancelled
from shop_payments.bootstrap import PaymentsRoot, bootstrap
from shop_payments.domain.model import PaymentRequest
from shop_payments.domain.settings import PaymentSettings
from shop_payments.service.ports import CheckoutRedirect
from shop_payments.service.settings import current_settings

from .conftest import ADMIN_SESSIONS, PUBLIC, make_settings, place, send, token

WAIT_S = 5  # a processor call waiting on a lock would wait for ever: fail instead

Hook = Callable[[PaymentRequest], Awaitable[None]]


async def nothing(_: PaymentRequest) -> None:
    return None


@dataclass
class SlowProcessor:
    """A card processor ("stripe") that runs `during`, records what it sees of the database,
    then runs `before_answering` and answers."""

    root: PaymentsRoot  # the test's main root: its own connections, to look from outside
    during: Hook = nothing
    before_answering: Hook = nothing
    name: str = "stripe"

    def __post_init__(self) -> None:
        self.keys: list[str] = []
        self.open_transactions: list[int] = []
        self.row_locked: list[bool] = []
        self._looking = asyncio.Lock()

    async def create_checkout(
        self, request: PaymentRequest, success_url: str, cancel_url: str
    ) -> CheckoutRedirect:
        self.keys.append(request.checkout_key)
        await asyncio.wait_for(self.during(request), WAIT_S)
        async with self._looking:
            self.open_transactions.append(await self._open_transactions())
            self.row_locked.append(await self._row_locked(request.order_id))
        await asyncio.wait_for(self.before_answering(request), WAIT_S)
        key = request.checkout_key
        return CheckoutRedirect(f"cs_slow_{key}", f"https://processor.test/{key}")

    async def _open_transactions(self) -> int:
        """Other connections to the test database inside a transaction."""
        async with self.root.sessions() as session:
            found = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
                )
            )
        return int(found or 0)

    async def _row_locked(self, order_id: uuid.UUID) -> bool:
        async with self.root.sessions.begin() as session:
            locked = await session.execute(
                text("SELECT 1 FROM payment_requests WHERE order_id = :id FOR UPDATE SKIP LOCKED"),
                {"id": order_id},
            )
            return locked.first() is None


@dataclass(frozen=True)
class SlowShop:
    processor: SlowProcessor
    app: FastAPI


@pytest.fixture
async def slow(root: PaymentsRoot, database_url: str) -> AsyncIterator[SlowShop]:
    """A root whose Stripe is the slow processor, Stripe chosen in the settings (put back)."""
    processor = SlowProcessor(root)
    shop = bootstrap(make_settings(database_url), stripe_processor=processor)
    async with root.transaction() as repos:
        before = await current_settings(repos, root.policy)
        await repos.settings.put(PaymentSettings("stripe", None))
    try:
        yield SlowShop(processor, shop.http_app(admin_sessions=ADMIN_SESSIONS))
    finally:
        async with root.transaction() as repos:
            await repos.settings.put(before)
        await shop.aclose()


async def post_checkout(
    shop: SlowShop, order_id: uuid.UUID, accept: str = "application/json"
) -> httpx.Response:
    transport = httpx.ASGITransport(app=shop.app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        return await client.post(
            f"/pay/{order_id}/checkout?token={token(order_id)}", headers={"Accept": accept}
        )


async def stored_request(root: PaymentsRoot, order_id: uuid.UUID) -> PaymentRequest:
    async with root.transaction() as repos:
        request = await repos.requests.get(order_id)
    assert request is not None
    return request


async def test_the_processor_is_called_with_no_lock_and_no_transaction(root, router, slow) -> None:
    placed = await place(router)
    response = await post_checkout(slow, placed.order_id)
    assert response.status_code == 303
    key = f"checkout-{placed.order_id}-1"
    assert response.headers["location"] == f"https://processor.test/{key}"
    assert slow.processor.keys == [key]
    assert slow.processor.open_transactions == [0]
    assert slow.processor.row_locked == [False]
    request = await stored_request(root, placed.order_id)
    assert (request.checkout_attempts, request.checkout_session_id) == (1, f"cs_slow_{key}")
    assert request.status.value == "open"


async def test_a_double_click_gets_two_usable_checkouts_and_records_the_later(
    root, router, slow
) -> None:
    placed = await place(router)
    inside, looked = asyncio.Barrier(2), asyncio.Barrier(2)

    async def both_inside(_: PaymentRequest) -> None:  # each call waits for the other
        await inside.wait()

    async def both_looked(_: PaymentRequest) -> None:  # neither answers before both looked
        await looked.wait()

    slow.processor.during, slow.processor.before_answering = both_inside, both_looked
    first, second = await asyncio.gather(
        post_checkout(slow, placed.order_id), post_checkout(slow, placed.order_id)
    )
    keys = {f"checkout-{placed.order_id}-{attempt}" for attempt in (1, 2)}
    assert set(slow.processor.keys) == keys
    assert [first.status_code, second.status_code] == [303, 303]
    assert {first.headers["location"], second.headers["location"]} == {
        f"https://processor.test/{key}" for key in keys
    }
    assert slow.processor.open_transactions == [0, 0]
    assert slow.processor.row_locked == [False, False]
    request = await stored_request(root, placed.order_id)
    assert request.checkout_attempts == 2
    assert request.checkout_session_id == f"cs_slow_checkout-{placed.order_id}-2"
    assert request.status.value == "open"


async def test_a_cancellation_during_the_call_is_a_409_not_a_redirect(root, router, slow) -> None:
    placed = await place(router)
    client = ClientContact(name="Ada", email="ada@example.com")
    cancelled = OrderCancelled(order_id=placed.order_id, number=placed.number, client=client)

    async def cancel(_: PaymentRequest) -> None:  # takes the order's locks: none is held
        assert await send(router, cancelled, placed.order_id)

    slow.processor.during = cancel
    response = await post_checkout(slow, placed.order_id)
    assert response.status_code == 409
    assert response.json() == {
        "error": "conflict",
        "detail": f"order {placed.number} is cancelled",
    }
    request = await stored_request(root, placed.order_id)
    assert request.status.value == "cancelled"
    assert (request.checkout_attempts, request.checkout_session_id) == (1, None)

    slow.processor.during = nothing
    browser = await post_checkout(slow, placed.order_id, accept="text/html")
    assert browser.status_code == 409
    assert "Payment not possible" in browser.text
    assert slow.processor.keys == [f"checkout-{placed.order_id}-1"]  # cancelled: no new call
