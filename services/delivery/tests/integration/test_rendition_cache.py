"""The rendition cache: one render per (media, format), and a vanished file rendered again.

Delivery remembers the renditions it has found (a `stat()` instead of a transaction per
lookup): a file deleted or replaced behind its back must not be served from that memory.
"""

from __future__ import annotations

from pathlib import Path

from .conftest import renders_counted


def _renditions(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "orders"]


async def test_a_deleted_rendition_is_rendered_again(client, shop, root) -> None:
    key = shop.copy_media(shop.BIG)
    with renders_counted(root) as renders:
        first, _ = await shop.delivered_order(shop.line(key, "Web", shop.WEB))
        second, _ = await shop.delivered_order(shop.line(key, "Web", shop.WEB))
        assert len(renders) == 1  # the second order reused the first one's rendition

        [cached] = [p for p in _renditions(root.renderer.root) if key in str(p)]
        cached.unlink()
        third, _ = await shop.delivered_order(shop.line(key, "Web", shop.WEB))

    assert len(renders) == 2
    assert cached.is_file()
    for order_id in (first, second, third):
        assert await shop.status(order_id) == "delivered"
    [url] = (await shop.links(client, third)).values()
    download = await client.get(url)
    assert download.status_code == 200
    assert download.content[:2] == b"\xff\xd8"  # a JPEG


async def test_an_issued_link_whose_files_are_gone_makes_them_again(client, shop, root) -> None:
    key = shop.copy_media(shop.BIG)
    order_id, _ = await shop.delivered_order(shop.line(key, "Web", shop.WEB))
    [url] = (await shop.links(client, order_id)).values()
    before = (await client.get(url)).content
    [(stamped,)] = await shop.sql(
        "SELECT file_key FROM delivery_items WHERE order_id = :id", id=order_id
    )
    assert stamped.startswith(f"orders/{order_id}/")  # the license-stamped copy
    for path in [root.renderer.root / stamped, *_renditions(root.renderer.root)]:
        if key in str(path) or path == root.renderer.root / stamped:
            path.unlink()

    again = await client.get(url)

    assert again.status_code == 200
    assert again.content == before  # the same original: the same bytes, stamped again
    assert (root.renderer.root / stamped).is_file()
    assert [row[1] for row in await shop.link_rows(order_id)] == [2]
