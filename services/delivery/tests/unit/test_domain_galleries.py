"""Whole-gallery lines expanded into files (pure), and free downloads refusing orders' moves."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from shop_contracts.common import DeliverySpec, GalleryMember, OrderLine
from shop_delivery.domain import Delivery, DeliveryKind, IllegalTransitionError, Trigger
from shop_delivery.domain.galleries import GalleryCopy, GalleryLine, expand
from shop_delivery.domain.items import DeliveryItem, ItemKind

ORDER = uuid.uuid4()
SPEC = DeliverySpec(mode="long_edge", long_edge=640)
NOW = datetime(2026, 1, 2, tzinfo=UTC)


def member(key: str, state: str = "undefined") -> GalleryMember:
    return GalleryMember(
        media_id=uuid.uuid4(),
        media_key=key,
        title=key,
        kind="image",
        width=10,
        height=10,
        state=state,  # type: ignore[arg-type]
    )


def item(position: int, key: str, kind: ItemKind = ItemKind.MEDIA) -> DeliveryItem:
    return DeliveryItem(
        id=uuid.uuid4(),
        order_id=ORDER,
        line_id=uuid.uuid4(),
        media_id=uuid.uuid4(),
        media_key=key,
        media_kind="image",
        license_name="Web",
        spec={},
        position=position,
        kind=kind,
    )


def line(gallery_id: uuid.UUID, *members: GalleryMember) -> OrderLine:
    return OrderLine(
        line_id=uuid.uuid4(),
        media_id=gallery_id,
        media_title="Placed title",
        media_kind="image",
        media_key="",
        license_id=gallery_id,
        license_name="Whole",
        price=100,
        delivery=SPEC,
        gallery_id=gallery_id,
        members=list(members),
    )


def test_gallery_files_take_the_lines_place_and_everything_is_renumbered() -> None:
    gallery = uuid.uuid4()
    a, b, c = member("a.jpg"), member("b.jpg", "proof"), member("c.jpg")
    first, last = item(0, "x.jpg"), item(2, "y.jpg")
    terms = item(3, "terms", ItemKind.TERMS)
    copy = GalleryCopy(gallery, 4, "Now", [a, b, b])
    expansion = expand(
        ORDER, [terms, last, first], [GalleryLine(1, line(gallery, c))], {gallery: copy}
    )
    assert [i.media_key for i in expansion.items] == ["x.jpg", "a.jpg", "b.jpg", "y.jpg", "terms"]
    assert [i.position for i in expansion.items] == [0, 1, 2, 3, 4]
    assert [i.media_key for i in expansion.added] == ["a.jpg", "b.jpg"]  # b once
    assert {i.gallery_title for i in expansion.added} == {"Now"}
    assert [i.media_status for i in expansion.added] == ["final", "proof"]
    assert {i.license_name for i in expansion.added} == {"Whole"}
    assert expansion.added[0].spec["long_edge"] == 640


@pytest.mark.parametrize(
    "copy",
    [None, GalleryCopy(uuid.uuid4(), 2, "Gone", [], deleted=True)],
    ids=["unknown", "deleted"],
)
def test_without_a_usable_copy_the_lines_files_are_delivered(copy: GalleryCopy | None) -> None:
    gallery = uuid.uuid4()
    placed = line(gallery, member("p.jpg"), member("q.jpg"))
    copies = {gallery: copy} if copy else {}
    expansion = expand(ORDER, [], [GalleryLine(0, placed)], copies)
    assert [i.media_key for i in expansion.items] == ["p.jpg", "q.jpg"]
    assert {i.gallery_title for i in expansion.items} == {"Placed title"}
    assert {i.line_id for i in expansion.items} == {placed.line_id}


def test_a_free_download_refuses_orders_moves() -> None:
    free = Delivery(
        uuid.uuid4(), "FREE-1", "bo@example.com", "bo@example.com", kind=DeliveryKind.FREE
    )
    for trigger in (Trigger.PAYMENT, Trigger.FORCE):
        with pytest.raises(IllegalTransitionError, match="free download"):
            free.start(trigger, NOW)
    order = Delivery(uuid.uuid4(), "2026-1", "Ada", "ada@example.com")
    with pytest.raises(IllegalTransitionError, match="not a free download"):
        order.start(Trigger.GRANT, NOW)
    free.start(Trigger.GRANT, NOW)
    free.mark_delivered(NOW)
    with pytest.raises(IllegalTransitionError, match="free download"):
        free.require_live("re-issue download links")
