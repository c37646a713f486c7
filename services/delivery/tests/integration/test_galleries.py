"""Issue 11, whole-gallery lines: one order line delivering every file of the gallery as
delivery's own copy shows it when the order is delivered (fixed from then on), falling back
to the files the line carried; the ZIP includes them; Proof files held one by one."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from typing import Any

from shop_contracts.commands import ReissueDownloadLinks
from shop_contracts.common import DeliverySpec, GalleryMember, OrderLine
from shop_contracts.events import GalleryOffered, MediaFinalized

DELIVERED = "delivery.completed"
RELEASED = "delivery.files_released"
WHOLE = "Whole gallery"


def member(key: str, state: str = "undefined", **extra: Any) -> GalleryMember:
    values: dict[str, Any] = {
        "media_id": uuid.uuid4(),
        "media_key": key,
        "title": key.rpartition("/")[2],
        "kind": "image",
        "width": 800,
        "height": 600,
        "credit": "Ana Berg",
        "state": state,
    }
    return GalleryMember(**{**values, **extra})


def gallery_line(
    gallery_id: uuid.UUID, *members: GalleryMember, spec: DeliverySpec | None = None
) -> OrderLine:
    return OrderLine(
        line_id=uuid.uuid4(),
        media_id=gallery_id,
        media_title="Alps at dawn",
        media_kind="image",
        media_key="",
        license_id=gallery_id,
        license_name=WHOLE,
        price=9900,
        delivery=spec or DeliverySpec(mode="long_edge", long_edge=1024, format="jpeg"),
        usage_terms="Editorial use.",
        gallery_id=gallery_id,
        members=list(members),
    )


def offered(
    gallery_id: uuid.UUID, revision: int, *members: GalleryMember, **extra: Any
) -> GalleryOffered:
    values: dict[str, Any] = {
        "gallery_id": gallery_id,
        "revision": revision,
        "title": "Alps at dawn",
        "slug": "alps-at-dawn",
        "whole_gallery_price": 9900,
        "members": list(members),
    }
    return GalleryOffered(**{**values, **extra})


async def names(shop, order_id: uuid.UUID) -> list[str]:
    rows = await shop.sql(
        "SELECT file_name FROM delivery_items WHERE order_id = :id AND file_name IS NOT NULL"
        " ORDER BY position",
        id=order_id,
    )
    return [row[0] for row in rows]


async def test_a_gallery_line_delivers_every_file_of_the_gallery_and_the_zip_has_them(
    client, shop
) -> None:
    gallery_id = uuid.uuid4()
    big, small, tiff = member(shop.BIG), member(shop.SMALL), member(shop.TIFF)
    await shop.send(offered(gallery_id, 1, big, small, tiff))
    single = shop.line(shop.SMALL, "Web", shop.WEB)
    line = gallery_line(gallery_id, big)  # placed when the gallery had one file

    after = shop.line(shop.BIG, "Web", shop.WEB)
    order_id, completed = await shop.delivered_order(single, line, after)

    files = completed["files"]
    assert [f["file_name"] for f in files] == [
        "small-harbour_web.jpg",
        "alpine-lake_whole-gallery.jpg",
        "small-harbour_whole-gallery.jpg",
        "glacier_whole-gallery.jpg",
        "alpine-lake_web.jpg",
    ]
    assert [f["line_id"] for f in files] == [
        str(single.line_id),
        *[str(line.line_id)] * 3,
        str(after.line_id),
    ]
    rows = await shop.sql(
        "SELECT media_id, media_key, gallery_title, spec->>'long_edge' FROM delivery_items"
        " WHERE order_id = :id AND line_id = :line ORDER BY position",
        id=order_id,
        line=line.line_id,
    )
    assert [(r[0], r[1]) for r in rows] == [
        (big.media_id, shop.BIG),
        (small.media_id, shop.SMALL),
        (tiff.media_id, shop.TIFF),
    ]
    assert {(r[2], r[3]) for r in rows} == {("Alps at dawn", "1024")}

    page = await shop.page(client, order_id)
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    assert headings == ["Gallery: Alps at dawn", "Other files"]  # the file after the gallery
    links = await shop.links(client, order_id)
    assert sorted(links) == sorted(f["file_name"] for f in files)
    for name in ("alpine-lake_whole-gallery.jpg", "glacier_whole-gallery.jpg"):
        download = await client.get(links[name])
        assert download.status_code == 200
        assert download.content[:2] == b"\xff\xd8"

    [url] = re.findall(r'href="(/orders/[^"]+/archive/1[^"]*)"', page)
    response = await client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == [*(f["file_name"] for f in files), "LICENSE.txt"]
    for name in links:
        assert len(archive.read(name)) == next(
            f["size_bytes"] for f in files if f["file_name"] == name
        )
    text = archive.read("LICENSE.txt").decode()
    licensed = "License: Whole gallery (gallery: Alps at dawn)"
    assert f"glacier_whole-gallery.jpg\r\n  {licensed}" in text
    assert "small-harbour_web.jpg\r\n  License: Web\r\n" in text


async def test_gallery_edits_after_payment_change_nothing_for_that_order(client, shop) -> None:
    gallery_id = uuid.uuid4()
    big, small, tiff = member(shop.BIG), member(shop.SMALL), member(shop.TIFF)
    await shop.send(offered(gallery_id, 1, big, small))
    order_id, completed = await shop.delivered_order(gallery_line(gallery_id, big, small))
    delivered = [f["file_name"] for f in completed["files"]]
    assert delivered == ["alpine-lake_whole-gallery.jpg", "small-harbour_whole-gallery.jpg"]

    await shop.send(offered(gallery_id, 2, tiff, title="Alps, edited"))
    await shop.send(shop.paid(order_id))  # a late second payment: delivers nothing more
    await shop.send(ReissueDownloadLinks(order_id=order_id))

    assert await names(shop, order_id) == delivered
    assert sorted(await shop.links(client, order_id)) == sorted(delivered)
    assert "Gallery: Alps at dawn" in await shop.page(client, order_id)
    assert len(await shop.outbox(order_id, DELIVERED)) == 1

    # The copy did follow the gallery: a later order gets its files as they are now, and an
    # older revision arriving late changes nothing.
    await shop.send(offered(gallery_id, 1, big, small))
    _, later = await shop.delivered_order(gallery_line(gallery_id, big, small))
    assert [f["file_name"] for f in later["files"]] == ["glacier_whole-gallery.jpg"]
    [(revision, title)] = await shop.sql(
        "SELECT revision, title FROM gallery_copies WHERE gallery_id = :id", id=gallery_id
    )
    assert (revision, title) == (2, "Alps, edited")


async def test_unknown_or_deleted_gallery_falls_back_to_the_lines_files(shop) -> None:
    unknown = uuid.uuid4()
    line = gallery_line(unknown, member(shop.SMALL), member(shop.BIG))
    _, completed = await shop.delivered_order(line)
    assert [f["file_name"] for f in completed["files"]] == [
        "small-harbour_whole-gallery.jpg",
        "alpine-lake_whole-gallery.jpg",
    ]

    deleted = uuid.uuid4()
    await shop.send(offered(deleted, 1, member(shop.TIFF)))
    await shop.send(offered(deleted, 2, deleted=True, whole_gallery_price=None))
    [(is_deleted,)] = await shop.sql(
        "SELECT deleted FROM gallery_copies WHERE gallery_id = :id", id=deleted
    )
    assert is_deleted is True
    _, completed = await shop.delivered_order(gallery_line(deleted, member(shop.SMALL)))
    assert [f["file_name"] for f in completed["files"]] == ["small-harbour_whole-gallery.jpg"]


async def test_a_proof_file_of_a_gallery_is_held_then_released(client, shop) -> None:
    gallery_id = uuid.uuid4()
    final, proof = member(shop.BIG, "final"), member(shop.SMALL, "proof")
    # Proof in the copy now, though the line was placed when it was Final: the copy wins.
    await shop.send(offered(gallery_id, 1, final, proof))
    line = gallery_line(gallery_id, final, proof.model_copy(update={"state": "final"}))
    async with shop.settings(deliver_only_final=True):
        order_id, completed = await shop.delivered_order(line)
        assert [f["file_name"] for f in completed["files"]] == ["alpine-lake_whole-gallery.jpg"]
        assert completed["held_line_ids"] == [str(line.line_id)]
        assert "1 file of this order is still being finalised" in await shop.page(client, order_id)
        finalized = MediaFinalized(media_id=proof.media_id, media_key=proof.media_key)
        await shop.send(finalized, finalized.envelope(correlation_id=order_id))

    [released] = await shop.outbox(order_id, RELEASED)
    assert released["payload"]["files"] == [
        {
            "line_id": str(line.line_id),
            "file_name": "small-harbour_whole-gallery.jpg",
            "size_bytes": released["payload"]["files"][0]["size_bytes"],
        }
    ]
    assert sorted(await shop.links(client, order_id)) == [
        "alpine-lake_whole-gallery.jpg",
        "small-harbour_whole-gallery.jpg",
    ]


async def test_a_gallery_paid_before_it_was_placed_is_expanded_too(shop) -> None:
    gallery_id = uuid.uuid4()
    await shop.send(offered(gallery_id, 1, member(shop.SMALL)))
    order_id = uuid.uuid4()
    await shop.send(shop.paid(order_id))
    await shop.send(shop.placed(order_id, gallery_line(gallery_id, member(shop.BIG))))
    [completed] = await shop.outbox(order_id, DELIVERED)
    assert [f["file_name"] for f in completed["payload"]["files"]] == [
        "small-harbour_whole-gallery.jpg"
    ]
