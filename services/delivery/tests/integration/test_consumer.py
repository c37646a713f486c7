"""The delivery consumer against the real database: the router's `handle`, outbox as output."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import event

DELIVERED = "delivery.completed"
FAILED = "delivery.failed"


async def test_placed_then_paid_delivers_once(shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id, shop.line(shop.BIG, "Web", shop.WEB)))
    assert await shop.status(order_id) == "awaiting_trigger"
    assert await shop.outbox(order_id, DELIVERED) == []

    await shop.send(shop.paid(order_id))

    assert await shop.status(order_id) == "delivered"
    [completed] = await shop.outbox(order_id, DELIVERED)
    payload = completed["payload"]
    assert payload["forced"] is False
    assert payload["client"] == {"name": "Ada Client", "email": "ada@example.com"}
    assert payload["downloads_url"] == (
        f"https://delivery.example/orders/{order_id}/downloads?token={shop.token(order_id)}"
    )
    assert [f["file_name"] for f in payload["files"]] == ["alpine-lake_web.jpg"]
    assert payload["files"][0]["size_bytes"] > 0
    assert payload["expires_at"] > payload["delivered_at"]
    [(trigger, forced)] = await shop.sql(
        "SELECT trigger, forced FROM deliveries WHERE order_id = :id", id=order_id
    )
    assert (trigger, forced) == ("payment", False)


async def test_payment_before_placed_is_kept_then_delivered(shop) -> None:
    order_id = uuid.uuid4()
    assert await shop.send(shop.paid(order_id)) is True
    assert await shop.status(order_id) is None
    [(kept,)] = await shop.sql(
        "SELECT message_type FROM waiting_messages WHERE waits_for = :id", id=str(order_id)
    )
    assert kept == "payment.confirmed"

    await shop.send(shop.placed(order_id))

    assert await shop.status(order_id) == "delivered"
    assert len(await shop.outbox(order_id, DELIVERED)) == 1
    assert (
        await shop.sql("SELECT id FROM waiting_messages WHERE waits_for = :id", id=str(order_id))
        == []
    )


async def test_force_then_payment_delivers_once(shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id))
    await shop.send(shop.forced(order_id))
    await shop.send(shop.paid(order_id))
    await shop.send(shop.forced(order_id))

    [completed] = await shop.outbox(order_id, DELIVERED)
    assert completed["payload"]["forced"] is True
    [(count,)] = await shop.sql(
        "SELECT count(*) FROM download_links WHERE order_id = :id", id=order_id
    )
    assert count == 1


async def test_concurrent_payment_and_force_deliver_once(shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id, shop.line(shop.copy_media(shop.BIG), "Web", shop.WEB)))
    await asyncio.gather(shop.send(shop.paid(order_id)), shop.send(shop.forced(order_id)))
    assert len(await shop.outbox(order_id, DELIVERED)) == 1


async def test_concurrent_placed_and_early_payment_never_miss_each_other(shop) -> None:
    for _ in range(5):
        order_id = uuid.uuid4()
        await asyncio.gather(shop.send(shop.paid(order_id)), shop.send(shop.placed(order_id)))
        assert await shop.status(order_id) == "delivered"
        assert len(await shop.outbox(order_id, DELIVERED)) == 1


async def test_duplicate_messages_have_one_effect(shop) -> None:
    order_id = uuid.uuid4()
    placed = shop.placed(order_id)
    placed_envelope = placed.envelope(correlation_id=order_id)
    paid = shop.paid(order_id)
    paid_envelope = paid.envelope(correlation_id=order_id)

    assert await shop.send(placed, placed_envelope) is True
    assert await shop.send(placed, placed_envelope) is False
    assert await shop.send(paid, paid_envelope) is True
    assert await shop.send(paid, paid_envelope) is False
    # the same fact under a new message id is a no-op too
    assert await shop.send(placed) is True

    assert len(await shop.outbox(order_id, DELIVERED)) == 1
    [(items,)] = await shop.sql(
        "SELECT count(*) FROM delivery_items WHERE order_id = :id", id=order_id
    )
    assert items == 1


async def test_cancelled_order_is_never_delivered(shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id))
    await shop.send(shop.cancelled(order_id))
    await shop.send(shop.paid(order_id))
    await shop.send(shop.forced(order_id))

    assert await shop.status(order_id) == "cancelled"
    assert await shop.outbox(order_id, DELIVERED) == []


async def test_cancel_before_placed_wins_over_an_early_payment(shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.paid(order_id))
    await shop.send(shop.cancelled(order_id))
    await shop.send(shop.placed(order_id))

    assert await shop.status(order_id) == "cancelled"
    assert await shop.outbox(order_id, DELIVERED) == []


async def test_cancel_after_delivery_keeps_status_and_revokes_links(shop) -> None:
    order_id, _ = await shop.delivered_order()
    await shop.send(shop.cancelled(order_id))

    assert await shop.status(order_id) == "delivered"
    [(revoked,)] = await shop.sql(
        "SELECT revoked_at FROM download_links WHERE order_id = :id", id=order_id
    )
    assert revoked is not None


async def test_rendition_is_rendered_once_and_reused_across_orders(shop, render_spy) -> None:
    key = shop.copy_media(shop.BIG)
    name = key.rsplit("/", 1)[1]
    _, first = await shop.delivered_order(shop.line(key, "Web", shop.WEB))
    _, second = await shop.delivered_order(
        shop.line(key, "Web", shop.WEB), shop.line(key, "Blog", shop.WEB)
    )

    assert render_spy.calls.count((name, shop.WEB_KEY)) == 1
    [(rows,)] = await shop.sql("SELECT count(*) FROM renditions WHERE media_key = :k", k=key)
    assert rows == 1
    assert first["files"][0]["size_bytes"] == second["files"][0]["size_bytes"]


async def test_file_names_are_readable_and_unique_within_the_order(shop) -> None:
    _, completed = await shop.delivered_order(
        shop.line(shop.BIG, "Web", shop.WEB),
        shop.line(shop.BIG, "Web", shop.WEB),
        shop.line(shop.BIG, "Full resolution", shop.ORIGINAL),
        shop.line(shop.SMALL, "Print / A4 (300 dpi)", shop.ORIGINAL),
    )
    assert [f["file_name"] for f in completed["files"]] == [
        "alpine-lake_web.jpg",
        "alpine-lake_web-2.jpg",
        "alpine-lake_full-resolution.jpg",
        "small-harbour_print-a4-300-dpi.jpg",
    ]


async def test_video_original_is_delivered(shop) -> None:
    _, completed = await shop.delivered_order(
        shop.line(shop.CLIP, "Full HD", shop.ORIGINAL, kind="video")
    )
    [file] = completed["files"]
    assert file["file_name"] == "ridge-drift_full-hd.mp4"
    assert file["size_bytes"] == (shop.media_root / shop.CLIP).stat().st_size


async def test_missing_original_fails_without_delivering(shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id, shop.line("demo/gone.jpg", "Web", shop.WEB)))
    assert await shop.send(shop.paid(order_id)) is True

    assert await shop.status(order_id) == "awaiting_trigger"
    assert await shop.outbox(order_id, DELIVERED) == []
    [failed] = await shop.outbox(order_id, FAILED)
    assert "demo/gone.jpg" in failed["payload"]["reason"]
    assert "missing" in failed["payload"]["reason"]
    [(reason,)] = await shop.sql(
        "SELECT failure_reason FROM deliveries WHERE order_id = :id", id=order_id
    )
    assert reason == failed["payload"]["reason"]


async def test_renditions_of_same_named_media_do_not_collide(shop) -> None:
    jpeg = shop.copy_media(shop.SMALL)
    other = jpeg.removesuffix(".jpg") + ".jpeg"
    (shop.media_root / other).write_bytes((shop.media_root / shop.BIG).read_bytes())
    png_spec = shop.WEB.model_copy(update={"format": "png"})
    await shop.delivered_order(shop.line(jpeg, "Web", png_spec), shop.line(other, "Web", png_spec))
    rows = await shop.sql(
        "SELECT media_key, path, width FROM renditions WHERE media_key IN (:a, :b) ORDER BY width",
        a=jpeg,
        b=other,
    )
    assert [(r[0], r[2]) for r in rows] == [(jpeg, 800), (other, 1024)]
    assert rows[0][1] != rows[1][1]


async def test_the_order_flow_costs_few_statements(shop) -> None:
    """Issue 15: a new delivery (the delivery and its items) and a delivery's save (the
    delivery, its items' files and its links) are one statement each."""
    seen: list[str] = []

    def record(_c: object, _cur: object, statement: str, *_: object) -> None:
        seen.append(statement)

    engine = shop.root.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        order_id = uuid.uuid4()
        await shop.send(shop.placed(order_id, shop.line(shop.BIG, "Web", shop.WEB)))
        placed, seen[:] = list(seen), []
        await shop.send(shop.paid(order_id))
        paid = list(seen)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert await shop.status(order_id) == "delivered"
    writes = ("INSERT INTO deliveries", "INSERT INTO delivery_items", "UPDATE deliver")
    [new] = [s for s in placed if any(w in s for w in writes)]
    assert "INSERT INTO deliveries" in new, new
    assert "INSERT INTO delivery_items" in new, "the items go with their delivery"
    writes = (*writes, "INSERT INTO download_links")
    [save] = [s for s in paid if any(w in s for w in writes)]
    for write in ("UPDATE deliveries", "UPDATE delivery_items", "INSERT INTO download_links"):
        assert write in save, f"{write}: one statement for the delivery's whole save"
