"""The consumer on the real database: order events and the mark-paid command."""

from __future__ import annotations

import uuid

from shop_contracts import MarkOrderPaid, OrderCancelled, OrderValidated

from .conftest import (
    confirmations,
    envelope_of,
    payment_rows,
    place,
    request_status,
    send,
)


def mark_paid(order_id: uuid.UUID, amount: int = 4500) -> MarkOrderPaid:
    return MarkOrderPaid(order_id=order_id, amount=amount, currency="EUR")


def cancelled(order_id: uuid.UUID) -> OrderCancelled:
    return OrderCancelled(
        order_id=order_id,
        number="N-1",
        client={"name": "Ada", "email": "ada@example.com"},  # type: ignore[arg-type]
    )


def validated(order_id: uuid.UUID) -> OrderValidated:
    return OrderValidated(
        order_id=order_id,
        number="N-1",
        client={"name": "Ada", "email": "ada@example.com"},  # type: ignore[arg-type]
        total=4500,
        currency="EUR",
        payment_url="http://payments.test/pay/x",
    )


async def test_order_placed_opens_a_request(root, router) -> None:
    placed = await place(router)
    assert await request_status(root, placed.order_id) == "open"


async def test_manual_validation_waits_then_opens(root, router) -> None:
    placed = await place(router, manual_validation=True)
    assert await request_status(root, placed.order_id) == "awaiting_validation"
    await send(router, validated(placed.order_id), placed.order_id)
    assert await request_status(root, placed.order_id) == "open"


async def test_mark_paid_confirms_once_offline(root, router) -> None:
    placed = await place(router)
    command = mark_paid(placed.order_id)
    envelope = envelope_of(command, placed.order_id)
    assert await router.handle(envelope, command)
    assert not await router.handle(envelope, command)  # the same message again: inbox
    await send(router, mark_paid(placed.order_id), placed.order_id)  # a second command
    found = await confirmations(root, placed.order_id)
    assert len(found) == 1
    assert found[0]["method"] == "offline"
    assert found[0]["amount"] == 4500
    assert await request_status(root, placed.order_id) == "paid"
    assert len(await payment_rows(root, placed.order_id)) == 1


async def test_mark_paid_before_order_placed_is_kept_and_applied(root, router) -> None:
    order_id = uuid.uuid4()
    assert await send(router, mark_paid(order_id), order_id)
    assert await request_status(root, order_id) is None
    assert await confirmations(root, order_id) == []
    await place(router, order_id=order_id)
    assert await request_status(root, order_id) == "paid"
    assert len(await confirmations(root, order_id)) == 1


async def test_mark_paid_while_awaiting_validation_confirms(root, router) -> None:
    placed = await place(router, manual_validation=True)
    await send(router, mark_paid(placed.order_id), placed.order_id)
    assert await request_status(root, placed.order_id) == "paid"
    assert len(await confirmations(root, placed.order_id)) == 1


async def test_cancelled_order_is_not_paid_by_a_later_mark_paid(root, router) -> None:
    placed = await place(router)
    await send(router, cancelled(placed.order_id), placed.order_id)
    assert await request_status(root, placed.order_id) == "cancelled"
    await send(router, mark_paid(placed.order_id), placed.order_id)
    assert await request_status(root, placed.order_id) == "cancelled"
    assert await confirmations(root, placed.order_id) == []
    assert await payment_rows(root, placed.order_id) == []


async def test_cancel_and_validate_before_placed_are_applied_in_order(root, router) -> None:
    order_id = uuid.uuid4()
    await send(router, validated(order_id), order_id)
    await send(router, cancelled(order_id), order_id)
    await place(router, order_id=order_id, manual_validation=True)
    assert await request_status(root, order_id) == "cancelled"


async def test_a_cancellation_after_the_payment_owes_the_money_back(root, router) -> None:
    """Orders accepted the cancellation before it heard of the payment (mark paid is
    confirmed by payments, asynchronously): the order ends cancelled, so the money received
    is owed back, not kept as the order's payment."""
    placed = await place(router)
    await send(router, mark_paid(placed.order_id), placed.order_id)
    await send(router, cancelled(placed.order_id), placed.order_id)
    assert await request_status(root, placed.order_id) == "cancelled"
    [payment] = await payment_rows(root, placed.order_id)
    assert payment["disposition"] == "refund_due"
