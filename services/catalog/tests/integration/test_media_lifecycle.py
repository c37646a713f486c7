"""Editing, states, replacing the file, deleting (refused while an unfinished order uses the
media: learnt from order.placed / order.cancelled / delivery.completed)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from shop_catalog.bootstrap import CatalogRoot
from shop_contracts.common import ClientContact
from shop_contracts.envelope import MessageBody
from shop_contracts.events import DeliveryCompleted, OrderCancelled

from .. import media_factories as files

URL = "/api/admin/media"
CLIENT = ClientContact(name="Ada Client", email="ada@example.com")


async def uploaded(client: httpx.AsyncClient, seed: int, **size: int) -> dict[str, Any]:
    data = files.jpeg_bytes(size.get("width", 600), size.get("height", 400), seed=seed)
    response = await client.post(URL, files={"file": ("x.jpg", data)})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def send(root: CatalogRoot, message: MessageBody, order_id: uuid.UUID) -> bool:
    return await root.router.handle(message.envelope(correlation_id=order_id), message)


async def outbox(query: Any, media_id: str, message_type: str) -> list[dict[str, Any]]:
    return await query(
        "SELECT envelope FROM outbox WHERE correlation_id = :id AND message_type = :t",
        id=uuid.UUID(media_id),
        t=message_type,
    )


async def test_edit_title_caption_keywords_and_state(
    client: httpx.AsyncClient, root: CatalogRoot, query: Any
) -> None:
    media = await uploaded(client, 51)
    url = f"{URL}/{media['id']}"
    edited = await client.patch(
        url,
        json={
            "title": "  Harbour  at dawn ",
            "caption": "Boats",
            "keywords": ["sea", "Sea", "boat"],
        },
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["title"] == "Harbour at dawn"
    assert body["caption"] == "Boats"
    assert body["keywords"] == ["sea", "boat"]
    assert (await client.patch(url, json={"caption": None})).json()["caption"] is None
    assert (await client.patch(url, json={"title": "  "})).status_code == 422
    for bad in ({"title": "a\u0000b"}, {"title": "a\nb"}, {"keywords": ["x\u0000"]}):
        assert (await client.patch(url, json=bad)).status_code == 422, bad
    assert (await client.patch(url, json={"state": "draft"})).status_code == 422
    assert (await client.patch(url, json={"width": 5})).status_code == 422
    assert (await client.patch(url, json={"state": "proof"})).json()["state"] == "proof"
    assert await outbox(query, media["id"], "media.finalized") == []
    final = await client.patch(url, json={"state": "final"})
    assert final.json()["state"] == "final"
    finalized = await outbox(query, media["id"], "media.finalized")
    assert len(finalized) == 1
    assert finalized[0]["envelope"]["payload"]["media_key"] == media["media_key"]
    back = await client.patch(url, json={"state": "proof"})
    assert back.status_code == 409
    assert (await client.patch(f"{URL}/{uuid.uuid4()}", json={"title": "x"})).status_code == 404
    await root.previews.idle()


async def test_list_search_and_cursor(client: httpx.AsyncClient, root: CatalogRoot) -> None:
    tag = uuid.uuid4().hex[:8]
    ids = []
    for n in range(3):
        media = await uploaded(client, 60 + n, width=200 + n, height=150)
        await client.patch(f"{URL}/{media['id']}", json={"keywords": [f"k{tag}"]})
        ids.append(media["id"])
    await client.patch(f"{URL}/{ids[0]}", json={"title": f"Only {tag} title"})
    first = (await client.get(URL, params={"q": f"k{tag}", "limit": 2})).json()
    assert [m["id"] for m in first["media"]] == [ids[2], ids[1]]
    rest = (await client.get(URL, params={"q": f"k{tag}", "cursor": first["next_cursor"]})).json()
    assert [m["id"] for m in rest["media"]] == [ids[0]]
    assert rest["next_cursor"] is None
    by_title = (await client.get(URL, params={"q": f"only {tag}"})).json()
    assert [m["id"] for m in by_title["media"]] == [ids[0]]
    assert (await client.get(URL, params={"q": "100%_"})).status_code == 200
    assert (await client.get(URL, params={"cursor": "garbage!"})).status_code == 422
    await root.previews.idle()


async def test_replace_keeps_id_and_key_and_drops_previews(
    client: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    root: CatalogRoot,
    media_root: Path,
    preview_dir: Path,
    query: Any,
) -> None:
    media = await uploaded(client, 70, width=800, height=500)
    await root.previews.idle()
    old_thumb = (await anonymous.get(f"/previews/{media['id']}/thumb.jpg")).content
    assert (preview_dir / media["id"] / "r1").is_dir()
    new = files.jpeg_bytes(1000, 700, seed=71)
    response = await client.put(f"{URL}/{media['id']}/file", files={"file": ("new.jpg", new)})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == media["id"]
    assert body["media_key"] == media["media_key"]
    assert body["file_revision"] == 2
    assert (body["width"], body["height"]) == (1000, 700)
    assert (media_root / media["media_key"]).read_bytes() == new
    assert not (preview_dir / media["id"] / "r1").exists()
    assert body["thumbnail_url"].endswith("thumb.jpg?v=2")
    new_thumb = await anonymous.get(f"/previews/{media['id']}/thumb.jpg")
    assert new_thumb.content != old_thumb
    replaced = await outbox(query, media["id"], "catalog.media_file_replaced")
    assert [r["envelope"]["payload"]["media_key"] for r in replaced] == [media["media_key"]]
    # Another type, a broken file, a file already in the library: refused, the file stays.
    for data, status in (
        (files.png_bytes(), 415),
        (new[:3000], 422),
        (files.jpeg_bytes(600, 400, seed=51), 409),  # the edit test's file
    ):
        refused = await client.put(f"{URL}/{media['id']}/file", files={"file": ("r.jpg", data)})
        assert refused.status_code == status, refused.text
        assert (media_root / media["media_key"]).read_bytes() == new
    await root.previews.idle()


async def test_delete_refused_while_an_unfinished_order_uses_it(
    client: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    root: CatalogRoot,
    media_root: Path,
    query: Any,
) -> None:
    used = await uploaded(client, 80)
    other = await uploaded(client, 81)
    order_id, cancelled_id = uuid.uuid4(), uuid.uuid4()
    ids = uuid.UUID(used["id"]), uuid.UUID(other["id"])
    assert await send(root, files.order_placed(order_id, *ids), order_id)
    assert await send(root, files.order_placed(cancelled_id, ids[1]), cancelled_id)
    refused = await client.delete(f"{URL}/{used['id']}")
    assert refused.status_code == 409
    assert "unfinished order" in refused.json()["detail"]
    cancelled = OrderCancelled(order_id=cancelled_id, number="n", client=CLIENT)
    await send(root, cancelled, cancelled_id)
    assert (await client.delete(f"{URL}/{other['id']}")).status_code == 409  # the first order
    delivered = DeliveryCompleted(
        order_id=order_id,
        number="n",
        client=CLIENT,
        downloads_url="https://d.example/x",
        files=[],
        forced=False,
        delivered_at=datetime.now(UTC),
    )
    await send(root, delivered, order_id)
    # A redelivered (or late) order.placed of a finished order uses nothing any more.
    again = files.order_placed(order_id, *ids)
    await root.router.handle(again.envelope(correlation_id=order_id), again)
    deleted = await client.delete(f"{URL}/{used['id']}")
    assert deleted.status_code == 204
    row = (await query("SELECT withdrawn_at FROM media WHERE id = :id", id=ids[0]))[0]
    assert row["withdrawn_at"] is not None
    assert (media_root / used["media_key"]).is_file()  # kept for re-issued links
    withdrawn = await outbox(query, used["id"], "catalog.media_withdrawn")
    assert len(withdrawn) == 1
    assert (await anonymous.get(f"/previews/{used['id']}/thumb.jpg")).status_code == 404
    listed = (await client.get(URL, params={"limit": 200})).json()["media"]
    assert used["id"] not in [m["id"] for m in listed]
    assert (await client.delete(f"{URL}/{used['id']}")).status_code == 204  # already done
    assert (await client.patch(f"{URL}/{used['id']}", json={"title": "x"})).status_code == 409
    assert (await client.delete(f"{URL}/{uuid.uuid4()}")).status_code == 404
    await root.previews.idle()


async def test_catalog_settings(client: httpx.AsyncClient) -> None:
    current = (await client.get("/api/admin/catalog-settings")).json()
    assert set(current) == {"offer_only_final", "watermark"}
    mark = {
        k: current["watermark"][k] for k in ("kind", "text", "position", "size_pct", "opacity_pct")
    }
    on = await client.put(
        "/api/admin/catalog-settings", json={"offer_only_final": True, "watermark": mark}
    )
    assert on.status_code == 200
    assert on.json()["offer_only_final"] is True
    assert on.json()["watermark"]["version"] == current["watermark"]["version"]  # same look
    bad = {**mark, "size_pct": 0}
    assert (
        await client.put(
            "/api/admin/catalog-settings", json={"offer_only_final": True, "watermark": bad}
        )
    ).status_code == 422
    empty_text = {**mark, "kind": "text", "text": "  "}
    refused = await client.put(
        "/api/admin/catalog-settings", json={"offer_only_final": True, "watermark": empty_text}
    )
    assert refused.status_code == 422
    await client.put(
        "/api/admin/catalog-settings", json={"offer_only_final": False, "watermark": mark}
    )
