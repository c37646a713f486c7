"""Issue 11, a replaced original (same media key): its cached renditions are dropped (rows
and files), the next rendition is made from the new file, and links already issued keep
working, now giving the file made from the new original."""

from __future__ import annotations

import io
import re
import uuid
import zipfile

import pyvips

from shop_contracts.events import MediaFileReplaced
from shop_media.demo import make_demo_jpeg

from .conftest import renders_counted


def replace_original(shop, key: str) -> None:
    """The catalog overwrote the original under the same key: square now, another picture."""
    tmp = shop.media_root / f"{key}.new.jpg"
    make_demo_jpeg(tmp, width=2000, height=2000, title="Replaced", credit="Ana Berg", seed=9)
    tmp.replace(shop.media_root / key)


def size_of(data: bytes) -> tuple[int, int]:
    image = pyvips.Image.new_from_buffer(data, "")
    return image.width, image.height


async def replaced(shop, key: str) -> bool:
    event = MediaFileReplaced(media_id=uuid.uuid4(), media_key=key, revision=2)
    return await shop.send(event, event.envelope(correlation_id=event.media_id))


async def test_a_replaced_original_is_rendered_again_and_issued_links_give_the_new_file(
    client, shop, root
) -> None:
    key = shop.copy_media(shop.BIG)
    with renders_counted(root) as renders:
        by_link, _ = await shop.delivered_order(shop.line(key, "Web", shop.WEB))
        by_zip, _ = await shop.delivered_order(shop.line(key, "Web", shop.WEB))
        original, _ = await shop.delivered_order(shop.line(key, "Full", shop.ORIGINAL))
        assert len(renders) == 1
        [old_url] = (await shop.links(client, by_link)).values()
        old = (await client.get(old_url)).content
        assert size_of(old) == (1024, 683)
        [(cached_path,)] = await shop.sql(
            "SELECT path FROM renditions WHERE media_key = :key", key=key
        )
        assert (root.renderer.root / cached_path).is_file()

        replace_original(shop, key)
        assert await replaced(shop, key) is True

        assert await shop.sql("SELECT id FROM renditions WHERE media_key = :key", key=key) == []
        assert not (root.renderer.root / cached_path).exists()
        [(stale,)] = await shop.sql(
            "SELECT count(*) FROM delivery_items WHERE media_key = :key"
            " AND file_stale_at IS NOT NULL",
            key=key,
        )
        assert stale == 3

        # The link issued before the replacement: the new picture, under the same name.
        response = await client.get(old_url)
        assert response.status_code == 200
        assert response.content != old
        assert size_of(response.content) == (1024, 1024)
        assert int(response.headers["content-length"]) == len(response.content)
        assert len(renders) == 2  # rendered once from the new original...

        # ... and reused by the other order's ZIP and by a new order.
        page = await shop.page(client, by_zip)
        [url] = re.findall(r'href="(/orders/[^"]+/archive/1[^"]*)"', page)
        archive = zipfile.ZipFile(io.BytesIO((await client.get(url.replace("&amp;", "&"))).content))
        [name, license_txt] = archive.namelist()
        assert license_txt == "LICENSE.txt"
        assert size_of(archive.read(name)) == (1024, 1024)
        later, _ = await shop.delivered_order(shop.line(key, "Web", shop.WEB))
        [later_url] = (await shop.links(client, later)).values()
        assert size_of((await client.get(later_url)).content) == (1024, 1024)
        assert len(renders) == 2

    # The original itself, delivered before: the new file byte for byte, its size updated.
    [full_url] = (await shop.links(client, original)).values()
    full = await client.get(full_url)
    assert full.content == (shop.media_root / key).read_bytes()
    [(size,)] = await shop.sql(
        "SELECT size_bytes FROM delivery_items WHERE order_id = :id", id=original
    )
    assert size == len(full.content)
    assert (
        await shop.sql(
            "SELECT id FROM delivery_items WHERE media_key = :key AND file_stale_at IS NOT NULL"
            " AND order_id IN (:a, :b, :c)",
            key=key,
            a=by_link,
            b=by_zip,
            c=original,
        )
        == []
    )
    # Each link counted what it gave: one download before, one after.
    assert [row[1] for row in await shop.link_rows(by_link)] == [2]


async def test_a_redelivered_replacement_message_changes_nothing(shop) -> None:
    key = shop.copy_media(shop.SMALL)
    await shop.delivered_order(shop.line(key, "Web", shop.WEB))
    event = MediaFileReplaced(media_id=uuid.uuid4(), media_key=key, revision=2)
    envelope = event.envelope(correlation_id=event.media_id)
    assert await shop.send(event, envelope) is True
    assert await shop.send(event, envelope) is False
