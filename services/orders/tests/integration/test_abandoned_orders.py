"""Abandoned orders (issue 13) on PostgreSQL: the two delays in the settings (API and page),
the worker on the shared leased loop reminding once and cancelling like the admin (coupon use
given back, OrderCancelled), across two workers and across a restart between claim and
settle. The worker's clock is moved forward instead of waiting days."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import httpx
from sqlalchemy import text

from shop_contracts.events import OrderCancelled, OrderPaymentReminder
from shop_kernel.unit_of_work import SqlTransaction
from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.abandoned import SqlAbandonedClaims, abandoned_unit
from shop_orders.db.unit_of_work import repositories
from shop_orders.domain.abandoned import AbandonAction
from shop_orders.domain.catalog import Media
from shop_orders.service.abandoned import AbandonedOrdersWorker, AbandonedPolicy

from .helpers import history_details, order_body, outbox_rows, pay
from .pricing import coupon, coupon_uses, empty_pricing_tables, refused_field
from .test_pages import csrf_of, login, note_of

__all__ = ["empty_pricing_tables"]

DAY = timedelta(days=1)


def worker(
    service: OrdersRoot,
    at: timedelta = timedelta(0),
    *,
    batch_size: int = 20,
    clock: Callable[[], datetime] | None = None,
) -> AbandonedOrdersWorker:
    """A worker as the root builds it, its clock `at` ahead of the real one."""
    repos = partial(
        repositories,
        default_seller_email=service.settings.seller_email,
        default_currency=service.settings.currency,
    )
    return AbandonedOrdersWorker(
        SqlTransaction(service.sessions, partial(abandoned_unit, repositories=repos)),
        SqlAbandonedClaims(service.engine),
        service.links,
        AbandonedPolicy(batch_size=batch_size),
        clock=clock or (lambda: datetime.now(UTC) + at),
    )


async def set_delays(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    remind: int | None,
    cancel: int | None,
) -> httpx.Response:
    body = {
        "manual_validation": False,
        "seller_email": "seller@example.com",
        "remind_unpaid_after_days": remind,
        "cancel_unpaid_after_days": cancel,
    }
    return await client.put("/api/admin/settings", json=body, headers=admin_headers)


async def place(client: httpx.AsyncClient, catalog: list[Media], **extra: Any) -> uuid.UUID:
    response = await client.post("/api/orders", json=order_body(catalog, **extra))
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


async def messages(service: OrdersRoot, message_type: str) -> list[dict[str, Any]]:
    rows = await outbox_rows(service)
    return [r["envelope"]["payload"] for r in rows if r["message_type"] == message_type]


async def reminders(service: OrdersRoot) -> list[OrderPaymentReminder]:
    return [
        OrderPaymentReminder.model_validate(p)
        for p in await messages(service, "order.payment_reminder")
    ]


async def order_json(
    client: httpx.AsyncClient, admin_headers: dict[str, str], order_id: uuid.UUID
) -> dict[str, Any]:
    response = await client.get(f"/api/admin/orders/{order_id}", headers=admin_headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def drain(*workers: AbandonedOrdersWorker) -> int:
    """Run the workers side by side until none claims anything; how many claims in all."""
    total = 0
    while claimed := sum(await asyncio.gather(*(w.run_once() for w in workers))):
        total += claimed
    return total


# The settings ------------------------------------------------------------------------------


async def test_the_delays_are_off_by_default_set_kept_when_left_out_and_turned_off_with_null(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    got = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    assert (got["remind_unpaid_after_days"], got["cancel_unpaid_after_days"]) == (None, None)
    put = await set_delays(client, admin_headers, 3, 10)
    assert put.status_code == 200, put.text
    assert (put.json()["remind_unpaid_after_days"], put.json()["cancel_unpaid_after_days"]) == (
        3,
        10,
    )
    kept = await client.put(
        "/api/admin/settings",
        json={"manual_validation": False, "seller_email": "seller@example.com"},
        headers=admin_headers,
    )
    assert (kept.json()["remind_unpaid_after_days"], kept.json()["cancel_unpaid_after_days"]) == (
        3,
        10,
    )
    off = await set_delays(client, admin_headers, None, 10)
    assert off.status_code == 200
    got = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    assert (got["remind_unpaid_after_days"], got["cancel_unpaid_after_days"]) == (None, 10)


async def test_refused_delays_are_422s_naming_the_field_and_nothing_is_saved(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    assert (await set_delays(client, admin_headers, 3, 10)).status_code == 200
    for remind, cancel, field in (
        (0, None, "remind_unpaid_after_days"),
        (366, None, "remind_unpaid_after_days"),
        (None, 0, "cancel_unpaid_after_days"),
        (5, 400, "cancel_unpaid_after_days"),
        (5, 5, "cancel_unpaid_after_days"),  # the cancellation after the reminder
        (7, 2, "cancel_unpaid_after_days"),
    ):
        refused = await set_delays(client, admin_headers, remind, cancel)
        assert refused.status_code == 422, (remind, cancel)
        assert field in refused.text, (remind, cancel, refused.text)
    base = {"manual_validation": False, "seller_email": "seller@example.com"}
    for extra, field in (
        ({"remind_unpaid_after_days": 12}, "remind_unpaid_after_days"),  # after the kept 10
        ({"cancel_unpaid_after_days": 2}, "cancel_unpaid_after_days"),  # before the kept 3
        ({"remind_unpaid_after_days": True}, "remind_unpaid_after_days"),
        ({"cancel_unpaid_after_days": "soon"}, "cancel_unpaid_after_days"),
    ):
        refused = await client.put(
            "/api/admin/settings", json={**base, **extra}, headers=admin_headers
        )
        assert refused.status_code == 422, extra
        assert field in refused.text, (extra, refused.text)
    kept = await set_delays(client, admin_headers, None, None)  # nothing above was saved...
    assert kept.status_code == 200
    single = await client.put(
        "/api/admin/settings",
        json={**base, "cancel_unpaid_after_days": 2},
        headers=admin_headers,
    )
    assert single.status_code == 200, "...and a cancellation alone needs no reminder"
    status, field, message = refused_field(
        await client.put(
            "/api/admin/settings",
            json={**base, "remind_unpaid_after_days": 2},
            headers=admin_headers,
        )
    )
    assert (status, field) == (422, "remind_unpaid_after_days")
    assert "less than the cancellation delay (2 days)" in message


async def test_the_settings_page_sets_the_delays_with_a_sentence_next_to_a_refused_one(
    client: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    await login(client)
    page = (await client.get("/admin/settings")).text
    assert 'name="remind_unpaid_after_days"' in page
    assert 'name="cancel_unpaid_after_days"' in page
    form = {
        "seller_email": "seller@example.com",
        "shop_name": "Studio",
        "currency": "EUR",
        "csrf": csrf_of(page),
        "remind_unpaid_after_days": "4",
        "cancel_unpaid_after_days": "4",
    }
    refused = await client.post("/admin/settings", data=form)
    assert refused.status_code == 422
    assert "more than the reminder delay (4 days)" in note_of(
        refused.text, "cancel_unpaid_after_days"
    )
    assert "Value error" not in refused.text
    assert 'value="4"' in refused.text, "what was typed is kept"
    wrong = await client.post("/admin/settings", data={**form, "remind_unpaid_after_days": "x"})
    assert wrong.status_code == 422
    assert "as a number" in note_of(wrong.text, "remind_unpaid_after_days")
    saved = await client.post("/admin/settings", data={**form, "cancel_unpaid_after_days": "14"})
    assert saved.status_code == 303
    current = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    assert (current["remind_unpaid_after_days"], current["cancel_unpaid_after_days"]) == (4, 14)
    assert 'value="14"' in (await client.get("/admin/settings")).text
    cleared = await client.post(
        "/admin/settings",
        data={**form, "remind_unpaid_after_days": "", "cancel_unpaid_after_days": ""},
    )
    assert cleared.status_code == 303
    current = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    assert (current["remind_unpaid_after_days"], current["cancel_unpaid_after_days"]) == (
        None,
        None,
    )


# The worker --------------------------------------------------------------------------------


async def test_a_due_order_is_reminded_once_with_its_payment_link_and_cancel_date(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    await set_delays(client, admin_headers, 3, 10)
    order_id = await place(client, catalog)
    placed = await order_json(client, admin_headers, order_id)
    assert await worker(service, 2 * DAY).run_once() == 0, "not due yet"
    assert await reminders(service) == []
    due = worker(service, 3 * DAY + timedelta(minutes=1))
    assert await due.run_once() == 1
    assert await due.run_once() == 0, "reminded: not claimed again"
    assert await worker(service, 4 * DAY).run_once() == 0, "nor by another worker"
    [reminder] = await reminders(service)
    assert reminder.order_id == order_id
    assert reminder.number == placed["number"]
    assert reminder.client.email == "ada@example.com"
    assert reminder.payment_url == service.links.payment_url(order_id)
    assert (reminder.total, reminder.currency) == (placed["total"], placed["currency"])
    assert reminder.cancel_at is not None
    placed_at = datetime.fromisoformat(placed["created_at"])
    assert reminder.placed_at == placed_at
    # 10 days after it was placed, and 7 (10 - 3) after the reminder (sent a minute late)
    assert placed_at + 10 * DAY < reminder.cancel_at < placed_at + 10 * DAY + timedelta(minutes=2)
    assert "payment reminder sent to the client" in await history_details(service, order_id)
    assert due.done == {"remind": 1, "cancel": 0}
    order = await order_json(client, admin_headers, order_id)
    assert order["status"] == "awaiting_payment", "a reminder changes no status"
    async with service.engine.connect() as conn:
        lease = await conn.scalar(
            text("SELECT claimed_until FROM orders WHERE id = :id"), {"id": order_id}
        )
    assert lease is None, "the claim ended with the settle"


async def test_two_workers_side_by_side_remind_each_order_exactly_once(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    await set_delays(client, admin_headers, 2, None)
    placed = {await place(client, catalog) for _ in range(12)}
    first, second = (worker(service, 3 * DAY, batch_size=3) for _ in range(2))
    assert await drain(first, second) == 12  # SKIP LOCKED + the lease: each claimed once
    sent = [r.order_id for r in await reminders(service)]
    assert sorted(sent) == sorted(placed)
    shares = (first.done[AbandonAction.REMIND], second.done[AbandonAction.REMIND])
    assert sum(shares) == 12
    assert min(shares) > 0, "both took a share"
    assert await drain(first, second) == 0
    assert all(r.cancel_at is None for r in await reminders(service)), "no cancellation set"


async def test_an_unpaid_order_is_cancelled_like_the_admin_would_with_its_coupon_use_back(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    made = await coupon(client, admin_headers, code="ONCE", amount_off=500, max_uses=1)
    await set_delays(client, admin_headers, 3, 10)
    order_id = await place(client, catalog, coupon="ONCE")
    assert await coupon_uses(client, admin_headers, made["id"]) == 1
    assert await worker(service, 12 * DAY).run_once() == 1, "reminded first..."
    assert [r.order_id for r in await reminders(service)] == [order_id]
    # ...and the client has the 7 days the settings promise between the two: the reminder
    # went out at +12 days (late), the cancellation waits until +19.
    [reminder] = await reminders(service)
    assert reminder.cancel_at is not None
    assert 18 * DAY < reminder.cancel_at - datetime.now(UTC) < 20 * DAY
    assert await worker(service, 18 * DAY).run_once() == 0
    late = worker(service, 19 * DAY + timedelta(minutes=1))
    assert await late.run_once() == 1
    assert late.done == {"remind": 0, "cancel": 1}
    order = await order_json(client, admin_headers, order_id)
    assert order["status"] == "cancelled"
    assert "cancelled: unpaid after 10 days" in await history_details(service, order_id)
    [cancelled] = await messages(service, "order.cancelled")
    event = OrderCancelled.model_validate(cancelled)
    assert (event.order_id, event.reason) == (order_id, "unpaid after 10 days")
    async with service.engine.connect() as conn:
        actor = await conn.scalar(
            text("SELECT actor FROM order_history WHERE order_id = :id AND kind = 'cancelled'"),
            {"id": order_id},
        )
    assert actor == "system"
    assert await coupon_uses(client, admin_headers, made["id"]) == 0, "the use is given back"
    assert await late.run_once() == 0
    assert len(await messages(service, "order.cancelled")) == 1
    again = await client.post("/api/orders", json=order_body(catalog, coupon="ONCE"))
    assert again.status_code == 201, "another client may use the coupon again"


async def test_without_reminders_an_order_is_cancelled_after_the_delay(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    await set_delays(client, admin_headers, None, 5)
    order_id = await place(client, catalog)
    assert await worker(service, 4 * DAY).run_once() == 0
    assert await worker(service, 5 * DAY + timedelta(minutes=1)).run_once() == 1
    assert (await order_json(client, admin_headers, order_id))["status"] == "cancelled"
    assert await reminders(service) == []
    assert "cancelled: unpaid after 5 days" in await history_details(service, order_id)


async def test_paid_validating_and_cancelled_orders_are_never_touched(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    await set_delays(client, admin_headers, 1, 2)
    paid = await place(client, catalog)
    assert await pay(service, paid)
    cancelled = await place(client, catalog)
    gone = await client.post(f"/api/admin/orders/{cancelled}/cancel", headers=admin_headers)
    assert gone.status_code == 202
    manual = {"manual_validation": True, "seller_email": "seller@example.com"}
    assert (
        await client.put("/api/admin/settings", json=manual, headers=admin_headers)
    ).status_code == 200
    held = await place(client, catalog)
    before = {
        order_id: await history_details(service, order_id) for order_id in (paid, cancelled, held)
    }
    far = worker(service, 400 * DAY)
    assert await far.run_once() == 0
    assert await reminders(service) == []
    for order_id, history in before.items():
        assert await history_details(service, order_id) == history
    assert (await order_json(client, admin_headers, paid))["status"] == "paid"
    assert (await order_json(client, admin_headers, held))["status"] == "awaiting_validation"


async def test_a_validated_order_counts_its_days_from_the_validation(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    manual = {
        "manual_validation": True,
        "seller_email": "seller@example.com",
        "remind_unpaid_after_days": 3,
    }
    assert (
        await client.put("/api/admin/settings", json=manual, headers=admin_headers)
    ).status_code == 200
    order_id = await place(client, catalog)
    async with service.engine.begin() as conn:  # placed a month ago, validated now
        await conn.execute(
            text("UPDATE orders SET created_at = created_at - interval '30 days' WHERE id = :id"),
            {"id": order_id},
        )
    validated = await client.post(f"/api/admin/orders/{order_id}/validate", headers=admin_headers)
    assert validated.status_code == 202, validated.text
    assert await worker(service, 2 * DAY).run_once() == 0, "the payment page opened just now"
    assert await worker(service, 3 * DAY + timedelta(minutes=1)).run_once() == 1
    assert [r.order_id for r in await reminders(service)] == [order_id]


async def test_a_payment_arriving_after_the_claim_wins(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    await set_delays(client, admin_headers, None, 3)
    order_id = await place(client, catalog)
    claiming = worker(service, 4 * DAY)
    assert await claiming.claim(lease_s=60, limit=10) == [order_id]
    assert await pay(service, order_id)  # paid between the claim and the settle
    await claiming.settle([(order_id, order_id)])
    assert (await order_json(client, admin_headers, order_id))["status"] == "paid"
    assert claiming.done == {"remind": 0, "cancel": 0}
    assert await messages(service, "order.cancelled") == []


async def test_a_restart_between_claim_and_settle_reminds_once_after_the_lease(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    await set_delays(client, admin_headers, 2, None)
    order_id = await place(client, catalog)
    crashed = worker(service, 3 * DAY)
    # Claimed, then the process dies: no settle, no give-back; the lease holds the order.
    assert await crashed.claim(lease_s=60, limit=10) == [order_id]
    restarted = worker(service, 3 * DAY)
    assert await restarted.run_once() == 0, "another worker waits for the lease"
    assert await reminders(service) == []
    async with service.engine.begin() as conn:  # the lease ran out
        await conn.execute(
            text("UPDATE orders SET claimed_until = now() - interval '1 second' WHERE id = :id"),
            {"id": order_id},
        )
    assert await restarted.run_once() == 1, "picked up again after the lease"
    assert [r.order_id for r in await reminders(service)] == [order_id]
    # the dead worker's late settle (it was only slow) changes nothing: reminded once
    await crashed.settle([(order_id, order_id)])
    assert len(await reminders(service)) == 1
    assert crashed.done[AbandonAction.REMIND] == 0
    assert await restarted.run_once() == 0


async def test_a_stopping_worker_gives_its_claims_back_at_once(
    client: httpx.AsyncClient,
    admin_headers: dict[str, str],
    catalog: list[Media],
    service: OrdersRoot,
) -> None:
    await set_delays(client, admin_headers, 2, None)
    order_id = await place(client, catalog)
    stopping = worker(service, 3 * DAY)
    assert await stopping.claim(lease_s=60, limit=10) == [order_id]
    assert await stopping.give_back([order_id]) == 1
    other = worker(service, 3 * DAY)
    assert await other.run_once() == 1, "no lease to wait for"
    assert [r.order_id for r in await reminders(service)] == [order_id]


async def test_the_root_runs_the_worker_and_reports_it(service: OrdersRoot) -> None:
    assert isinstance(service.workers["abandoned_orders"], AbandonedOrdersWorker)
    started = worker(service)
    started.start()
    try:
        await asyncio.sleep(0.05)
        assert started.running
    finally:
        await started.stop()
    assert not started.running
