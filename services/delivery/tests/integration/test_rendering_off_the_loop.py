"""Issue 4, performance: rendering holds no transaction and blocks neither consumption
nor downloads."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import text

OPEN_TRANSACTIONS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')"
)


@contextmanager
def render_with(root, render: Any) -> Iterator[None]:
    renderer = root.renderer
    saved = renderer.render
    renderer.render = render
    try:
        yield
    finally:
        renderer.render = saved


async def test_no_transaction_is_open_while_rendering(shop, root) -> None:
    seen: list[int] = []

    async def render(executor, src, dest, spec):
        async with root.engine.connect() as conn:
            seen.append((await conn.execute(OPEN_TRANSACTIONS)).scalar_one())
        return await saved(executor, src, dest, spec)

    saved = root.renderer.render
    order_id = uuid.uuid4()
    key = shop.copy_media(shop.BIG)
    await shop.send(shop.placed(order_id, shop.line(key, "Web", shop.WEB)))
    with render_with(root, render):
        await shop.send(shop.paid(order_id))

    assert seen == [0]  # rendered once, before the message's transaction opened
    assert await shop.status(order_id) == "delivered"


async def test_a_slow_render_blocks_neither_downloads_nor_other_messages(
    client, shop, root
) -> None:
    ready_id, _ = await shop.delivered_order(shop.line(shop.SMALL, "Web", shop.WEB))
    [url] = (await shop.links(client, ready_id)).values()
    started = asyncio.Event()
    saved = root.renderer.render
    loop = asyncio.get_running_loop()

    async def slow_render(executor, src, dest, spec):
        loop.call_soon_threadsafe(started.set)
        await loop.run_in_executor(executor, time.sleep, 1.5)  # in the pool, like libvips
        return await saved(executor, src, dest, spec)

    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id, shop.line(shop.copy_media(shop.BIG), "Web", shop.WEB)))
    with render_with(root, slow_render):
        delivering = asyncio.create_task(shop.send(shop.paid(order_id)))
        await started.wait()
        began = time.monotonic()
        download = await client.get(url)
        other = uuid.uuid4()
        await shop.send(shop.placed(other))
        elapsed = time.monotonic() - began
        assert not delivering.done()
        await delivering

    assert download.status_code == 200
    assert await shop.status(other) == "awaiting_trigger"
    assert elapsed < 1.0
    assert await shop.status(order_id) == "delivered"
