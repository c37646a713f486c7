"""The media the unfinished orders use, from the consumed messages: each message one
statement with its inbox claim (issue 15); a duplicate changes nothing, alone or in a batch."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from shop_catalog.bootstrap import CatalogRoot
from shop_contracts.common import ClientContact
from shop_contracts.events import DeliveryCompleted, OrderCancelled

from .. import media_factories as files

CLIENT = ClientContact(name="Ada Client", email="ada@example.com")


def delivered(order_id: uuid.UUID) -> DeliveryCompleted:
    return DeliveryCompleted(
        order_id=order_id,
        number="n",
        client=CLIENT,
        downloads_url="https://d.example/x",
        files=[],
        forced=False,
        delivered_at=datetime.now(UTC),
    )


async def using(query: Any, order_id: uuid.UUID) -> set[uuid.UUID]:
    rows = await query("SELECT media_id FROM media_usage WHERE order_id = :id", id=order_id)
    return {row["media_id"] for row in rows}


async def finished(query: Any, order_id: uuid.UUID) -> int:
    rows = await query(
        "SELECT count(*) AS n FROM finished_orders WHERE order_id = :id", id=order_id
    )
    return int(rows[0]["n"])


async def test_placed_then_delivered_and_their_duplicates(root: CatalogRoot, query: Any) -> None:
    order_id, first, second = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    placed = files.order_placed(order_id, first, second, first)
    envelope = placed.envelope(correlation_id=order_id)
    assert await root.router.handle(envelope, placed)
    assert await using(query, order_id) == {first, second}
    assert not await root.router.handle(envelope, placed)  # a duplicate: nothing changes
    assert await using(query, order_id) == {first, second}

    done = delivered(order_id)
    done_envelope = done.envelope(correlation_id=order_id)
    assert await root.router.handle(done_envelope, done)
    assert await using(query, order_id) == set()
    assert await finished(query, order_id) == 1
    assert not await root.router.handle(done_envelope, done)

    late = files.order_placed(order_id, first)  # published again after it was delivered
    assert await root.router.handle(late.envelope(correlation_id=order_id), late)
    assert await using(query, order_id) == set()


async def test_a_batch_applies_each_message_once(root: CatalogRoot, query: Any) -> None:
    ordered, cancelled_id, media_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    placed = files.order_placed(ordered, media_id)
    cancelled_placed = files.order_placed(cancelled_id, media_id)
    cancelled = OrderCancelled(order_id=cancelled_id, number="n", client=CLIENT)
    messages = [
        (placed.envelope(correlation_id=ordered), placed),
        (cancelled.envelope(correlation_id=cancelled_id), cancelled),
        (cancelled_placed.envelope(correlation_id=cancelled_id), cancelled_placed),
    ]
    batches = root.router.batches
    applied = await asyncio.gather(*(root.router.handle(e, p) for e, p in messages))
    assert applied == [True, True, True]
    assert root.router.batches == batches + 1  # one transaction, the claims set-based
    assert await using(query, ordered) == {media_id}
    assert await using(query, cancelled_id) == set()  # cancelled first: placed adds nothing

    again = await asyncio.gather(*(root.router.handle(e, p) for e, p in messages))
    assert again == [False, False, False]
    assert await using(query, ordered) == {media_id}


async def test_placed_and_finished_at_the_same_instant_leave_the_media_free(
    root: CatalogRoot, query: Any
) -> None:
    """order.placed and its delivery.completed applied at once (two replicas): each runs in a
    snapshot without the other's rows, so the placed one's usage outlives the finish; the
    media is free all the same (an admin may delete it)."""
    order_id, media_id = uuid.uuid4(), uuid.uuid4()
    async with root.transaction() as placing:
        await placing.usage.record(order_id, [media_id])  # not committed yet
        async with root.transaction() as finishing:
            await finishing.usage.finish(order_id)  # commits first, sees no usage to free
    assert await using(query, order_id) == {media_id}, "the race's leftover row"
    assert await finished(query, order_id) == 1
    async with root.transaction() as repos:
        assert await repos.usage.unfinished_orders_using(media_id) == 0
