"""Issue 4's flows across the real processes: re-issued links, Proof files held until Final."""

from __future__ import annotations

import asyncio

from .catalog_helpers import new_gallery, new_price_list, row, upload_jpeg


async def delivered_order(shop, item, email):
    order = await shop.client.place_order([item], email=email)
    response = await shop.client.admin_command(order["id"], "mark-paid")
    assert response.status_code == 202, response.text
    await shop.client.wait_for_order(order, status="delivered")
    return order


async def file_links(shop, order):
    page = await shop.client.download_page(order)
    return page.links_containing("/downloads/")


async def test_reissued_links_replace_the_old_ones_and_are_emailed(shop, web_item):
    client = shop.new_email("reissue")
    order = await delivered_order(shop, web_item, client)
    await shop.email_to(client, containing=f"/orders/{order['id']}/downloads")
    [old_link] = await file_links(shop, order)
    assert (await shop.client.http.get(old_link)).status_code == 200

    url = shop.client.url("orders", f"/api/admin/orders/{order['id']}/reissue-links")
    response = await shop.client.http.post(url, headers=shop.client.admin)
    assert response.status_code == 202, response.text

    await shop.email_to(client, containing="New download links")
    for _ in range(100):  # the page shows the new link once delivery has re-issued them
        links = await file_links(shop, order)
        if links and links != [old_link]:
            break
        await asyncio.sleep(0.2)
    [new_link] = links
    assert new_link != old_link
    assert (await shop.client.http.get(old_link)).status_code == 404  # revoked
    assert (await shop.client.http.get(new_link)).status_code == 200
    history = (await shop.client.admin_order(order["id"]))["history"]
    assert any("re-issue" in (h.get("detail") or "").lower() for h in history), history

    undelivered = await shop.client.place_order([web_item], email=shop.new_email("unpaid"))
    path = f"/api/admin/orders/{undelivered['id']}/reissue-links"
    refused = await shop.client.http.post(
        shop.client.url("orders", path), headers=shop.client.admin
    )
    assert refused.status_code == 409


async def order_of_a_proof(shop, item, email, timeout=30.0):
    """An order whose line orders' read model already knows as a Proof (catalog's
    MediaOffered reaches orders a moment after the PATCH): earlier tries are cancelled."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        order = await shop.client.place_order([item], email=email)
        [line] = (await shop.client.get_order(order))["items"]
        if line["media_status"] == "proof":
            return order
        cancelled = await shop.client.admin_command(order["id"], "cancel")
        assert cancelled.status_code == 202, cancelled.text
        assert asyncio.get_running_loop().time() < deadline, "orders never saw the Proof state"
        await asyncio.sleep(0.3)


async def test_a_proof_is_held_until_marked_final_then_delivered(shop, tmp_path):
    """A file of the photographer's own (a Final file never goes back to Proof)."""
    media = await upload_jpeg(shop, tmp_path, title="Proof check", keywords=["proof"], seed=21)
    prices = await new_price_list(
        shop, row("Proof check", 2500, {"mode": "long_edge", "long_edge": 640})
    )
    await new_gallery(
        shop, [media["id"]], visibility="unlisted", pricing_profile_ids=[prices["id"]]
    )
    item = {"media_id": media["id"], "license_id": prices["rows"][0]["id"]}
    await shop.client.wait_for_offer(item["media_id"], item["license_id"])
    admin_media = shop.client.url("catalog", f"/api/admin/media/{media['id']}")
    headers = shop.client.admin
    proof = await shop.client.http.patch(admin_media, headers=headers, json={"state": "proof"})
    assert proof.status_code == 200, proof.text
    await shop.client.settings("delivery", deliver_only_final=True)
    try:
        client = shop.new_email("proof")
        order = await order_of_a_proof(shop, item, client)
        response = await shop.client.admin_command(order["id"], "mark-paid")
        assert response.status_code == 202, response.text
        await shop.client.wait_for_order(order, status="delivered")
        held = await shop.email_to(client, containing="once final")
        assert "/downloads" in shop.link_in(held, "/downloads")
        assert await file_links(shop, order) == []  # nothing to download yet

        final = await shop.client.http.patch(admin_media, headers=headers, json={"state": "final"})
        assert final.status_code == 200, final.text
        await shop.email_to(client, containing="More files ready")
        [link] = await file_links(shop, order)
        download = await shop.client.http.get(link)
        assert download.status_code == 200
        assert download.headers["content-type"] == "image/jpeg"
    finally:
        await shop.client.settings("delivery", deliver_only_final=False)
        await shop.client.http.patch(admin_media, headers=headers, json={"state": "final"})
