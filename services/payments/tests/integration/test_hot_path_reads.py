"""Issue 15: what a step has read, the next does not ask again (db.reads); the webhook's
lock and row in one round trip, still in the message path's lock order; a confirming event
recorded by the settlement's own statement, once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import event

from shop_payments.bootstrap import PaymentsRoot
from shop_payments.domain.model import PaymentMethod, PaymentRequest, ReceivedPayment
from shop_payments.domain.settings import PaymentSettings
from shop_payments.service.ports import EventRecord
from shop_payments.service.settle import settle

from .conftest import (
    BROWSER,
    confirmations,
    payment_rows,
    place,
    published,
    request_status,
    token,
    use_settings,
)
from .test_webhooks import checkout_completed, post_event


@contextmanager
def statements(root: PaymentsRoot) -> Iterator[list[str]]:
    """The statements the service runs meanwhile, and "COMMIT" for each commit."""
    seen: list[str] = []

    def count(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        seen.append(sql)

    def commit(_conn: object) -> None:
        seen.append("COMMIT")

    engine = root.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
        event.remove(engine, "commit", commit)


def new_request() -> PaymentRequest:
    return PaymentRequest.place(
        order_id=uuid.uuid4(),
        number="N-LOCK",
        amount=4500,
        currency="EUR",
        client_name="Ada Client",
        client_email="ada@example.com",
        manual_validation=False,
        now=datetime.now(UTC),
    )


async def test_the_payment_page_is_one_statement(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place(router)
    with statements(root) as seen:
        page = await client.get(
            f"/pay/{placed.order_id}?token={token(placed.order_id)}", headers=BROWSER
        )
    assert page.status_code == 200
    assert "Secure payment" in page.text
    # the request, its offline choice and the settings; outside a transaction (no COMMIT)
    assert len(seen) == 1, seen
    assert seen[0].startswith("SELECT r.*")


async def test_the_settings_are_read_once_per_transaction_and_kept_when_written(root) -> None:
    await use_settings(root, "sandbox")
    with statements(root) as seen:
        async with root.transaction() as repos:
            first = await repos.settings.get()
            again = await repos.settings.get()
            await repos.settings.put(PaymentSettings(None, "Bank transfer"))
            written = await repos.settings.get()
    assert first == again == PaymentSettings("sandbox")
    assert written == PaymentSettings(None, "Bank transfer")
    assert len(seen) == 3, seen  # one read, one write, the commit
    async with root.transaction() as repos:  # another transaction reads them anew
        assert await repos.settings.get() == PaymentSettings(None, "Bank transfer")


async def test_the_locked_read_waits_for_the_lock_and_sees_a_request_committed_meanwhile(
    root,
) -> None:
    """The request did not exist when the webhook's statement began (order.placed was
    committing it under the order's lock): it is read again once the lock is held."""
    request = new_request()

    async def webhook() -> PaymentRequest | None:
        async with root.transaction() as repos:
            return await repos.requests.get_locked(request.order_id)

    async with root.transaction() as placing:
        await placing.requests.lock_order(request.order_id)
        assert (await placing.requests.add(request)).added
        waiting = asyncio.create_task(webhook())
        await asyncio.sleep(0.3)
        assert not waiting.done()  # held by the order's lock
    found = await asyncio.wait_for(waiting, 5)
    assert found is not None
    assert found.order_id == request.order_id


async def test_the_locked_read_holds_the_order_lock(root) -> None:
    request = new_request()
    async with root.transaction() as placing:
        await placing.requests.lock_order(request.order_id)
        await placing.requests.add(request)

    async def other_lock_taker() -> None:
        async with root.transaction() as repos:
            await repos.requests.lock_order(request.order_id)

    async with root.transaction() as repos:
        assert await repos.requests.get_locked(request.order_id) is not None
        other = asyncio.create_task(other_lock_taker())
        await asyncio.sleep(0.3)
        assert not other.done()
    await asyncio.wait_for(other, 5)


async def test_a_settlement_carrying_an_event_seen_before_writes_nothing(root, router) -> None:
    placed = await place(router)
    async with root.transaction() as repos:
        assert await repos.events.claim("evt_seen_before", "stripe", "checkout.session.completed")
    received = ReceivedPayment(PaymentMethod.CARD, "stripe", "pi_x", 4500, "EUR", datetime.now(UTC))
    record = EventRecord(
        "evt_seen_before", "stripe", "checkout.session.completed", placed.order_id, "confirmed"
    )
    async with root.transaction() as repos:
        request = await repos.requests.get_locked(placed.order_id)
        assert request is not None
        assert await settle(repos, request, received, event=record) is None
    assert await request_status(root, placed.order_id) == "open"
    assert await payment_rows(root, placed.order_id) == []
    assert await confirmations(root, placed.order_id) == []


def round_trips(seen: list[str]) -> tuple[int, int]:
    """(statements, commits), the relay's wake-up left out (NOTIFY: tests run no publisher)."""
    statements = [sql for sql in seen if sql != "COMMIT" and not sql.startswith("NOTIFY")]
    return len(statements), seen.count("COMMIT")


async def test_order_placed_and_its_card_payment_cost_what_the_budget_says(
    root, client, router
) -> None:
    """order.placed: inbox claim with the order's lock, the request (told, settings read
    beside it), the outbox. The webhook: the lock with the row, the settlement with its
    event, the outbox. One commit each."""
    await use_settings(root, "sandbox")
    with statements(root) as seen:
        placed = await place(router)
    assert round_trips(seen) == (3, 1), seen
    (payload,) = await published(root, placed.order_id, "payment.requested")
    assert payload["how"] == "card"
    with statements(root) as seen:
        answer = await post_event(root, client, checkout_completed(placed.order_id))
    assert answer.json()["outcome"] == "confirmed"
    assert round_trips(seen) == (3, 1), seen
