"""Issue 11, free-download authorizations: the grant id plays the order id; the files are
delivered at once with the grant's link limits, no payment involved, announced once with
`delivery.free_download_ready` and never as an order's delivery."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from datetime import timedelta

from shop_contracts.commands import ReissueDownloadLinks
from shop_contracts.common import DeliverySpec
from shop_contracts.events import FreeDownloadGranted

from .test_galleries import member

READY = "delivery.free_download_ready"
LIMITED = DeliverySpec(
    mode="long_edge", long_edge=800, format="jpeg", link_expiry_days=3, max_downloads=2
)


def granted(*members, grant_id: uuid.UUID | None = None) -> FreeDownloadGranted:
    return FreeDownloadGranted(
        grant_id=grant_id or uuid.uuid4(),
        gallery_id=uuid.uuid4(),
        gallery_title="Harbour lights",
        client_email="bo@example.com",
        members=list(members),
        delivery=LIMITED,
    )


async def test_a_grant_delivers_its_files_with_its_limits_once(client, shop) -> None:
    grant = granted(member(shop.BIG), member(shop.SMALL, "proof"))
    envelope = grant.envelope(correlation_id=grant.grant_id)
    async with shop.settings(deliver_only_final=True):  # a grant holds no Proof back
        assert await shop.send(grant, envelope) is True
        assert await shop.send(grant, envelope) is False  # redelivered: the inbox
        assert await shop.send(grant, grant.envelope(correlation_id=grant.grant_id)) is True

    [ready] = await shop.outbox(grant.grant_id, READY)
    payload = ready["payload"]
    token = shop.token(grant.grant_id)
    assert payload["downloads_url"] == (
        f"https://delivery.example/orders/{grant.grant_id}/downloads?token={token}"
    )
    assert payload["grant_id"] == str(grant.grant_id)
    assert payload["client_email"] == "bo@example.com"
    assert payload["gallery_title"] == "Harbour lights"
    names = [f["file_name"] for f in payload["files"]]
    assert names == ["alpine-lake_free-download.jpg", "small-harbour_free-download.jpg"]
    assert payload["expires_at"] is not None
    # Never an order's delivery: nothing for orders, notifications' order emails or catalog.
    for kind in ("delivery.completed", "delivery.failed", "delivery.files_released"):
        assert await shop.outbox(grant.grant_id, kind) == []
    [(kind, status, trigger, payment)] = await shop.sql(
        "SELECT kind, status, trigger, payment FROM deliveries WHERE order_id = :id",
        id=grant.grant_id,
    )
    assert (kind, status, trigger, payment) == ("free", "delivered", "grant", "unpaid")
    assert (
        await shop.sql(
            "SELECT id FROM waiting_messages WHERE waits_for = :id", id=str(grant.grant_id)
        )
        == []
    )
    rows = await shop.link_rows(grant.grant_id)
    assert [(r[0], r[2], r[4]) for r in rows] == [
        (names[0], 2, timedelta(days=3)),
        (names[1], 2, timedelta(days=3)),
    ]

    page = await shop.page(client, grant.grant_id)
    assert "Free download: Harbour lights" in page
    assert "payment" not in page.lower()
    links = await shop.links(client, grant.grant_id)
    assert sorted(links) == sorted(names)
    first = links[names[0]]
    assert (await client.get(first)).status_code == 200
    assert (await client.get(first)).status_code == 200
    assert (await client.get(first)).status_code == 410  # max_downloads = 2

    [url] = re.findall(r'href="(/orders/[^"]+/archive/1[^"]*)"', page)
    response = await client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200
    assert f"free-{grant.grant_id.hex[:8]}.zip" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [names[1], "LICENSE.txt"]  # the first one is used up
    text = archive.read("LICENSE.txt").decode()
    assert text.startswith(f"Free download FREE-{grant.grant_id.hex[:8].upper()}")
    assert "Licensee: bo@example.com" in text
    assert "License: Free download (gallery: Harbour lights)" in text


async def test_order_messages_never_change_a_grant(client, shop) -> None:
    grant = granted(member(shop.SMALL))
    await shop.send(grant, grant.envelope(correlation_id=grant.grant_id))
    # Order messages under a grant's id (orders never sends them) change nothing, and a
    # second grant under the same id neither.
    await shop.send(shop.cancelled(grant.grant_id))
    await shop.send(shop.paid(grant.grant_id))
    await shop.send(shop.forced(grant.grant_id))
    await shop.send(ReissueDownloadLinks(order_id=grant.grant_id))
    await shop.send(granted(member(shop.BIG), grant_id=grant.grant_id))

    [(files,)] = await shop.sql(
        "SELECT count(*) FROM delivery_items WHERE order_id = :id", id=grant.grant_id
    )
    assert files == 1
    [(status, payment, withdrawn)] = await shop.sql(
        "SELECT status, payment, withdrawn_at FROM deliveries WHERE order_id = :id",
        id=grant.grant_id,
    )
    assert (status, payment, withdrawn) == ("delivered", "unpaid", None)
    assert [row[3] for row in await shop.link_rows(grant.grant_id)] == [None]  # not revoked
    assert len(await shop.outbox(grant.grant_id, READY)) == 1
    for kind in ("delivery.completed", "delivery.links_reissued", "delivery.failed"):
        assert await shop.outbox(grant.grant_id, kind) == []
    [url] = (await shop.links(client, grant.grant_id)).values()
    assert (await client.get(url)).status_code == 200


async def test_a_grant_whose_file_cannot_be_made_is_dead_lettered_with_nothing_kept(
    shop,
) -> None:
    from faststream.exceptions import RejectMessage

    grant = granted(member("demo/missing.jpg"))
    try:
        await shop.send(grant, grant.envelope(correlation_id=grant.grant_id))
    except RejectMessage:
        pass
    else:
        raise AssertionError("the grant should have been rejected")
    assert await shop.status(grant.grant_id) is None
    assert await shop.outbox(grant.grant_id, READY) == []
