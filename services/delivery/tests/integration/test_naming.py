"""Issue 4, file names: each license's template, dates, uniqueness, a bad template."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shop_contracts.common import DeliverySpec

CREATED = datetime(2023, 2, 3, 4, 5, 6, tzinfo=UTC)
UPDATED = datetime(2025, 11, 12, 13, 14, 15, tzinfo=UTC)


def spec(template: str, **values) -> DeliverySpec:
    return DeliverySpec(mode="long_edge", long_edge=300, file_name_template=template, **values)


async def test_templates_name_files_with_seq_order_dates_and_size(shop) -> None:
    dated = {"media_created_at": CREATED, "media_updated_at": UPDATED}
    tmpl = "{{order}}-{{seq}}-{{basename}}-{{created.year}}{{created.month}}{{created.day}}"
    _, completed = await shop.delivered_order(
        shop.line(shop.BIG, "Web", spec(tmpl), **dated),
        shop.line(
            shop.SMALL, "Web", spec("{{seq}}_{{width}}x{{height}}_{{updated.year}}"), **dated
        ),
        shop.line(
            shop.CLIP,
            "Clip",
            spec("{{basename}} {{created.year}}-{{created.hour}}"),
            kind="video",
            **dated,
        ),
    )
    number = completed["number"]
    names = [f["file_name"] for f in completed["files"]]
    assert names == [
        f"{number}-1-alpine-lake-20240602.jpg",
        "2_300x225_2025.jpg",
        "ridge-drift 2023-04.mp4",
    ]


async def test_unsafe_characters_and_clashes(shop) -> None:
    _, completed = await shop.delivered_order(
        shop.line(shop.BIG, "Web", spec('{{order}}/{{basename}}:"x"')),
        shop.line(shop.BIG, "Web", spec('{{order}}/{{basename}}:"x"')),
        shop.line(shop.BIG, "Print", spec("{{basename}}_{{license}}", format="jpeg")),
    )
    number = completed["number"]
    assert [f["file_name"] for f in completed["files"]] == [
        f"{number}_alpine-lake__x_.jpg",
        f"{number}_alpine-lake__x_-2.jpg",
        "alpine-lake_print.jpg",
    ]


async def test_a_bad_template_fails_the_delivery_with_a_clear_reason(shop, render_spy) -> None:
    order_id = uuid.uuid4()
    key = shop.copy_media(shop.SMALL)
    await shop.send(shop.placed(order_id, shop.line(key, "Web", spec("{{basename}}-{{colour}}"))))
    await shop.send(shop.paid(order_id))

    assert await shop.status(order_id) == "awaiting_trigger"
    assert await shop.outbox(order_id, "delivery.completed") == []
    [failed] = await shop.outbox(order_id, "delivery.failed")
    reason = failed["payload"]["reason"]
    assert "'Web'" in reason
    assert key in reason
    assert "{{colour}}" in reason
    assert not [call for call in render_spy.calls if call[0] == key.rsplit("/", 1)[1]]
