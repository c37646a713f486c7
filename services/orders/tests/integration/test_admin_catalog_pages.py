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
    created = await client.post(url, data={**NEW_OPTION, "license_id": "", "csrf": csrf})
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

    edit = {**NEW_OPTION, "name": "Print A3", "price": "60", "csrf": csrf, "license_id": new["id"]}
    saved = await client.post(url, data=edit)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{url}?done=saved"
    other = catalog[1].licenses[0].id  # another media's option: not through this page
    assert (await client.post(url, data={**edit, "license_id": str(other)})).status_code == 404
    api = (await client.get(f"/api/admin/media/{photo.id}/licenses", headers=admin_headers)).json()
    assert (api[-1]["name"], api[-1]["price"]) == ("Print A3", 6000)

    deleted = await client.post(f"/admin/licenses/{new['id']}/delete", data={"csrf": csrf})
    assert deleted.status_code == 303
    api = (await client.get(f"/api/admin/media/{photo.id}/licenses", headers=admin_headers)).json()
    assert len(api) == 2


def note_of(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{re.escape(field_id)}-note">([^<]*)</p>', html)
    assert match, f"no sentence next to {field_id}"
    return match.group(1)


async def test_a_refused_option_stays_on_the_page_with_a_sentence_next_to_the_field(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    """Issue 10: a failed save leaves the browser on the media page's own address (not on a
    POST-only URL), with what was typed and a sentence next to the wrong field, not
    "price: Value error, must be a number"."""
    csrf = await login(client)
    url = f"/admin/media/{catalog[0].id}"
    new = {**NEW_OPTION, "license_id": "", "csrf": csrf}
    refused = await client.post(url, data={**new, "file_name_template": "{{nope}}"})
    assert refused.status_code == 422
    assert str(refused.url).endswith(url), "the page's own address, which GET opens too"
    assert "{{nope}}" in note_of(refused.text, "new-file_name_template")
    assert 'value="Print A4"' in refused.text, "what was typed is kept"
    too_big = await client.post(url, data={**new, "mode": "long_edge", "long_edge": "9000"})
    assert too_big.status_code == 422
    assert "more pixels than the original" in note_of(too_big.text, "new-mode")
    for price in ("12.345", "lots"):
        bad_price = await client.post(url, data={**new, "price": price})
        assert bad_price.status_code == 422
        assert note_of(bad_price.text, "new-price") == (
            "Please enter the price as an amount, like 25.00."
        )
    fit = await client.post(url, data={**new, "width": "", "height": ""})
    assert "needs it" in note_of(fit.text, "new-width")
    letters = await client.post(url, data={**new, "width": "wide"})
    assert "as a number" in note_of(letters.text, "new-width")
    quality = await client.post(url, data={**new, "quality": "101"})
    assert note_of(quality.text, "new-quality") == "The JPEG quality must be at most 100."
    for page in (refused, too_big, bad_price, fit, letters, quality):
        assert "Value error" not in page.text
        assert "delivery." not in page.text
    edit = {**NEW_OPTION, "price": "x", "csrf": csrf, "license_id": str(catalog[0].licenses[0].id)}
    refused_edit = await client.post(url, data=edit)
    assert refused_edit.status_code == 422
    assert note_of(refused_edit.text, "l1-price").startswith("Please enter the price")
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
        (f"/admin/media/{catalog[0].id}", NEW_OPTION),
        (
            f"/admin/media/{catalog[0].id}",
            {**NEW_OPTION, "license_id": str(catalog[0].licenses[0].id)},
        ),
        (f"/admin/licenses/{catalog[0].licenses[0].id}/delete", {}),
        (f"/admin/media/{proof.id}/finalize", {}),
    ]
    for path, data in posts:
        for forged in ({}, {"csrf": "forged"}, {"csrf": csrf_of(html) + "x"}):
            response = await client.post(path, data={**data, **forged})
            assert response.status_code == 401, path
    assert await history_details(service, uuid.UUID(placed["id"])) == ["placed"]
    assert len(await outbox_rows(service)) == 1, "only order.placed"
