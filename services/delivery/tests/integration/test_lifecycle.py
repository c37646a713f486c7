"""Issue 4, proofs and links: held Proof files released when Final, re-issued links."""

from __future__ import annotations

import uuid
from datetime import timedelta

from shop_contracts.commands import ReissueDownloadLinks
from shop_contracts.common import DeliverySpec
from shop_contracts.events import MediaFinalized

RELEASED = "delivery.files_released"
REISSUED = "delivery.links_reissued"


def finalized(line) -> MediaFinalized:
    return MediaFinalized(media_id=line.media_id, media_key=line.media_key)


async def send_finalized(shop, line, order_id: uuid.UUID) -> None:
    message = finalized(line)
    await shop.send(message, message.envelope(correlation_id=order_id))


async def test_proofs_are_held_then_released_once_when_final(client, shop) -> None:
    final = shop.line(shop.BIG, "Web", shop.WEB)
    proof = shop.line(shop.SMALL, "Web", shop.WEB, media_status="proof")
    async with shop.settings(deliver_only_final=True):
        order_id, completed = await shop.delivered_order(final, proof)
        assert [f["file_name"] for f in completed["files"]] == ["alpine-lake_web.jpg"]
        assert completed["held_line_ids"] == [str(proof.line_id)]
        page = await shop.page(client, order_id)
        assert "1 file of this order is still being finalised" in page
        assert "small-harbour" not in page

        await send_finalized(shop, proof, order_id)
        await send_finalized(shop, proof, order_id)  # again, as a new message: no effect

    [released] = await shop.outbox(order_id, RELEASED)
    assert [f["file_name"] for f in released["payload"]["files"]] == ["small-harbour_web.jpg"]
    assert released["payload"]["files"][0]["line_id"] == str(proof.line_id)
    assert released["payload"]["downloads_url"] == completed["downloads_url"]
    links = await shop.links(client, order_id)
    assert sorted(links) == ["alpine-lake_web.jpg", "small-harbour_web.jpg"]
    assert (await client.get(links["small-harbour_web.jpg"])).status_code == 200
    assert "still being finalised" not in await shop.page(client, order_id)


async def test_only_proofs_still_completes_without_files(shop) -> None:
    proof = shop.line(shop.SMALL, "Web", shop.WEB, media_status="proof")
    async with shop.settings(deliver_only_final=True):
        order_id, completed = await shop.delivered_order(proof)
    assert completed["files"] == []
    assert completed["held_line_ids"] == [str(proof.line_id)]
    assert completed["expires_at"] is None
    assert await shop.status(order_id) == "delivered"


async def test_proofs_are_delivered_when_the_setting_is_off_or_already_final(shop) -> None:
    proof = shop.line(shop.SMALL, "Web", shop.WEB, media_status="proof")
    _, completed = await shop.delivered_order(proof)  # deliver_only_final is off
    assert completed["held_line_ids"] == []
    assert len(completed["files"]) == 1

    early = shop.line(shop.SMALL, "Web", shop.WEB, media_status="proof")
    async with shop.settings(deliver_only_final=True):
        await send_finalized(shop, early, uuid.uuid4())  # marked Final before the payment
        order_id, completed = await shop.delivered_order(early)
    assert completed["held_line_ids"] == []
    assert [f["line_id"] for f in completed["files"]] == [str(early.line_id)]
    assert await shop.outbox(order_id, RELEASED) == []


async def test_a_cancelled_order_never_releases_its_proofs(shop) -> None:
    proof = shop.line(shop.SMALL, "Web", shop.WEB, media_status="proof")
    async with shop.settings(deliver_only_final=True):
        order_id, _ = await shop.delivered_order(proof)
        await shop.send(shop.cancelled(order_id))
        await send_finalized(shop, proof, order_id)
    assert await shop.outbox(order_id, RELEASED) == []
    assert await shop.link_rows(order_id) == []


async def test_per_license_link_limits_and_what_is_left(client, shop) -> None:
    short = DeliverySpec(mode="long_edge", long_edge=300, link_expiry_days=3, max_downloads=2)
    order_id, completed = await shop.delivered_order(
        shop.line(shop.BIG, "Short", short), shop.line(shop.SMALL, "Web", shop.WEB)
    )
    rows = await shop.link_rows(order_id)
    assert [(r[0], r[2], r[4]) for r in rows] == [
        ("alpine-lake_short.jpg", 2, timedelta(days=3)),
        ("small-harbour_web.jpg", 10, timedelta(days=30)),
    ]
    links = await shop.links(client, order_id)
    await client.get(links["alpine-lake_short.jpg"])
    page = await shop.page(client, order_id)
    assert "1 download left" in page
    assert "10 downloads left" in page
    [(earliest,)] = await shop.sql(
        "SELECT min(expires_at) FROM download_links WHERE order_id = :id", id=order_id
    )
    assert completed["expires_at"].startswith(earliest.isoformat()[:19])


async def test_reissue_revokes_old_links_and_opens_fresh_ones(client, shop) -> None:
    order_id, _ = await shop.delivered_order(shop.line(shop.SMALL, "Web", shop.WEB))
    [old] = (await shop.links(client, order_id)).values()
    await shop.sql(
        "UPDATE download_links SET download_count = max_downloads WHERE order_id = :id",
        id=order_id,
    )
    assert (await client.get(old)).status_code == 410

    await shop.send(ReissueDownloadLinks(order_id=order_id))

    [reissued] = await shop.outbox(order_id, REISSUED)
    payload = reissued["payload"]
    assert payload["client"] == {"name": "Ada Client", "email": "ada@example.com"}
    assert [f["file_name"] for f in payload["files"]] == ["small-harbour_web.jpg"]
    assert payload["expires_at"] is not None
    [new] = (await shop.links(client, order_id)).values()
    assert new != old
    assert (await client.get(old)).status_code == 404
    assert (await client.get(new)).status_code == 200
    assert "9 downloads left" in await shop.page(client, order_id)


async def test_reissue_is_refused_for_undelivered_or_cancelled_orders(shop) -> None:
    pending = uuid.uuid4()
    await shop.send(shop.placed(pending))
    cancelled, _ = await shop.delivered_order()
    await shop.send(shop.cancelled(cancelled))
    unknown = uuid.uuid4()
    for order_id in (pending, cancelled, unknown):
        assert await shop.send(ReissueDownloadLinks(order_id=order_id)) is True
        assert await shop.outbox(order_id, REISSUED) == []
    [(revoked,)] = await shop.sql(
        "SELECT count(*) FROM download_links WHERE order_id = :id AND revoked_at IS NULL",
        id=cancelled,
    )
    assert revoked == 0
