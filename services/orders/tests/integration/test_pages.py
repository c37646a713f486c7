"""The HTML pages: checkout, the client's order page, admin login, orders, order, settings."""

from __future__ import annotations

import re
import uuid

import httpx

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_platform.security import order_access_token

from .conftest import ADMIN_TOKEN, SECRET_KEY
from .helpers import counts, deliver, history_details, order_body

BUTTONS = ("Validate", "Mark as paid", "Force delivery", "Cancel")


async def fill_cart(client: httpx.AsyncClient, catalog: list[Media]) -> None:
    """Add the photo (Full resolution) and the clip to this browser's cart, as the catalog's
    "Add to cart" forms do."""
    photo, clip = catalog
    for media, option in ((photo, photo.licenses[1]), (clip, clip.licenses[0])):
        added = await client.post(
            "/cart/lines", data={"media_id": str(media.id), "license_id": str(option.id)}
        )
        assert added.status_code == 303, added.text
        assert added.headers["location"] == "/cart"


def checkout_form(catalog: list[Media], **overrides: str) -> dict[str, object]:
    form: dict[str, object] = {
        "name": "Ada Client",
        "email": "ada@example.com",
        "line1": "1 Rue X",
        "line2": "",
        "city": "Paris",
        "postal_code": "75001",
        "country": "fr",
        "note": "",
        "idempotency_key": str(uuid.uuid4()),
    }
    form.update(overrides)
    return form


async def login(client: httpx.AsyncClient) -> str:
    """Log in; returns the CSRF token the admin pages' forms carry."""
    response = await client.post("/admin/login", data={"token": ADMIN_TOKEN})
    assert response.status_code == 303
    return csrf_of((await client.get("/admin")).text)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "the page's forms carry a CSRF token"
    return match.group(1)


async def test_the_checkout_page_shows_the_cart(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    empty = await client.get("/checkout")
    assert empty.status_code == 200
    assert "Your cart is empty" in empty.text
    assert 'action="/checkout"' not in empty.text
    await fill_cart(client, catalog)
    page = await client.get("/checkout")
    assert page.status_code == 200
    assert "text/html" in page.headers["content-type"]
    html = page.text
    assert "Alpine Lake" in html
    assert "Ridge Drift" in html
    assert "90.00 EUR" in html
    assert "120.00 EUR" in html
    assert "210.00 EUR" in html  # the total, from the server's prices
    for field in ("name", "email", "line1", "city", "postal_code", "country", "note"):
        assert f'name="{field}"' in html
    assert 'action="/checkout"' in html


async def test_checkout_goes_to_the_payment_page(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    await fill_cart(client, catalog)
    form = checkout_form(catalog)
    response = await client.post("/checkout", data=form)
    assert response.status_code == 303
    location = response.headers["location"]
    match = re.fullmatch(r"http://payments\.test/pay/([0-9a-f-]{36})\?token=(.+)", location)
    assert match, location
    order_id = uuid.UUID(match.group(1))
    assert match.group(2) == order_access_token(SECRET_KEY, order_id)
    again = await client.post("/checkout", data=form)  # a double submit: the same order
    assert again.headers["location"] == location
    assert (await counts(service))["orders"] == 1
    order = await client.get(f"/api/orders/{order_id}", headers={"X-Order-Token": match.group(2)})
    assert order.json()["total"] == 9000 + 12000
    assert "Your cart is empty" in (await client.get("/cart")).text, "the cart was ordered"


async def test_checkout_with_manual_validation_says_the_seller_will_get_back(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    await client.put(
        "/api/admin/settings",
        json={"manual_validation": True, "seller_email": "seller@example.com"},
        headers=admin_headers,
    )
    await fill_cart(client, catalog)
    response = await client.post("/checkout", data=checkout_form(catalog))
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://orders.test/orders/")
    page = await client.get(response.headers["location"])
    assert page.status_code == 200
    assert "processed offline" in page.text
    assert "the photographer will" in page.text
    assert "Go to the payment page" not in page.text


def note_of(html: str, field: str) -> str:
    """The sentence shown next to a form field (its aria-describedby note)."""
    match = re.search(rf'<p class="error" id="{re.escape(field)}-note">([^<]*)</p>', html)
    assert match, f"no sentence next to {field}"
    return match.group(1)


async def test_an_invalid_form_is_shown_again_with_a_sentence_next_to_the_field(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    """Issue 10: no raw validator text ("Value error, 'ZZ' is not an ISO 3166-1 ..."), no
    field paths; a human sentence next to each wrong field, what was typed kept."""
    await fill_cart(client, catalog)
    cases = [
        (checkout_form(catalog, email="nope"), "email", "valid email address"),
        (checkout_form(catalog, country="ZZ"), "country", "two-letter code"),
        (checkout_form(catalog, city=""), "city", "Please enter your city."),
        (
            checkout_form(catalog, name="a" * 201),
            "name",
            "Please shorten your name to 200 characters or fewer.",
        ),
    ]
    for form, field, sentence in cases:
        response = await client.post("/checkout", data=form)
        assert response.status_code == 422, field
        assert sentence in note_of(response.text, field), field
        for raw in ("Value error", "client.", "ISO 3166", "List should", "String should"):
            assert raw not in response.text, (field, raw)
        assert "Ada Client" in response.text or field == "name", "what the client typed is kept"
        assert 'aria-invalid="true"' in response.text
    assert (await counts(service))["orders"] == 0


async def test_two_licenses_of_one_file_are_refused_on_that_file(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    """Web and Full resolution of one image cannot both be bought: the API says which item;
    in the cart, choosing another license replaces the first."""
    photo = catalog[0]
    for option in photo.licenses:
        form = {"media_id": str(photo.id), "license_id": str(option.id)}
        assert (await client.post("/cart/lines", data=form)).status_code == 303
    cart = (await client.get("/cart")).text
    assert cart.count('<tr id="line-') == 1
    assert f'<option value="{photo.licenses[1].id}" selected>' in cart
    assert "90.00 EUR" in cart
    body = order_body(catalog)
    body["items"] = [{"media_id": str(photo.id), "license_id": str(o.id)} for o in photo.licenses]
    api = await client.post("/api/orders", json=body)
    assert api.status_code == 422
    assert api.json()["fields"][0]["field"] == "items.1.license_id"
    assert "one license per media" in api.json()["detail"]
    assert (await counts(service))["orders"] == 0


async def test_the_client_order_page(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    url = f"/orders/{placed['id']}?token={placed['access_token']}"
    page = await client.get(url)
    assert page.status_code == 200
    assert placed["number"] in page.text
    assert "145.00 EUR" in page.text
    assert placed["next"]["url"] in page.text
    assert (await client.get(f"/orders/{placed['id']}?token=wrong")).status_code == 404
    assert (await client.get(f"/orders/{placed['id']}")).status_code == 404
    await deliver(service, uuid.UUID(placed["id"]), forced=True)
    delivered = await client.get(url)
    assert "Download your files" in delivered.text
    assert "http://delivery.test/orders/" in delivered.text


async def test_admin_pages_need_a_login(client: httpx.AsyncClient) -> None:
    for path in ("/admin", f"/admin/orders/{uuid.uuid4()}", "/admin/settings"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "/admin/login"
    post = await client.post(f"/admin/orders/{uuid.uuid4()}/cancel")
    assert post.status_code == 303
    assert post.headers["location"] == "/admin/login"
    page = await client.get("/admin/login")
    assert page.status_code == 200
    assert 'name="email"' in page.text  # issue 14: email and password (the owner: the token)
    assert 'name="password"' in page.text
    wrong = await client.post("/admin/login", data={"token": "guess"})  # the older form's field
    assert wrong.status_code == 401
    assert "Wrong email or password" in wrong.text
    assert "shop_admin" not in client.cookies


async def test_login_sets_a_safe_cookie_and_logout_clears_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/admin/login", data={"token": ADMIN_TOKEN})
    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("shop_admin=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert (await client.get("/admin")).status_code == 200
    # The admin API takes the bearer token only: a cookie would let another site drive it.
    assert (await client.get("/api/admin/settings")).status_code == 401, "the cookie opens the API"
    assert "secure" not in cookie, "plain http in tests: Secure would lose the cookie"
    forged = await client.post("/admin/logout", data={"csrf": "forged"})
    assert forged.status_code == 401
    assert (await client.get("/admin")).status_code == 200
    token = csrf_of((await client.get("/admin")).text)
    out = await client.post("/admin/logout", data={"csrf": token})
    assert out.status_code == 303
    cleared = out.headers["set-cookie"].lower()
    assert cleared.startswith('shop_admin=""') or "max-age=0" in cleared
    assert "httponly" in cleared
    assert "samesite=lax" in cleared
    assert (await client.get("/admin")).status_code == 303
    stolen = response.cookies["shop_admin"]  # the cookie as it was: its session has ended
    client.cookies.set("shop_admin", stolen)
    assert (await client.get("/admin")).status_code == 303, "logout did not end the session"


async def test_admin_orders_list_and_order_page_with_its_four_buttons(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot, admin_headers
) -> None:
    await client.put(
        "/api/admin/settings",
        json={"manual_validation": True, "seller_email": "seller@example.com"},
        headers=admin_headers,
    )
    body = order_body(catalog)
    body["client"]["name"] = "<script>alert(1)</script>"
    placed = (await client.post("/api/orders", json=body)).json()
    csrf = await login(client)
    listing = await client.get("/admin")
    assert placed["number"] in listing.text
    assert "<script>alert(1)</script>" not in listing.text, "autoescaped"
    assert "&lt;script&gt;" in listing.text
    assert "http://payments.test/admin/settings" in listing.text
    assert "http://notifications.test/admin/emails" in listing.text
    filtered = await client.get("/admin?status=paid")
    assert placed["number"] not in filtered.text

    url = f"/admin/orders/{placed['id']}"
    page = await client.get(url)
    assert page.status_code == 200
    for label in BUTTONS:
        assert f">{label}</button>" in page.text, label
    for action in ("validate", "mark-paid", "force-delivery", "cancel"):
        assert f'action="{url}/{action}"' in page.text
    assert "placed, held for manual validation" in page.text

    done = await client.post(f"{url}/validate", data={"csrf": csrf})
    assert done.status_code == 303
    assert done.headers["location"] == f"{url}?done=validate"
    page = await client.get(done.headers["location"])
    assert "Order validated" in page.text
    assert ">Validate</button>" not in page.text
    assert "validated: payment link sent to the client" in page.text


async def test_an_illegal_button_press_shows_the_reason(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    placed = (await client.post("/api/orders", json=order_body(catalog))).json()
    order_id = uuid.UUID(placed["id"])
    await deliver(service, order_id)
    csrf = await login(client)
    url = f"/admin/orders/{order_id}"
    page = await client.get(url)
    assert ">Cancel</button>" not in page.text
    assert ">Mark as paid</button>" in page.text
    refused = await client.post(f"{url}/cancel", data={"csrf": csrf})
    assert refused.status_code == 303
    page = await client.get(refused.headers["location"])
    assert "cannot cancel a delivered order" in page.text
    assert (await history_details(service, order_id)) == ["placed", "delivered"]


async def test_admin_settings_page(client: httpx.AsyncClient, admin_headers) -> None:
    csrf = await login(client)
    page = await client.get("/admin/settings")
    assert page.status_code == 200
    assert 'name="manual_validation"' in page.text
    assert 'name="terms_text"' in page.text
    form = {"manual_validation": "on", "seller_email": "photo@example.com", "csrf": csrf}
    saved = await client.post("/admin/settings", data={**form, "terms_text": "No resale.\r\n"})
    assert saved.status_code == 303
    current = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    assert {k: current[k] for k in ("manual_validation", "seller_email", "terms_text")} == {
        "manual_validation": True,
        "seller_email": "photo@example.com",
        "terms_text": "No resale.",
    }
    assert "No resale." in (await client.get("/admin/settings")).text
    bad = await client.post("/admin/settings", data={**form, "seller_email": "not an email"})
    assert bad.status_code == 422
    assert "valid email" in note_of(bad.text, "seller_email")
    assert 'value="not an email"' in bad.text, "what was typed is kept"
    unchecked = await client.post(
        "/admin/settings", data={"seller_email": "photo@example.com", "csrf": csrf}
    )
    assert unchecked.status_code == 303
    current = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    assert current["manual_validation"] is False
    assert current["terms_text"] is None, "an emptied textarea removes the terms"
