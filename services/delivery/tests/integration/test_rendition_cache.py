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


async def test_what_is_read_from_an_original_follows_its_replacement(shop) -> None:
    """The shooting date (file names) and the probe (the original mode) are read once per
    version of the file: a replaced original is read again, message or not."""
    from shop_contracts.common import DeliverySpec

    from .test_replaced_files import replace_original, replaced

    dated = DeliverySpec(
        mode="long_edge", long_edge=300, file_name_template="{{created.year}}{{created.day}}"
    )
    key = shop.copy_media(shop.BIG)  # taken on 2 June 2024 (seed 1)

    def delivered(completed):
        return [(f["file_name"], f["size_bytes"]) for f in completed["files"]]

    lines = lambda: (shop.line(key, "Web", dated), shop.line(key, "Full", shop.ORIGINAL))  # noqa: E731
    _, first = await shop.delivered_order(*lines())
    _, again = await shop.delivered_order(*lines())
    assert delivered(again)[0][0] == delivered(first)[0][0] == "202402.jpg"
    size = (shop.media_root / key).stat().st_size
    assert delivered(again)[1][1] == size

    replace_original(shop, key)  # taken on 10 June 2024 (seed 9), no message yet
    _, after = await shop.delivered_order(*lines())
    assert delivered(after)[0][0] == "202410.jpg"
    assert delivered(after)[1][1] == (shop.media_root / key).stat().st_size != size

    assert await replaced(shop, key)
    _, last = await shop.delivered_order(*lines())
    assert delivered(last)[0][0] == "202410.jpg"
