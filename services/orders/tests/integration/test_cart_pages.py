"""The cart's pages (issue 11): the catalog's "Add to cart" forms post to `/cart/lines`
from the shop's own origins only; the cart cookie; the cart page (license choice, remove,
total, shareable link, Checkout); a shared cart's link; `/` goes to the catalog's home."""

from __future__ import annotations

import dataclasses
import re

import httpx
from fastapi import Response
from sqlalchemy import func, select

from shop_orders.api.cart_pages import set_cart_cookie
from shop_orders.bootstrap import OrdersRoot
from shop_orders.db.tables import carts
from shop_orders.domain.catalog import Media

from .read_model import gallery_snapshot, offer, withdrawn

CATALOG = {"Origin": "http://catalog.test"}


def _add(media: Media, index: int = 0) -> dict[str, str]:
    return {"media_id": str(media.id), "license_id": str(media.licenses[index].id)}


async def _cart_count(service: OrdersRoot) -> int:
    async with service.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(carts)) or 0)


async def test_the_home_page_is_the_catalogs(client: httpx.AsyncClient) -> None:
    for path in ("/", "/shop"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "http://catalog.test/"


async def test_add_to_cart_from_the_catalog_sets_the_cart_cookie(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    client.headers.pop("Origin")
    added = await client.post("/cart/lines", data=_add(catalog[0]), headers=CATALOG)
    assert added.status_code == 303
    assert added.headers["location"] == "/cart"
    cookie = added.headers["set-cookie"]
    assert cookie.startswith("shop_cart=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie, "the shop runs on http here"
    again = await client.post("/cart/lines", data=_add(catalog[1]), headers=CATALOG)
    assert "set-cookie" in again.headers
    assert again.headers["set-cookie"].split(";")[0] == cookie.split(";")[0], "the same cart"
    cart = await client.get("/cart")
    assert cart.headers["cache-control"] == "no-store", "one client's page: no cache keeps it"
    page = cart.text
    assert "Alpine Lake" in page
    assert "Ridge Drift" in page
    assert "Total: <strong>145.00 EUR</strong>" in page


async def test_a_browser_form_from_the_catalog_without_its_origin(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    """Our pages send `Referrer-Policy: no-referrer`, so a browser posts their forms with
    `Origin: null`: the catalog's page (another port or subdomain of the shop) is
    `Sec-Fetch-Site: same-site`; another site is `cross-site` and refused."""
    client.headers.pop("Origin")
    null = {"Origin": "null"}
    refused = await client.post(
        "/cart/lines", data=_add(catalog[0]), headers={**null, "Sec-Fetch-Site": "cross-site"}
    )
    assert refused.status_code == 403
    assert await _cart_count(service) == 0
    added = await client.post(
        "/cart/lines", data=_add(catalog[0]), headers={**null, "Sec-Fetch-Site": "same-site"}
    )
    assert added.status_code == 303
    assert "Alpine Lake" in (await client.get("/cart")).text
    form = {
        "name": "Ada",
        "email": "ada@example.com",
        "line1": "1 Rue X",
        "city": "Paris",
        "postal_code": "75001",
        "country": "FR",
        "idempotency_key": "k",
    }
    same_site = await client.post(
        "/checkout", data=form, headers={**null, "Sec-Fetch-Site": "same-site"}
    )
    assert same_site.status_code == 403, "the checkout form is orders' own page only"
    same_origin = await client.post(
        "/checkout", data=form, headers={**null, "Sec-Fetch-Site": "same-origin"}
    )
    assert same_origin.status_code == 303


def test_the_cart_cookie_is_secure_over_https(app) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    https = context.settings.model_copy(update={"orders_public_url": "https://shop.example"})
    response = Response()
    set_cart_cookie(response, dataclasses.replace(context, settings=https), "abc")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("shop_cart=abc;")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


async def test_add_to_cart_from_another_site_is_refused(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    foreign = await client.post(
        "/cart/lines", data=_add(catalog[0]), headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    assert "set-cookie" not in foreign.headers
    client.headers.pop("Origin")
    no_origin = await client.post("/cart/lines", data=_add(catalog[0]))
    assert no_origin.status_code == 403
    assert await _cart_count(service) == 0


async def test_the_cart_page_changes_a_license_removes_a_line_and_goes_to_checkout(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    photo, clip = catalog
    await client.post("/cart/lines", data=_add(photo, 0))
    await client.post("/cart/lines", data=_add(clip, 0))
    page = (await client.get("/cart")).text
    assert 'action="/cart/lines"' in page
    assert '<select id="license-' in page
    assert "Total: <strong>145.00 EUR</strong> (2 items)" in page
    assert 'href="/checkout"' in page
    share = re.search(r'Share this cart: <a href="(http://orders\.test/cart/[^"]+)">', page)
    assert share, "the shareable link"
    changed = await client.post("/cart/lines", data=_add(photo, 1))
    assert changed.status_code == 303
    page = (await client.get("/cart")).text
    assert "Total: <strong>210.00 EUR</strong> (2 items)" in page
    lines = re.findall(r'<tr id="line-([0-9a-f-]{36})">', page)
    assert len(lines) == 2
    removed = await client.post(f"/cart/lines/{lines[1]}/remove")
    assert removed.status_code == 303
    page = (await client.get("/cart")).text
    assert "Ridge Drift" not in page
    assert "Total: <strong>90.00 EUR</strong> (1 item)" in page
    twice = await client.post(f"/cart/lines/{lines[1]}/remove")
    assert twice.status_code == 303, "a second click changes nothing"


async def test_a_shared_cart_link_becomes_this_browsers_cart(
    app,  # type: ignore[no-untyped-def]
    client: httpx.AsyncClient,
    catalog: list[Media],
) -> None:
    await client.post("/cart/lines", data=_add(catalog[0]))
    share = re.search(
        r'Share this cart: <a href="http://orders\.test(/cart/[^"]+)">',
        (await client.get("/cart")).text,
    )
    assert share
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://orders.test") as other:
        opened = await other.get(share.group(1))
        assert opened.status_code == 200
        assert opened.headers["cache-control"] == "no-store"
        assert "Alpine Lake" in opened.text
        assert opened.headers["set-cookie"].startswith(
            f"shop_cart={share.group(1).rsplit('/', 1)[1]}"
        )
        assert "Alpine Lake" in (await other.get("/cart")).text
        unknown = await other.get("/cart/nope", headers={"Accept": "text/html"})
        assert unknown.status_code == 404
        assert "No such cart" in unknown.text


async def test_a_gallery_and_a_line_no_longer_offered_on_the_cart_page(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    snapshot = gallery_snapshot(catalog, price=20000, title="Mountains")
    await offer(service, snapshot)
    await client.post("/cart/lines", data={"gallery_id": str(snapshot.gallery_id)})
    await client.post("/cart/lines", data=_add(catalog[0]))
    page = (await client.get("/cart")).text
    assert "Mountains" in page
    assert "Whole gallery" in page
    assert "Total: <strong>225.00 EUR</strong>" in page
    await offer(service, withdrawn(catalog[0].id, revision=2))
    page = (await client.get("/cart")).text
    assert "No longer offered" in page
    assert 'href="/checkout"' not in page, "no checkout while a line is not offered"
    checkout = (await client.get("/checkout")).text
    assert 'action="/checkout"' not in checkout
    assert "no longer offered" in checkout


async def test_an_unknown_license_from_a_form_is_a_clear_422(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    photo, clip = catalog
    wrong = {"media_id": str(photo.id), "license_id": str(clip.licenses[0].id)}
    refused = await client.post("/cart/lines", data=wrong, headers={"Accept": "text/html"})
    assert refused.status_code == 422
    assert "not offered" in refused.text
    junk = await client.post("/cart/lines", data={"media_id": "x"}, headers={"Accept": "text/html"})
    assert junk.status_code == 422
