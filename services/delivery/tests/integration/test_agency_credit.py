"""Issue 14, the agency: an order can mix photographers; each delivered file carries its own
line's credit (the media's credit, which the catalog fills with the photographer's name),
never another photographer's."""

from __future__ import annotations

import uuid
from pathlib import Path

from shop_contracts.common import DeliverySpec
from shop_media.metadata import read_metadata

from .test_formats import fetch


async def test_each_file_of_a_mixed_order_carries_its_own_photographers_credit(
    client, shop, tmp_path: Path
) -> None:
    spec = DeliverySpec(mode="long_edge", long_edge=400)
    anas = shop.line(shop.BIG, "Web", spec, credit="Ana Lima", photographer_id=uuid.uuid4())
    bos = shop.line(shop.SMALL, "Print", spec, credit="Bo Sand", photographer_id=uuid.uuid4())
    owners = shop.line(shop.BIG, "Editorial", spec, credit="The Shop Owner")
    order_id, _ = await shop.delivered_order(anas, bos, owners)

    files = await fetch(client, shop, order_id, tmp_path)
    xmp = {name: read_metadata(path)["xmp"] or "" for name, path in files.items()}
    credited = {
        name: [who for who in ("Ana Lima", "Bo Sand", "The Shop Owner") if who in text]
        for name, text in xmp.items()
    }
    assert credited == {
        "alpine-lake_web.jpg": ["Ana Lima"],
        "small-harbour_print.jpg": ["Bo Sand"],
        "alpine-lake_editorial.jpg": ["The Shop Owner"],
    }
    rows = await shop.sql(
        "SELECT file_name, credit FROM delivery_items WHERE order_id = :id ORDER BY position",
        id=order_id,
    )
    assert [tuple(row) for row in rows] == [
        ("alpine-lake_web.jpg", "Ana Lima"),
        ("small-harbour_print.jpg", "Bo Sand"),
        ("alpine-lake_editorial.jpg", "The Shop Owner"),
    ]
