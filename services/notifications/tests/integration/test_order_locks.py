"""A batch (a transaction holding an order's lock) waits for another order's lock only
briefly: two batches locking the same orders in opposite orders fail fast, and are replayed
one message at a time, instead of stalling the consumer for PostgreSQL's deadlock_timeout."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from sqlalchemy.exc import DBAPIError

from shop_notifications.consumers.handlers import CONSUMER
from shop_notifications.db.order_locks import lock_message_order

from .conftest import MakeService


async def test_a_batch_waits_briefly_for_a_second_order_a_message_alone_waits(
    make_service: MakeService,
) -> None:
    service = make_service()
    first, second = uuid.uuid4(), uuid.uuid4()
    holding = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with service.sessions.begin() as session:
            await lock_message_order(session, CONSUMER, second)
            holding.set()
            await release.wait()

    async def batch() -> None:  # first's lock, then second's, in one transaction
        async with service.sessions.begin() as session:
            await lock_message_order(session, CONSUMER, first)
            await lock_message_order(session, CONSUMER, first)  # held already: no wait
            await lock_message_order(session, CONSUMER, second)

    held = asyncio.create_task(holder())
    await holding.wait()
    started = time.monotonic()
    with pytest.raises(DBAPIError, match="lock timeout"):
        await batch()
    assert time.monotonic() - started < 0.9, "well before deadlock_timeout (1 s)"

    async def alone() -> None:
        async with service.sessions.begin() as session:
            await lock_message_order(session, CONSUMER, second)

    waiting = asyncio.create_task(alone())
    await asyncio.sleep(0.3)  # past the batch's bound: a message alone keeps waiting
    assert not waiting.done()
    release.set()
    await held
    await asyncio.wait_for(waiting, 5)
    await service.aclose()
