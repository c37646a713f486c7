"""The admin's media pages: license option forms, Mark as Final, CSRF on every admin form."""

from __future__ import annotations

import re
import uuid

import httpx

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import deliver, history_details, order_body, outbox_rows
from .test_admin_catalog import add_oversized, add_proof
from .test_pages import csrf_of, login

NEW_OPTION = {
    "name": "Print A4",
    "price": "45.50",
    "mode": "fit",
    "width": "3508",
    "height": "2480",
    "format": "jpeg",
    "quality": "92",
    "video_max_height": "",
    "file_name_template": "{{order}}-{{basename}}",
    "link_expiry_days": "7",
    "max_downloads": "",
    "usage_terms": "One print run.",
}


async def test_media_pages_list_and_show_the_options(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    await add_oversized(service, catalog[0])
    await login(client)
    listing = await client.get("/admin/media")
    assert listing.status_code == 200
    assert "Alpine Lake" in listing.text
    assert f'href="/admin/media/{catalog[0].id}"' in listing.text
    page = await client.get(f"/admin/media/{catalog[0].id}")
    assert page.status_code == 200
    assert 'value="25.00"' in page.text, "prices in the currency's units"
    assert "not offered: bigger than the original" in page.text
    assert "Mark as Final" not in page.text, "a final media has no button"
    assert (await client.get(f"/admin/media/{uuid.uuid4()}")).status_code == 404
    assert (await client.get("/admin/media", follow_redirects=False)).status_code == 200


async def test_create_edit_delete_an_option_from_the_page(
    client: httpx.AsyncClient,
    catalog: list[Media],
    admin_headers: dict[str, str],
) -> None:
    csrf = await login(client)
    photo = catalog[0]
    url = f"/admin/media/{photo.id}"
    created = await client.post(f"{url}/licenses", data={**NEW_OPTION, "csrf": csrf})
    assert created.status_code == 303, created.text
    assert created.headers["location"] == f"{url}?done=created"
    api = (await client.get(f"/api/admin/media/{photo.id}/licenses", headers=admin_headers)).json()
    new = api[-1]
    assert (new["name"], new["price"], new["usage_terms"]) == ("Print A4", 4550, "One print run.")
    assert new["delivery"]["mode"] == "fit"
    assert new["delivery"]["link_expiry_days"] == 7
    assert "max_downloads" not in new["delivery"]
    page = await client.get(created.headers["location"])
    assert "License option created." in page.text

    edit = {**NEW_OPTION, "name": "Print A3", "price": "60", "csrf": csrf}
    saved = await client.post(f"/admin/licenses/{new['id']}", data=edit)
    assert saved.status_code == 303
    api = (await client.get(f"/api/admin/media/{photo.id}/licenses", headers=admin_headers)).json()
    assert (api[-1]["name"], api[-1]["price"]) == ("Print A3", 6000)

    deleted = await client.post(f"/admin/licenses/{new['id']}/delete", data={"csrf": csrf})
    assert deleted.status_code == 303
    api = (await client.get(f"/api/admin/media/{photo.id}/licenses", headers=admin_headers)).json()
    assert len(api) == 2


async def test_a_refused_option_shows_the_page_again_naming_the_problem(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    csrf = await login(client)
    url = f"/admin/media/{catalog[0].id}/licenses"
    bad_template = {**NEW_OPTION, "file_name_template": "{{nope}}", "csrf": csrf}
    refused = await client.post(url, data=bad_template)
    assert refused.status_code == 422
    assert "{{nope}}" in refused.text
    assert "delivery.file_name_template" in refused.text
    assert 'value="Print A4"' in refused.text, "what was typed is kept"
    too_big = {**NEW_OPTION, "mode": "long_edge", "long_edge": "9000", "csrf": csrf}
    refused = await client.post(url, data=too_big)
    assert refused.status_code == 422
    assert "more pixels than the original" in refused.text
    bad_price = await client.post(url, data={**NEW_OPTION, "price": "12.345", "csrf": csrf})
    assert bad_price.status_code == 422
    assert "price" in bad_price.text
    listed = await client.get(f"/api/admin/media/{catalog[0].id}/licenses", headers=admin_headers)
    assert len(listed.json()) == 2


async def test_mark_as_final_button(client: httpx.AsyncClient, service: OrdersRoot) -> None:
    proof = await add_proof(service)
    csrf = await login(client)
    url = f"/admin/media/{proof.id}"
    page = await client.get(url)
    assert ">Mark as Final</button>" in page.text
    done = await client.post(f"{url}/finalize", data={"csrf": csrf})
    assert done.status_code == 303
    page = await client.get(done.headers["location"])
    assert "Marked as Final" in page.text
    assert ">Mark as Final</button>" not in page.text
    again = await client.post(f"{url}/finalize", data={"csrf": csrf})
    assert again.status_code == 409
    assert "already final" in again.text
    assert len(await outbox_rows(service, proof.id)) == 1


async def test_reissue_links_button_on_a_delivered_order(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    order_id = uuid.UUID(placed["id"])
    csrf = await login(client)
    url = f"/admin/orders/{order_id}"
    assert "Re-issue download links" not in (await client.get(url)).text
    await deliver(service, order_id, forced=True)
    assert ">Re-issue download links</button>" in (await client.get(url)).text
    done = await client.post(f"{url}/reissue-links", data={"csrf": csrf})
    assert done.status_code == 303
    assert "fresh links" in (await client.get(done.headers["location"])).text
    assert (await history_details(service, order_id))[-1] == "download links re-issue requested"
    assert (await outbox_rows(service, order_id))[-1]["message_type"] == "delivery.reissue_links"


async def test_every_admin_form_carries_the_csrf_token_and_a_forged_post_changes_nothing(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    proof = await add_proof(service)
    csrf = await login(client)
    pages = ["/admin", f"/admin/orders/{placed['id']}", "/admin/settings", "/admin/media"]
    pages += [f"/admin/media/{catalog[0].id}", f"/admin/media/{proof.id}"]
    for path in pages:
        html = (await client.get(path)).text
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.S)
        assert forms, path
        for form in forms:
            assert f'name="csrf" value="{csrf}"' in form, path
    posts = [
        (f"/admin/orders/{placed['id']}/cancel", {}),
        ("/admin/settings", {"seller_email": "evil@example.com"}),
        (f"/admin/media/{catalog[0].id}/licenses", NEW_OPTION),
        (f"/admin/licenses/{catalog[0].licenses[0].id}", NEW_OPTION),
        (f"/admin/licenses/{catalog[0].licenses[0].id}/delete", {}),
        (f"/admin/media/{proof.id}/finalize", {}),
    ]
    for path, data in posts:
        for forged in ({}, {"csrf": "forged"}, {"csrf": csrf_of(html) + "x"}):
            response = await client.post(path, data={**data, **forged})
            assert response.status_code == 401, path
    assert await history_details(service, uuid.UUID(placed["id"])) == ["placed"]
    assert len(await outbox_rows(service)) == 1, "only order.placed"
