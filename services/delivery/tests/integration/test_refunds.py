"""Issue 13, after-sale: refunds revoke what they paid for; lines that produce no file.

A full refund revokes every link (404, as a cancelled order's), the archives and the held
Proof files; a partial one the links of its lines only; a refund recorded before the
delivery is honoured by it. A quote's service lines and lines delivered by hand produce
neither a file nor a link.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shop_contracts.commands import ReissueDownloadLinks
from shop_contracts.common import ClientContact
from shop_contracts.events import MediaFinalized, PaymentRefunded

from .test_archives import TERMS, archive_urls

COMPLETED = "delivery.completed"
RELEASED = "delivery.files_released"


def refunded(
    order_id: uuid.UUID, *, full: bool, line_ids: list[uuid.UUID] | None = None
) -> PaymentRefunded:
    return PaymentRefunded(
        order_id=order_id,
        number="2026-0042",
        client=ClientContact(name="Ada Client", email="ada@example.com"),
        refund_id=uuid.uuid4(),
        amount=1500 if full else 500,
        currency="EUR",
        refunded_total=1500 if full else 500,
        full=full,
        line_ids=line_ids or [],
        processor="sandbox",
        refunded_at=datetime.now(UTC),
    )


async def live_links(shop, order_id: uuid.UUID) -> list[str]:
    rows = await shop.link_rows(order_id)
    return sorted(row[0] for row in rows if row[3] is None)


async def test_a_full_refund_revokes_every_link_and_archive_once(client, shop) -> None:
    order_id, completed = await shop.delivered_order(
        shop.line(shop.BIG, "Web", shop.WEB),
        shop.line(shop.SMALL, "Web", shop.WEB),
        terms_text=TERMS,
    )
    assert len(completed["files"]) == 3
    links = await shop.links(client, order_id)
    [archive] = archive_urls(await shop.page(client, order_id))

    refund = refunded(order_id, full=True)
    envelope = refund.envelope(correlation_id=order_id)
    assert await shop.send(refund, envelope) is True
    assert await shop.send(refund, envelope) is False  # redelivered: the inbox skips it

    assert await live_links(shop, order_id) == []
    for url in links.values():
        response = await client.get(url)
        assert response.status_code == 404
        assert "refunded" in response.json()["detail"]
    response = await client.get(archive)
    assert response.status_code == 404
    assert "refunded" in response.json()["detail"]
    page = await shop.page(client, order_id)
    assert "This order was refunded" in page
    assert "alpine-lake" not in page
    [(refunded_at,)] = await shop.sql(
        "SELECT refunded_at FROM deliveries WHERE order_id = :id", id=order_id
    )
    assert refunded_at is not None


async def test_a_partial_refund_revokes_the_links_of_its_lines_only(client, shop) -> None:
    keep = shop.line(shop.BIG, "Web", shop.WEB)
    gone = shop.line(shop.SMALL, "Web", shop.WEB)
    order_id, _ = await shop.delivered_order(keep, gone)
    links = await shop.links(client, order_id)

    await shop.send(refunded(order_id, full=False, line_ids=[gone.line_id]))

    assert await live_links(shop, order_id) == ["alpine-lake_web.jpg"]
    assert (await client.get(links["small-harbour_web.jpg"])).status_code == 404
    assert (await client.get(links["alpine-lake_web.jpg"])).status_code == 200
    [archive] = archive_urls(await shop.page(client, order_id))
    assert (await client.get(archive)).status_code == 200  # the file still paid for

    # Re-issued links never bring the refunded file back.
    await shop.send(ReissueDownloadLinks(order_id=order_id))
    [reissued] = await shop.outbox(order_id, "delivery.links_reissued")
    assert [f["file_name"] for f in reissued["payload"]["files"]] == ["alpine-lake_web.jpg"]
    assert await live_links(shop, order_id) == ["alpine-lake_web.jpg"]


async def test_a_partial_refund_without_lines_revokes_nothing(shop) -> None:
    order_id, _ = await shop.delivered_order(
        shop.line(shop.BIG, "Web", shop.WEB), shop.line(shop.SMALL, "Web", shop.WEB)
    )
    await shop.send(refunded(order_id, full=False))
    assert await live_links(shop, order_id) == ["alpine-lake_web.jpg", "small-harbour_web.jpg"]


async def test_a_full_refund_before_delivery_means_it_never_delivers(client, shop) -> None:
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id, shop.line(shop.SMALL, "Web", shop.WEB)))
    await shop.send(refunded(order_id, full=True))  # handled while the payment was on its way
    await shop.send(shop.paid(order_id))

    assert await shop.outbox(order_id, COMPLETED) == []
    assert await shop.link_rows(order_id) == []
    assert await shop.status(order_id) == "awaiting_trigger"
    assert "This order was refunded" in await shop.page(client, order_id)


async def test_a_partial_refund_before_delivery_produces_no_file_for_its_lines(shop) -> None:
    keep = shop.line(shop.BIG, "Web", shop.WEB)
    gone = shop.line(shop.SMALL, "Web", shop.WEB)
    order_id = uuid.uuid4()
    await shop.send(shop.placed(order_id, keep, gone))
    await shop.send(refunded(order_id, full=False, line_ids=[gone.line_id]))
    await shop.send(shop.paid(order_id))

    [completed] = await shop.outbox(order_id, COMPLETED)
    assert [f["line_id"] for f in completed["payload"]["files"]] == [str(keep.line_id)]
    assert await live_links(shop, order_id) == ["alpine-lake_web.jpg"]


async def test_a_refund_before_the_order_is_kept_and_honoured(shop) -> None:
    """Payment and refund both before `order.placed`: replayed refund first."""
    order_id = uuid.uuid4()
    await shop.send(shop.paid(order_id))
    await shop.send(refunded(order_id, full=True))
    await shop.send(shop.placed(order_id, shop.line(shop.SMALL, "Web", shop.WEB)))

    assert await shop.outbox(order_id, COMPLETED) == []
    assert await shop.link_rows(order_id) == []
    [(refunded_at, payment)] = await shop.sql(
        "SELECT refunded_at, payment FROM deliveries WHERE order_id = :id", id=order_id
    )
    assert refunded_at is not None
    assert payment == "paid"


async def test_refunded_proof_files_are_never_released(shop) -> None:
    proof = shop.line(shop.SMALL, "Web", shop.WEB, media_status="proof")
    other = shop.line(shop.BIG, "Web", shop.WEB, media_status="proof")
    async with shop.settings(deliver_only_final=True):
        order_id, completed = await shop.delivered_order(proof, other)
        assert len(completed["held_line_ids"]) == 2
        await shop.send(refunded(order_id, full=False, line_ids=[proof.line_id]))
        for line in (proof, other):
            message = MediaFinalized(media_id=line.media_id, media_key=line.media_key)
            await shop.send(message, message.envelope(correlation_id=order_id))
    [released] = await shop.outbox(order_id, RELEASED)
    assert [f["line_id"] for f in released["payload"]["files"]] == [str(other.line_id)]

    full = shop.line(shop.SMALL, "Web", shop.WEB, media_status="proof")
    async with shop.settings(deliver_only_final=True):
        order_id, _ = await shop.delivered_order(full)
        await shop.send(refunded(order_id, full=True))
        message = MediaFinalized(media_id=full.media_id, media_key=full.media_key)
        await shop.send(message, message.envelope(correlation_id=order_id))
    assert await shop.outbox(order_id, RELEASED) == []
    assert await shop.link_rows(order_id) == []


async def test_service_and_hand_delivered_lines_produce_no_file(client, shop) -> None:
    media = shop.line(shop.SMALL, "Web", shop.WEB)
    service = shop.line("", "Retouching", shop.ORIGINAL, service=True)
    by_hand = shop.line(shop.BIG, "Print", shop.ORIGINAL, offline_delivery=True)
    order_id, completed = await shop.delivered_order(media, service, by_hand)

    assert [f["line_id"] for f in completed["files"]] == [str(media.line_id)]
    assert await live_links(shop, order_id) == ["small-harbour_web.jpg"]
    [(items,)] = await shop.sql(
        "SELECT count(*) FROM delivery_items WHERE order_id = :id", id=order_id
    )
    assert items == 1


async def test_an_order_of_service_and_hand_delivered_lines_only_completes_empty(
    client, shop
) -> None:
    service = shop.line("", "Retouching", shop.ORIGINAL, service=True)
    by_hand = shop.line(shop.BIG, "Print", shop.ORIGINAL, offline_delivery=True)
    order_id, completed = await shop.delivered_order(service, by_hand, terms_text=TERMS)

    assert completed["files"] == []
    assert completed["expires_at"] is None
    assert await shop.status(order_id) == "delivered"
    assert await shop.link_rows(order_id) == []
