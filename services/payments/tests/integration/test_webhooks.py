"""POST /webhooks/stripe: signature, once per event, one confirmation per order."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

from shop_payments.webhooks.signature import sign_payload

from .conftest import (
    cancel,
    confirmations,
    event_rows,
    mark_paid,
    payment_rows,
    place,
    request_status,
)


def checkout_completed(
    order_id: uuid.UUID | str,
    *,
    amount: int = 4500,
    currency: str = "eur",
    event_id: str | None = None,
    event_type: str = "checkout.session.completed",
) -> dict[str, object]:
    return {
        "id": event_id or f"evt_test_{uuid.uuid4().hex}",
        "object": "event",
        "type": event_type,
        "data": {
            "object": {
                "id": f"cs_test_{uuid.uuid4().hex}",
                "object": "checkout.session",
                "client_reference_id": str(order_id),
                "amount_total": amount,
                "currency": currency,
                "payment_status": "paid",
                "payment_intent": "pi_test_123",
            }
        },
    }


async def post_event(
    root, client, event: dict[str, object], *, timestamp: int | None = None, secret=None
):
    body = json.dumps(event)
    header = sign_payload(
        body, secret or root.settings.webhook_secret, timestamp or int(time.time())
    )
    return await client.post(
        "/webhooks/stripe",
        content=body,
        headers={"Stripe-Signature": header, "Content-Type": "application/json"},
    )


async def nothing_written(root, order_id: uuid.UUID, event_id: str) -> bool:
    return (
        await confirmations(root, order_id) == []
        and await payment_rows(root, order_id) == []
        and await event_rows(root, event_id) == []
    )


async def test_paid_checkout_confirms_the_payment(root, client, router) -> None:
    placed = await place(router)
    response = await post_event(root, client, checkout_completed(placed.order_id))
    assert response.status_code == 200
    assert response.json()["outcome"] == "confirmed"
    found = await confirmations(root, placed.order_id)
    assert len(found) == 1
    assert (found[0]["method"], found[0]["processor"]) == ("card", "stripe")
    assert await request_status(root, placed.order_id) == "paid"


async def test_duplicate_event_is_processed_once(root, client, router) -> None:
    placed = await place(router)
    event = checkout_completed(placed.order_id)
    assert (await post_event(root, client, event)).status_code == 200
    again = await post_event(root, client, event)
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate"}
    assert len(await confirmations(root, placed.order_id)) == 1


async def test_the_confirming_event_is_recorded_with_its_outcome(root, client, router) -> None:
    """Recorded by the settlement's own statement (issue 15): its type, order and outcome."""
    placed = await place(router)
    event = checkout_completed(placed.order_id)
    assert (await post_event(root, client, event)).json()["outcome"] == "confirmed"
    (row,) = await event_rows(root, str(event["id"]))
    assert (row["processor"], row["type"]) == ("stripe", "checkout.session.completed")
    assert (row["order_id"], row["outcome"]) == (placed.order_id, "confirmed")


async def test_one_event_delivered_twice_at_once_confirms_once(root, client, router) -> None:
    for _ in range(5):
        placed = await place(router)
        event = checkout_completed(placed.order_id)
        answers = await asyncio.gather(*(post_event(root, client, event) for _ in range(2)))
        assert sorted(answer.json()["status"] for answer in answers) == ["duplicate", "processed"]
        assert len(await confirmations(root, placed.order_id)) == 1
        assert [p["disposition"] for p in await payment_rows(root, placed.order_id)] == [
            "confirmed"
        ]
        assert len(await event_rows(root, str(event["id"]))) == 1


async def test_bad_missing_or_old_signature_is_400_and_writes_nothing(root, client, router) -> None:
    placed = await place(router)
    event = checkout_completed(placed.order_id)
    wrong = await post_event(root, client, event, secret="whsec_wrong")
    assert wrong.status_code == 400
    assert "Stripe-Signature" in wrong.json()["detail"]
    missing = await client.post("/webhooks/stripe", content=json.dumps(event))
    assert missing.status_code == 400
    assert "missing Stripe-Signature" in missing.json()["detail"]
    old = await post_event(root, client, event, timestamp=int(time.time()) - 301)
    assert old.status_code == 400
    assert "tolerance" in old.json()["detail"]
    body = json.dumps(event)
    tampered = await client.post(
        "/webhooks/stripe",
        content=body.replace("4500", "1"),
        headers={
            "Stripe-Signature": sign_payload(body, root.settings.webhook_secret, int(time.time()))
        },
    )
    assert tampered.status_code == 400
    assert await nothing_written(root, placed.order_id, str(event["id"]))


async def test_unknown_order_is_400_and_writes_nothing(root, client) -> None:
    order_id = uuid.uuid4()
    event = checkout_completed(order_id)
    response = await post_event(root, client, event)
    assert response.status_code == 400
    assert "unknown order" in response.json()["detail"]
    assert await nothing_written(root, order_id, str(event["id"]))
    garbage = checkout_completed("not-a-uuid")
    assert (await post_event(root, client, garbage)).status_code == 400


async def test_amount_or_currency_mismatch_is_400_and_writes_nothing(root, client, router) -> None:
    placed = await place(router)
    for event, problem in (
        (checkout_completed(placed.order_id, amount=100), "amount mismatch"),
        (checkout_completed(placed.order_id, currency="usd"), "currency mismatch"),
    ):
        response = await post_event(root, client, event)
        assert response.status_code == 400
        assert problem in response.json()["detail"]
        assert await nothing_written(root, placed.order_id, str(event["id"]))
    assert await request_status(root, placed.order_id) == "open"


async def test_payment_after_cancellation_is_kept_for_refund(root, client, router) -> None:
    placed = await place(router)
    await cancel(router, placed.order_id)
    event = checkout_completed(placed.order_id)
    response = await post_event(root, client, event)
    assert response.status_code == 200
    assert response.json()["outcome"] == "received_after_cancellation"
    # orders hears of the money (to offer it back), flagged so that nothing is delivered
    [confirmed] = await confirmations(root, placed.order_id)
    assert confirmed["refund_due"] is True
    [payment] = await payment_rows(root, placed.order_id)
    assert payment["disposition"] == "refund_due"
    assert (await event_rows(root, str(event["id"])))[0]["outcome"] == (
        "received_after_cancellation"
    )


async def test_a_cancellation_that_arrives_after_the_card_payment_owes_it_back(
    root, client, router
) -> None:
    """The order was cancelled in orders, but the card payment reached payments first."""
    placed = await place(router)
    response = await post_event(root, client, checkout_completed(placed.order_id))
    assert response.json()["outcome"] == "confirmed"
    await cancel(router, placed.order_id)
    assert await request_status(root, placed.order_id) == "cancelled"
    [payment] = await payment_rows(root, placed.order_id)
    assert payment["disposition"] == "refund_due"


async def test_webhook_then_mark_paid_confirms_once(root, client, router) -> None:
    placed = await place(router)
    assert (await post_event(root, client, checkout_completed(placed.order_id))).status_code == 200
    await mark_paid(router, placed.order_id)
    assert len(await confirmations(root, placed.order_id)) == 1
    assert len(await payment_rows(root, placed.order_id)) == 1


async def test_mark_paid_then_webhook_confirms_once(root, client, router) -> None:
    placed = await place(router)
    await mark_paid(router, placed.order_id)
    event = checkout_completed(placed.order_id)
    response = await post_event(root, client, event)
    assert response.status_code == 200
    assert response.json()["outcome"] == "already_paid"
    found = await confirmations(root, placed.order_id)
    assert [f["method"] for f in found] == ["offline"]
    dispositions = sorted(p["disposition"] for p in await payment_rows(root, placed.order_id))
    assert dispositions == ["confirmed", "refund_due"]  # the card money is to be refunded


async def test_concurrent_webhook_and_mark_paid_confirm_once(root, client, router) -> None:
    for _ in range(5):
        placed = await place(router)
        webhook, _ = await asyncio.gather(
            post_event(root, client, checkout_completed(placed.order_id)),
            mark_paid(router, placed.order_id),
        )
        assert webhook.status_code == 200
        assert len(await confirmations(root, placed.order_id)) == 1


async def test_other_event_types_are_recorded_and_ignored(root, client, router) -> None:
    placed = await place(router)
    event = checkout_completed(placed.order_id, event_type="checkout.session.expired")
    response = await post_event(root, client, event)
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"
    assert (await event_rows(root, str(event["id"])))[0]["type"] == "checkout.session.expired"
    assert await confirmations(root, placed.order_id) == []
    assert await request_status(root, placed.order_id) == "open"
