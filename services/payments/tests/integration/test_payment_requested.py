"""payment.requested: when the client's payment request opens (on order.placed without manual
validation, on order.validated with it), the client is to be told how to pay, once, through
the outbox of the transaction that opened it (notifications emails them on it)."""

from __future__ import annotations

import uuid

from shop_contracts import OrderValidated

from .conftest import (
    PUBLIC,
    cancel,
    envelope_of,
    order_placed,
    place,
    published,
    send,
    token,
    use_settings,
)

REQUESTED = "payment.requested"


def validated(order_id: uuid.UUID, payment_url: str) -> OrderValidated:
    return OrderValidated(
        order_id=order_id,
        number="N-1",
        client={"name": "Ada Client", "email": "ada@example.com"},  # type: ignore[arg-type]
        total=4500,
        currency="EUR",
        payment_url=payment_url,
    )


async def requested(root, order_id: uuid.UUID) -> list[dict[str, object]]:
    return await published(root, order_id, REQUESTED)


async def test_placing_with_a_card_processor_requests_a_card_payment(root, router) -> None:
    await use_settings(root, "sandbox", "Bank transfer to FR76")
    placed = await place(router, total=4500)
    (payload,) = await requested(root, placed.order_id)
    assert payload == {
        "order_id": str(placed.order_id),
        "number": placed.number,
        "client": {"name": "Ada Client", "email": "ada@example.com"},
        "lines": [{"media_title": "Sunrise", "license_name": "Web", "price": 4500}],
        "total": 4500,
        "currency": "EUR",
        "payment_url": placed.payment_url,
        "subtotal": None,  # an order without figures: subtotal = total
        "discount": 0,
        "tax": 0,
        "how": "card",
        "instructions": None,
    }


async def test_without_a_processor_the_instructions_or_contact(root, router) -> None:
    await use_settings(root, None, "Bank transfer to FR76 3000")
    by_transfer = await place(router)
    await use_settings(root, None, None)
    by_contact = await place(router)
    (transfer,) = await requested(root, by_transfer.order_id)
    assert (transfer["how"], transfer["instructions"]) == (
        "instructions",
        "Bank transfer to FR76 3000",
    )
    (contact,) = await requested(root, by_contact.order_id)
    assert (contact["how"], contact["instructions"]) == ("contact", None)


async def test_a_redelivered_or_repeated_order_placed_requests_once(root, router) -> None:
    await use_settings(root, "sandbox")
    placed = order_placed()
    envelope = envelope_of(placed, placed.order_id)
    assert await router.handle(envelope, placed)
    assert not await router.handle(envelope, placed)  # redelivered: the inbox skips it
    assert await router.handle(envelope_of(placed, placed.order_id), placed)  # sent again
    assert len(await requested(root, placed.order_id)) == 1


async def test_manual_validation_requests_on_validation_once(root, router) -> None:
    await use_settings(root, None, "Bank transfer to FR76")
    placed = await place(router, manual_validation=True)
    assert await requested(root, placed.order_id) == []
    url = f"{PUBLIC}/pay/{placed.order_id}?token={token(placed.order_id)}&from=validated"
    message = validated(placed.order_id, url)
    envelope = envelope_of(message, placed.order_id)
    assert await router.handle(envelope, message)
    assert not await router.handle(envelope, message)  # redelivered
    await send(router, validated(placed.order_id, url), placed.order_id)  # validated again
    (payload,) = await requested(root, placed.order_id)
    assert payload["payment_url"] == url
    assert payload["how"] == "instructions"
    # the lines came with order.placed: order.validated does not carry them
    assert payload["lines"] == [{"media_title": "Sunrise", "license_name": "Web", "price": 4500}]


async def test_a_validation_kept_before_its_order_requests_once(root, router) -> None:
    await use_settings(root, "sandbox")
    placed = order_placed(manual_validation=True)
    url = placed.payment_url
    assert await send(router, validated(placed.order_id, url), placed.order_id)  # kept
    assert await router.handle(envelope_of(placed, placed.order_id), placed)
    (payload,) = await requested(root, placed.order_id)
    assert payload["how"] == "card"


async def test_an_order_cancelled_before_it_arrived_is_not_offered(root, router) -> None:
    await use_settings(root, "sandbox")
    placed = order_placed()
    assert await cancel(router, placed.order_id)  # kept until order.placed
    assert await router.handle(envelope_of(placed, placed.order_id), placed)
    assert await requested(root, placed.order_id) == []
