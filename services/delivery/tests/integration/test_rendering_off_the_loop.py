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

# A transaction that loaded a delivery to deliver it (FOR UPDATE) and is still open.
DELIVERIES_LOCKED_FOR_UPDATE = text(
    "SELECT count(*) FROM pg_locks AS l JOIN pg_class AS c ON c.oid = l.relation"
    " WHERE c.relname = 'deliveries' AND l.mode = 'RowShareLock' AND l.pid <> pg_backend_pid()"
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


async def test_gallery_files_grants_and_replaced_files_render_outside_transactions(
    client, shop, root
) -> None:
    from shop_contracts.events import MediaFileReplaced

    from .test_free_downloads import granted
    from .test_galleries import gallery_line, member, offered

    seen: list[int] = []

    async def render(executor, src, dest, spec):
        async with root.engine.connect() as conn:
            seen.append((await conn.execute(OPEN_TRANSACTIONS)).scalar_one())
        return await saved(executor, src, dest, spec)

    saved = root.renderer.render
    gallery_id, order_id = uuid.uuid4(), uuid.uuid4()
    first, second = shop.copy_media(shop.BIG), shop.copy_media(shop.SMALL)
    await shop.send(offered(gallery_id, 1, member(first), member(second)))
    await shop.send(shop.placed(order_id, gallery_line(gallery_id)))
    grant = granted(member(shop.copy_media(shop.BIG)))
    with render_with(root, render):
        await shop.send(shop.paid(order_id))
        assert seen == [0, 0]  # the gallery's two files, before the transaction
        await shop.send(grant, grant.envelope(correlation_id=grant.grant_id))
        assert seen == [0, 0, 0]
        links = await shop.links(client, order_id)
        replaced = MediaFileReplaced(media_id=uuid.uuid4(), media_key=first, revision=2)
        await shop.send(replaced)
        for url in links.values():
            assert (await client.get(url)).status_code == 200
        assert seen == [0, 0, 0, 0]  # the replaced one, rendered again between transactions

    assert await shop.status(order_id) == "delivered"
    assert await shop.status(grant.grant_id) == "delivered"


async def test_an_early_payment_replayed_by_order_placed_renders_outside_its_transaction(
    shop, root
) -> None:
    seen: list[int] = []

    async def render(executor, src, dest, spec):
        async with root.engine.connect() as conn:
            seen.append((await conn.execute(OPEN_TRANSACTIONS)).scalar_one())
        return await saved(executor, src, dest, spec)

    saved = root.renderer.render
    order_id = uuid.uuid4()
    key = shop.copy_media(shop.BIG)
    await shop.send(shop.paid(order_id))  # kept until order.placed
    with render_with(root, render):
        await shop.send(shop.placed(order_id, shop.line(key, "Web", shop.WEB)))

    assert seen == [0]  # the transaction rolled back, rendered, then handled again
    assert await shop.status(order_id) == "delivered"
    assert len(await shop.outbox(order_id, "delivery.completed")) == 1


async def test_a_batch_needing_a_render_is_rendered_outside_then_applied(shop, root) -> None:
    seen: list[int] = []

    async def render(executor, src, dest, spec):  # the other message may be in its own
        async with root.engine.connect() as conn:
            seen.append((await conn.execute(DELIVERIES_LOCKED_FOR_UPDATE)).scalar_one())
        return await saved(executor, src, dest, spec)

    saved = root.renderer.render
    order_id, other = uuid.uuid4(), uuid.uuid4()
    await shop.send(shop.placed(order_id, shop.line(shop.copy_media(shop.BIG), "Web", shop.WEB)))
    failures = root.router.batch_failures
    with render_with(root, render):
        applied = await asyncio.gather(
            shop.send(shop.paid(order_id)), shop.send(shop.placed(other))
        )

    assert applied == [True, True]
    assert root.router.batch_failures == failures + 1  # rolled back, each applied alone
    assert seen == [0]  # no transaction had loaded the paid delivery (FOR UPDATE)
    assert await shop.status(order_id) == "delivered"
    assert await shop.status(other) == "awaiting_trigger"
