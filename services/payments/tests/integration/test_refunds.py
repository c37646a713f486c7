"""Refunds (issue 13): RefundPayment recorded by the consumer, asked of the processor by the
refund worker (the sandbox here, which sends its signed charge.refunded to the webhook like
Stripe), and the processor's refund events (the shop's own matched, dashboard ones new)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from shop_contracts.commands import RefundPayment
from shop_payments.db.refunds import refunds as refunds_table
from shop_payments.db.refunds import sandbox_refunds

from .conftest import cancel, event_rows, mark_paid, payment_rows, place, published, send
from .test_webhooks import post_event

pytestmark = pytest.mark.timeout(60)


async def paid_by_sandbox(root, router, total: int = 4500):
    """An order paid through the sandbox's checkout (its signed event to the webhook)."""
    placed = await place(router, total=total)
    async with root.transaction() as repos:
        request = await repos.requests.get(placed.order_id)
    redirect = await root.sandbox.create_checkout(request, "http://x/ok", "http://x/cancel")
    session = await root.sandbox.session(redirect.session_id)
    await root.sandbox.pay(session, datetime.now(UTC))
    assert len(await published(root, placed.order_id, "payment.confirmed")) == 1
    return placed


async def ask(router, order_id: uuid.UUID, amount: int | None = None, **kwargs) -> RefundPayment:
    command = RefundPayment(
        order_id=order_id,
        refund_id=kwargs.pop("refund_id", None) or uuid.uuid4(),
        amount=amount,
        **kwargs,
    )
    assert await send(router, command, order_id)
    return command


async def work(root) -> int:
    """Run the refund worker until nothing is pending."""
    total = 0
    while claimed := await root.workers["refunds"].run_once():
        total += claimed
    return total


async def refunded(root, order_id: uuid.UUID) -> list[dict[str, object]]:
    """In the order they were made (each one's refunded_total counts the ones before)."""
    events = await published(root, order_id, "payment.refunded")
    return sorted(events, key=lambda event: int(str(event["refunded_total"])))


async def failed(root, order_id: uuid.UUID) -> list[dict[str, object]]:
    return await published(root, order_id, "payment.refund_failed")


async def refund_rows(root, order_id: uuid.UUID) -> list[dict[str, object]]:
    async with root.sessions() as session:
        rows = await session.execute(
            select(refunds_table)
            .where(refunds_table.c.order_id == order_id)
            .order_by(refunds_table.c.created_at)
        )
        return [dict(row._mapping) for row in rows]


async def test_full_refund_through_the_sandbox_is_published_once(root, router) -> None:
    placed = await paid_by_sandbox(root, router)
    command = await ask(router, placed.order_id, reason="client changed their mind")
    assert await refunded(root, placed.order_id) == []  # nothing asked in the consumer
    assert await work(root) == 1

    (event,) = await refunded(root, placed.order_id)
    assert event["refund_id"] == str(command.refund_id)
    assert (event["amount"], event["currency"], event["refunded_total"]) == (4500, "EUR", 4500)
    assert event["full"] is True
    assert event["origin"] == "shop"
    assert event["processor"] == "sandbox"
    assert str(event["processor_refund_id"]).startswith("re_sandbox_")
    assert event["by_hand"] is False
    assert event["reason"] == "client changed their mind"
    assert event["number"] == placed.number
    assert event["client"] == {"name": "Ada Client", "email": "ada@example.com"}
    (row,) = await refund_rows(root, placed.order_id)
    assert row["status"] == "succeeded"
    assert row["claimed_until"] is None
    # The sandbox's charge.refunded reached the webhook during the call: recorded, matched.
    async with root.sessions() as session:
        made = (await session.execute(select(sandbox_refunds))).all()
    assert any(r.refund_id == command.refund_id for r in made)
    assert await failed(root, placed.order_id) == []


async def test_partial_refunds_then_the_rest(root, router) -> None:
    placed = await paid_by_sandbox(root, router)
    line = uuid.uuid4()
    await ask(router, placed.order_id, 1000, line_ids=[line])
    await work(root)
    await ask(router, placed.order_id, 500)
    await work(root)
    first, second = await refunded(root, placed.order_id)
    assert (first["amount"], first["refunded_total"], first["full"]) == (1000, 1000, False)
    assert first["line_ids"] == [str(line)]
    assert (second["amount"], second["refunded_total"], second["full"]) == (500, 1500, False)

    await ask(router, placed.order_id)  # None: all that is left
    await work(root)
    *_, rest = await refunded(root, placed.order_id)
    assert (rest["amount"], rest["refunded_total"], rest["full"]) == (3000, 4500, True)
    assert len(await refunded(root, placed.order_id)) == 3


async def test_over_refund_is_refused_naming_it(root, router) -> None:
    placed = await paid_by_sandbox(root, router)
    await ask(router, placed.order_id, 4000)
    await work(root)
    command = await ask(router, placed.order_id, 600)
    assert await work(root) == 0  # refused by the consumer: nothing to ask
    (refusal,) = await failed(root, placed.order_id)
    assert refusal["refund_id"] == str(command.refund_id)
    assert refusal["amount"] == 600
    assert "exceeds what is left to refund" in str(refusal["reason"])
    assert "500" in str(refusal["reason"])
    assert len(await refunded(root, placed.order_id)) == 1


async def test_nothing_paid_is_refused(root, router) -> None:
    placed = await place(router)
    await ask(router, placed.order_id)
    (refusal,) = await failed(root, placed.order_id)
    assert "nothing was paid" in str(refusal["reason"])


async def test_a_refund_before_order_placed_waits_for_it(root, router) -> None:
    order_id = uuid.uuid4()
    await ask(router, order_id, 1000, by_hand=True)
    assert await refunded(root, order_id) == []
    assert await failed(root, order_id) == []
    placed = await place(router, order_id=order_id)  # replays it: nothing paid yet
    (refusal,) = await failed(root, placed.order_id)
    assert "nothing was paid" in str(refusal["reason"])


async def test_the_processor_refusing_is_a_refund_failed(root, router) -> None:
    """The sandbox refuses beyond what is left (as Stripe does): RefundFailed, nothing
    refunded, the refund recorded failed."""
    placed = await paid_by_sandbox(root, router)
    async with root.transaction() as repos:
        (payment,) = await repos.payments.list(placed.order_id)
    poster = root.sandbox.poster
    root.sandbox.poster = lost_webhook  # a dashboard refund whose event has not come yet
    try:
        await root.sandbox.refund(payment, 4000, uuid.uuid4())
    finally:
        root.sandbox.poster = poster
    command = await ask(router, placed.order_id, 1000)
    await work(root)
    (refusal,) = await failed(root, placed.order_id)
    assert refusal["refund_id"] == str(command.refund_id)
    assert refusal["amount"] == 1000
    assert "the refund of 1000 exceeds what is left of the payment" in str(refusal["reason"])
    (row,) = await refund_rows(root, placed.order_id)
    assert (row["status"], row["origin"]) == ("failed", "shop")
    assert await refunded(root, placed.order_id) == []


async def lost_webhook(url, body, headers):
    from shop_payments.webhooks.poster import WebhookReply

    return WebhookReply(503, "away")


async def test_redelivered_command_refunds_once(root, router) -> None:
    placed = await paid_by_sandbox(root, router)
    command = await ask(router, placed.order_id, 1200)
    again = RefundPayment(**command.model_dump())  # the same refund id, a new message
    assert await send(router, again, placed.order_id)
    await work(root)
    assert await send(router, again, placed.order_id)
    await work(root)
    (event,) = await refunded(root, placed.order_id)
    assert event["amount"] == 1200
    assert len(await refund_rows(root, placed.order_id)) == 1
    async with root.sessions() as session:
        made = (
            await session.execute(
                select(sandbox_refunds).where(sandbox_refunds.c.refund_id == command.refund_id)
            )
        ).all()
    assert len(made) == 1


async def test_worker_crash_after_the_call_asks_again_once(root, router) -> None:
    """The processor refunded, the worker died before recording it: asked again (same
    idempotency key: the sandbox answers the same refund), published once."""
    placed = await paid_by_sandbox(root, router)
    command = await ask(router, placed.order_id, 700)
    worker = root.workers["refunds"]
    (claimed,) = await worker.claim(lease_s=60, limit=10)
    assert claimed == command.refund_id
    await worker.process(claimed)  # ...and no settle: a crash
    await worker.give_back([claimed])  # its lease ran out
    await work(root)
    (event,) = await refunded(root, placed.order_id)
    assert event["amount"] == 700
    async with root.sessions() as session:
        made = (
            await session.execute(
                select(sandbox_refunds).where(sandbox_refunds.c.refund_id == command.refund_id)
            )
        ).all()
    assert len(made) == 1


async def test_the_sandbox_event_arriving_again_publishes_nothing_more(
    root, client, router
) -> None:
    """The processor's event for a refund the shop made, after the shop recorded it (a
    redelivery, or Stripe's own event coming late): matched by its processor refund id."""
    placed = await paid_by_sandbox(root, router)
    await ask(router, placed.order_id, 2000)
    await work(root)
    (row,) = await refund_rows(root, placed.order_id)
    (payment,) = await payment_rows(root, placed.order_id)
    pi = str(payment["processor_reference"])
    late = charge_refunded(str(row["processor_refund_id"]), 2000, pi=pi)
    assert (await post_event(root, client, late)).status_code == 200
    updated = refund_updated(str(row["processor_refund_id"]), 2000, pi)
    assert (await post_event(root, client, updated)).status_code == 200
    assert len(await refunded(root, placed.order_id)) == 1
    assert len(await refund_rows(root, placed.order_id)) == 1


async def test_a_pending_stripe_refund_completes_with_its_event(root, client, router) -> None:
    """Stripe may answer a refund "pending": its refund.updated (succeeded) completes it,
    once; a failed one is a RefundFailed."""
    placed = await paid_by_sandbox(root, router)
    (payment,) = await payment_rows(root, placed.order_id)
    pi = str(payment["processor_reference"])
    worker = root.workers["refunds"]
    answers = iter(["re_pending_1", "re_pending_2"])

    class Pending:
        name = "sandbox"

        async def refund(self, payment, amount, refund_id):
            from shop_payments.service.ports import ProcessorRefund

            return ProcessorRefund(next(answers), "pending")

    registry = worker.processors
    worker.processors = type(registry)(sandbox=Pending())
    try:
        ok = await ask(router, placed.order_id, 1000)
        await work(root)
        ko = await ask(router, placed.order_id, 300)
        await work(root)
    finally:
        worker.processors = registry
    assert await refunded(root, placed.order_id) == []
    statuses = {row["refund_id"]: row["status"] for row in await refund_rows(root, placed.order_id)}
    assert statuses == {ok.refund_id: "submitted", ko.refund_id: "submitted"}

    assert (await post_event(root, client, refund_updated("re_pending_1", 1000, pi))).is_success
    assert (await post_event(root, client, refund_updated("re_pending_1", 1000, pi))).is_success
    failing = refund_updated("re_pending_2", 300, pi, status="failed")
    assert (await post_event(root, client, failing)).is_success
    (event,) = await refunded(root, placed.order_id)
    assert (event["refund_id"], event["amount"]) == (str(ok.refund_id), 1000)
    (refusal,) = await failed(root, placed.order_id)
    assert refusal["refund_id"] == str(ko.refund_id)


def charge_refunded(
    processor_refund_id: str, amount: int, *, refund_id=None, pi: str, total: int = 4500
) -> dict:
    metadata = {"refund_id": str(refund_id)} if refund_id else {}
    return {
        "id": f"evt_test_{uuid.uuid4().hex}",
        "object": "event",
        "type": "charge.refunded",
        "data": {
            "object": {
                "id": f"ch_test_{uuid.uuid4().hex}",
                "object": "charge",
                "amount": total,
                "amount_refunded": amount,
                "currency": "eur",
                "payment_intent": pi,
                "refunds": {
                    "object": "list",
                    "data": [
                        {
                            "id": processor_refund_id,
                            "object": "refund",
                            "amount": amount,
                            "currency": "eur",
                            "payment_intent": pi,
                            "status": "succeeded",
                            "metadata": metadata,
                        }
                    ],
                },
            }
        },
    }


def refund_updated(processor_refund_id: str, amount: int, pi: str, status="succeeded") -> dict:
    return {
        "id": f"evt_test_{uuid.uuid4().hex}",
        "object": "event",
        "type": "refund.updated",
        "data": {
            "object": {
                "id": processor_refund_id,
                "object": "refund",
                "amount": amount,
                "currency": "eur",
                "payment_intent": pi,
                "status": status,
                "metadata": {},
            }
        },
    }


async def test_dashboard_refund_is_one_payment_refunded_of_origin_processor(
    root, client, router
) -> None:
    placed = await paid_by_sandbox(root, router)
    (payment,) = await payment_rows(root, placed.order_id)
    pi = str(payment["processor_reference"])
    event = charge_refunded("re_dashboard_1", 1500, pi=pi)
    assert (await post_event(root, client, event)).status_code == 200
    assert (await post_event(root, client, event)).status_code == 200  # delivered again
    # Stripe's refund.updated for the same refund, and a charge.refunded without its list
    assert (await post_event(root, client, refund_updated("re_dashboard_1", 1500, pi))).is_success
    bare = charge_refunded("re_x", 1500, pi=pi)
    del bare["data"]["object"]["refunds"]
    assert (await post_event(root, client, bare)).status_code == 200

    (refund,) = await refunded(root, placed.order_id)
    assert refund["origin"] == "processor"
    assert (refund["amount"], refund["refunded_total"], refund["full"]) == (1500, 1500, False)
    assert refund["processor_refund_id"] == "re_dashboard_1"
    assert refund["processor"] == "stripe"
    # What the shop can still refund counts it.
    await ask(router, placed.order_id)
    await work(root)
    *_, rest = await refunded(root, placed.order_id)
    assert (rest["amount"], rest["refunded_total"], rest["full"]) == (3000, 4500, True)


async def test_dashboard_refund_known_only_by_the_charge_total(root, client, router) -> None:
    placed = await paid_by_sandbox(root, router)
    (payment,) = await payment_rows(root, placed.order_id)
    pi = str(payment["processor_reference"])
    bare = charge_refunded("re_y", 800, pi=pi)
    del bare["data"]["object"]["refunds"]
    assert (await post_event(root, client, bare)).status_code == 200
    # Its refund.updated later, with its id: the same refund, not a second one.
    assert (await post_event(root, client, refund_updated("re_total_1", 800, pi))).is_success
    (refund,) = await refunded(root, placed.order_id)
    assert (refund["amount"], refund["origin"]) == (800, "processor")
    (row,) = await refund_rows(root, placed.order_id)
    assert row["processor_refund_id"] == "re_total_1"


async def test_refund_event_for_an_unknown_payment_is_refused_and_retried(root, client) -> None:
    """Like a paid checkout about an unknown order: 400, nothing written; the processor
    sends it again (its payment's event may be late)."""
    event = charge_refunded("re_nobody", 100, pi="pi_nobody")
    reply = await post_event(root, client, event)
    assert reply.status_code == 400
    assert "unknown payment" in reply.text
    assert await event_rows(root, str(event["id"])) == []


async def test_offline_payment_refunded_by_hand(root, router) -> None:
    placed = await place(router)
    assert await mark_paid(router, placed.order_id)
    command = await ask(router, placed.order_id, 2000, by_hand=True, requested_by="admin")
    assert await work(root) == 0  # nothing to ask of a processor
    (event,) = await refunded(root, placed.order_id)
    assert event["refund_id"] == str(command.refund_id)
    assert (event["amount"], event["by_hand"], event["processor"]) == (2000, True, None)
    assert event["processor_refund_id"] is None
    assert (event["refunded_total"], event["full"]) == (2000, False)
    # An offline payment is refunded by hand even when not said so.
    await ask(router, placed.order_id)
    *_, rest = await refunded(root, placed.order_id)
    assert (rest["amount"], rest["by_hand"], rest["full"]) == (2500, True, True)


async def test_refund_due_payment_is_refunded_in_full(root, router) -> None:
    """A card payment that arrived after the cancellation (refund due): refunded the same
    way, the full amount."""
    placed = await place(router)
    assert await cancel(router, placed.order_id)
    async with root.transaction() as repos:
        request = await repos.requests.get(placed.order_id)
    # The client paid in a checkout opened before the cancellation.
    from shop_payments.domain.model import RequestStatus

    request.status = RequestStatus.OPEN
    redirect = await root.sandbox.create_checkout(request, "http://x/ok", "http://x/cancel")
    session = await root.sandbox.session(redirect.session_id)
    await root.sandbox.pay(session, datetime.now(UTC))
    (payment,) = await payment_rows(root, placed.order_id)
    assert payment["disposition"] == "refund_due"

    await ask(router, placed.order_id)
    await work(root)
    (event,) = await refunded(root, placed.order_id)
    assert (event["amount"], event["full"], event["processor"]) == (4500, True, "sandbox")
