"""Re-issuing download links, and delivery's later facts recorded in the order's history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx

from shop_contracts.common import ClientContact
from shop_contracts.events import (
    DeliveredFile,
    DeliveryCompleted,
    DeliveryFilesReleased,
    DownloadLinksReissued,
)
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import deliver, handle, history_details, order_body, outbox_rows, pay

CONTACT = ClientContact(name="Ada Client", email="ada@example.com")


def files(n: int) -> list[DeliveredFile]:
    return [
        DeliveredFile(line_id=uuid.uuid4(), file_name=f"f{i}.jpg", size_bytes=9) for i in range(n)
    ]


async def place(client: httpx.AsyncClient, catalog: list[Media]) -> uuid.UUID:
    return uuid.UUID((await client.post("/api/orders", json=order_body(catalog))).json()["id"])


async def test_reissue_links_only_for_a_delivered_order(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
    service: OrdersRoot,
) -> None:
    order_id = await place(client, catalog)
    url = f"/api/admin/orders/{order_id}/reissue-links"
    refused = await client.post(url, headers=admin_headers)
    assert refused.status_code == 409
    assert "only a delivered order" in refused.json()["detail"]
    await pay(service, order_id)
    assert (await client.post(url, headers=admin_headers)).status_code == 409
    await deliver(service, order_id)
    done = await client.post(url, headers=admin_headers)
    assert done.status_code == 202
    assert "reissue-links" in done.json()["allowed_actions"]
    command = (await outbox_rows(service, order_id))[-1]
    assert command["message_type"] == "delivery.reissue_links"
    assert command["exchange"] == "shop.commands"
    assert command["envelope"]["payload"] == {
        "order_id": str(order_id),
        "requested_by": "Owner (ADMIN_TOKEN)",  # Principal.label: the person (issue 14)
    }
    assert (await history_details(service, order_id))[-1] == "download links re-issue requested"
    assert (
        await client.post(f"/api/admin/orders/{uuid.uuid4()}/reissue-links", headers=admin_headers)
    ).status_code == 404
    assert (await client.post(url)).status_code == 401


async def test_delivery_facts_land_in_the_history(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order_id = await place(client, catalog)
    await pay(service, order_id)
    now = datetime.now(UTC)
    url = f"http://delivery.test/orders/{order_id}/downloads?token=secret-token"
    completed = DeliveryCompleted(
        order_id=order_id,
        number="PL-1",
        client=CONTACT,
        downloads_url=url,
        files=files(1),
        forced=False,
        delivered_at=now,
        held_line_ids=[uuid.uuid4(), uuid.uuid4()],
    ).envelope(correlation_id=order_id)
    reissued = DownloadLinksReissued(
        order_id=order_id, number="PL-1", client=CONTACT, downloads_url=url, files=files(3)
    ).envelope(correlation_id=order_id)
    released = DeliveryFilesReleased(
        order_id=order_id, number="PL-1", client=CONTACT, downloads_url=url, files=files(2)
    ).envelope(correlation_id=order_id)
    for envelope in (completed, reissued, released):
        assert await handle(service, envelope) is True
        assert await handle(service, envelope) is False, "a duplicate does nothing"
    history = await history_details(service, order_id)
    assert history == [
        "placed",
        "paid (card)",
        "delivered",
        "2 proof files held until Final",
        "download links re-issued (3 files)",
        "2 files released once marked Final",
    ]
    assert not any("secret-token" in h for h in history), "no token in the history"
