"""Rights-managed offers on the storefront: the media's JSON, the price endpoint
(PhotoDeck's example: base 100, size base ratio 200, A3 ratio 300 -> 150; 422 naming the
group or option), the media page (one select per group, base preselected, the price of the
chosen options rendered on the server, the add-to-cart form's fields, quantity tiers), amounts
in the client's locale."""

from __future__ import annotations

import uuid

import httpx

from shop_catalog.bootstrap import CatalogRoot

from .conftest import AddMedia, row
from .test_rights_managed_admin import rm_body
from .test_storefront_pages import BROWSER, visitor


async def rm_photo(client: httpx.AsyncClient, add_media: AddMedia) -> tuple[uuid.UUID, str]:
    """A photo in a public gallery priced with PhotoDeck's RM profile and a royalty-free row."""
    photo = await add_media("Fjord at Noon")
    rm = await client.post("/api/admin/pricing-profiles", json=rm_body())
    assert rm.status_code == 201, rm.text
    rf = await client.post(
        "/api/admin/pricing-profiles", json={"name": "RF", "rows": [row("Web", 2500)]}
    )
    gallery = await client.post(
        "/api/admin/galleries",
        json={"title": "Fjords", "pricing_profile_ids": [rm.json()["id"], rf.json()["id"]]},
    )
    await client.put(
        f"/api/admin/galleries/{gallery.json()['id']}/media", json={"media_ids": [str(photo)]}
    )
    return photo, str(rm.json()["id"])


async def test_the_media_json_has_the_rm_offer(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, add_media: AddMedia
) -> None:
    photo, profile_id = await rm_photo(client, add_media)
    media = (await anonymous.get(f"/api/media/{photo}")).json()
    rm, rf = media["offers"]
    assert rm["kind"] == "rights_managed"
    assert rm["profile_id"] == profile_id
    assert (rm["base_price"], rm["minimum_price"], rm["price"]) == (10000, None, 10000)
    assert rm["from_price"] == 10000  # A4 and Web are the cheapest options
    assert rm["groups"][0] == {
        "name": "Size",
        "base_option": "A4",
        "options": [{"name": "A4", "ratio": "200"}, {"name": "A3", "ratio": "300"}],
    }
    assert rm["quantity_tiers"] == [{"min_quantity": 3, "percent": "10"}]
    assert (rf["kind"], rf["price"], rf["quantity_tiers"]) == ("royalty_free", 2500, [])
    assert media["currency"] == "EUR"


async def test_the_price_endpoint_prices_a_usage_or_names_the_group(
    client: httpx.AsyncClient, anonymous: httpx.AsyncClient, add_media: AddMedia
) -> None:
    photo, profile_id = await rm_photo(client, add_media)
    url = f"/api/media/{photo}/price"
    a3 = {"profile_id": profile_id, "options[Size]": "A3", "options[Usage]": "Web"}
    priced = await anonymous.get(url, params=a3)
    assert priced.status_code == 200, priced.text
    body = priced.json()
    assert (body["price"], body["usage"]) == (15000, {"Size": "A3", "Usage": "Web"})
    assert (body["currency"], body["price_text"]) == ("EUR", "150.00 EUR")
    assert body["usage_text"] == "Size: A3; Usage: Web"
    french = await anonymous.get(url, params=a3, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert french.json()["price_text"] == "150,00\u00a0€"
    print_a3 = await anonymous.get(url, params=a3 | {"options[Usage]": "Print"})
    assert print_a3.json()["price"] == 22500
    refusals = [
        ({"profile_id": profile_id, "options[Size]": "A3"}, "options[Usage]"),
        (a3 | {"options[Size]": "A0"}, "options[Size]"),
        (a3 | {"options[Colour]": "Red"}, "options[Colour]"),
        (a3 | {"profile_id": str(uuid.uuid4())}, "profile_id"),
        ({"options[Size]": "A3"}, "profile_id"),
    ]
    for params, field in refusals:
        refused = await anonymous.get(url, params=params)
        assert refused.status_code == 422, (params, refused.text)
        assert [f["field"] for f in refused.json()["fields"]] == [field], refused.json()
    twice = await anonymous.get(f"{url}?profile_id={profile_id}&options[Size]=A3&options[Size]=A4")
    assert twice.status_code == 422
    hidden = await add_media("Not in any gallery")
    assert (await anonymous.get(f"/api/media/{hidden}/price", params=a3)).status_code == 404


async def test_the_media_page_picks_a_usage_and_shows_its_price(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    photo, profile_id = await rm_photo(client, add_media)
    async with visitor(root) as browser:
        page = await browser.get(f"/media/{photo}")
        assert page.status_code == 200
        text = page.text
        assert 'action="http://orders.test/cart/lines"' in text
        assert f'name="media_id" value="{photo}"' in text
        assert f'name="profile_id" value="{profile_id}"' in text
        assert 'name="options[Size]"' in text
        assert 'name="options[Usage]"' in text
        assert '<option value="A4" selected>' in text  # the base option preselected
        assert '<option value="A3">' in text
        assert "100.00 EUR" in text  # the base usage's price
        assert "3+ files: \u221210 %" in text
        assert 'src="/static/catalog/media-price.js"' in text
        assert f'formaction="/media/{photo}"' in text
        assert 'formmethod="get"' in text
        assert "<script>" not in text
        chosen = await browser.get(
            f"/media/{photo}",
            params={"profile_id": profile_id, "options[Size]": "A3", "options[Usage]": "Web"},
        )
        assert chosen.status_code == 200
        assert '<option value="A3" selected>' in chosen.text
        assert "150.00 EUR" in chosen.text  # PhotoDeck's example, rendered on the server
        refused = await browser.get(
            f"/media/{photo}", params={"profile_id": profile_id, "options[Size]": "A0"}
        )
        assert refused.status_code == 422
        assert "Please choose again: Size:" in refused.text
        french = await browser.get(
            f"/media/{photo}",
            params={"profile_id": profile_id, "options[Size]": "A3"},
            headers=BROWSER | {"Accept-Language": "fr-FR"},
        )
        assert "150,00\u00a0€" in french.text
        assert "25,00\u00a0€" in french.text  # the royalty-free row in the same locale
        script = await browser.get("/static/catalog/media-price.js")
        assert script.status_code == 200
        assert "data-price-url" in script.text


async def test_grids_show_the_lowest_price_in_the_clients_locale(
    client: httpx.AsyncClient, root: CatalogRoot, add_media: AddMedia
) -> None:
    word = uuid.uuid4().hex[:8]
    photo = await add_media(f"Glacier {word}", keywords=[word])
    rm = await client.post(
        "/api/admin/pricing-profiles", json=rm_body(minimum_price=None, base_price=123456)
    )
    made = await client.post(
        "/api/admin/galleries",
        json={"title": f"RM {word}", "pricing_profile_ids": [rm.json()["id"]]},
    )
    await client.put(
        f"/api/admin/galleries/{made.json()['id']}/media", json={"media_ids": [str(photo)]}
    )
    async with visitor(root) as browser:
        page = await browser.get(f"/g/{made.json()['slug']}")
        assert "From 1,234.56 EUR" in page.text
        german = await browser.get(
            "/search", params={"q": word}, headers=BROWSER | {"Accept-Language": "de-DE"}
        )
        assert "From 1.234,56\u00a0€" in german.text
