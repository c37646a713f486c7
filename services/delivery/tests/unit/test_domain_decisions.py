"""What a delivery decides in the domain: which Proof files it holds back, the links it opens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shop_delivery.domain import DeliveryPolicy
from shop_delivery.domain.items import DeliveryItem, ItemKind
from shop_delivery.domain.links import earliest_expiry, new_links

NOW = datetime(2026, 1, 2, tzinfo=UTC)
ORDER = uuid.uuid4()


def item(status: str = "final", kind: ItemKind = ItemKind.MEDIA, **spec: Any) -> DeliveryItem:
    return DeliveryItem(
        id=uuid.uuid4(),
        order_id=ORDER,
        line_id=uuid.uuid4(),
        media_id=uuid.uuid4(),
        media_key="demo/a.jpg",
        media_kind="image",
        license_name="Web",
        spec=spec,
        kind=kind,
        media_status=status,
    )


def test_proofs_are_held_only_with_deliver_only_final_and_until_marked_final() -> None:
    proof, marked, final, terms = item("proof"), item("proof"), item(), item(kind=ItemKind.TERMS)
    items = [proof, marked, final, terms]

    assert DeliveryPolicy().held_back(items, finalized=set()) == []
    holding = DeliveryPolicy(deliver_only_final=True)
    assert holding.held_back(items, finalized={marked.media_id}) == [proof]


def test_new_links_take_each_license_limits_or_the_defaults() -> None:
    policy = DeliveryPolicy(link_expiry_days=30, max_downloads=10)
    own, default = item(link_expiry_days=3, max_downloads=2), item(link_expiry_days="x")

    links = new_links(ORDER, [own, default], policy, NOW)

    assert [(link.item_id, link.max_downloads) for link in links] == [(own.id, 2), (default.id, 10)]
    assert [link.expires_at - NOW for link in links] == [timedelta(days=3), timedelta(days=30)]
    assert all(link.download_count == 0 and link.revoked_at is None for link in links)
    assert earliest_expiry(links) == NOW + timedelta(days=3)
    assert earliest_expiry([]) is None
