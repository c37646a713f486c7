"""Issue 17, item 6: throttling per client address.

The probe: 300 orders in 3 s from one address were all accepted (300 seller emails), and 2,000
wrong admin logins at 340/s met no slowdown. Now: at most ORDERS_RATE_LIMIT_PER_MINUTE (30)
orders a minute per address, then `429` with `Retry-After`; failed logins past
LOGIN_RATE_LIMIT_PER_MINUTE (10) lock that address out for a while, right token or not.
The suite's shop trusts 127.0.0.1 as its proxy, so X-Forwarded-For names the client."""

from __future__ import annotations

import asyncio

import httpx

from shop_devtools.client import default_client

from .conftest import new_client_address


def _as(address: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=15.0, headers={"X-Forwarded-For": address})


async def test_orders_from_one_address_are_limited_to_30_a_minute(shop, web_item):
    address = new_client_address()
    url = shop.url("orders", "/api/orders")
    async with _as(address) as client:

        async def place(n: int) -> httpx.Response:
            body = {"client": default_client(shop.new_email(f"flood{n}")), "items": [web_item]}
            return await client.post(url, json=body)

        answers = await asyncio.gather(*(place(n) for n in range(40)))
    placed = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code == 429]
    assert len(placed) == 30, [a.status_code for a in answers]
    assert len(refused) == 10
    for answer in refused:
        assert 1 <= int(answer.headers["Retry-After"]) <= 60
        assert answer.json()["error"] == "too_many_requests"
    async with _as(new_client_address()) as other:  # another client is not affected
        body = {"client": default_client(shop.new_email("other")), "items": [web_item]}
        assert (await other.post(url, json=body)).status_code == 201


async def test_the_checkout_form_is_limited_too(shop, web_item):
    carts = await asyncio.gather(*(shop.cart_with(web_item) for _ in range(31)))
    async with _as(new_client_address()) as client:
        codes = []
        for n, cart_id in enumerate(carts):
            form = {
                "name": "Ada",
                "email": shop.new_email(f"form-flood{n}"),
                "line1": "1 Rue X",
                "city": "Paris",
                "postal_code": "75001",
                "country": "FR",
            }
            response = await client.post(
                shop.url("orders", "/checkout"), data=form, headers=shop.form_headers(cart_id)
            )
            codes.append(response.status_code)
        assert codes[:30] == [303] * 30, codes
        assert response.status_code == 429
        assert "too many orders" in response.text
        assert response.headers["Retry-After"]


async def test_failed_admin_logins_lock_the_address_out(shop):
    login = shop.url("orders", "/admin/login")
    async with _as(new_client_address()) as attacker:
        codes = [
            (await attacker.post(login, data={"token": f"guess-{n}"})).status_code
            for n in range(12)
        ]
        assert codes[:10] == [401] * 10, codes
        assert codes[10:] == [429, 429], codes
        right = await attacker.post(login, data={"token": shop.config.admin_token})
        assert right.status_code == 429, "the lockout let the right token through"
        assert int(right.headers["Retry-After"]) > 60  # locked for a while, not a minute
        assert "shop_admin" not in right.cookies
    async with _as(new_client_address()) as photographer:  # elsewhere, logins still work
        response = await photographer.post(login, data={"token": shop.config.admin_token})
        assert response.status_code == 303


async def test_private_gallery_passwords_are_limited_per_address(shop, web_item):
    """Issue 11, item 7: wrong gallery passwords get 403, then 429 (CATALOG_UNLOCK_RATE_LIMIT_
    PER_MINUTE, 10): guessing stops, even with the right one; other clients are unaffected."""
    body = {"title": "Guess me", "visibility": "private", "password": "s3cret-guess-me"}
    gallery = await shop.client.admin_call("POST", "catalog", "/api/admin/galleries", body, 201)
    media = {"media_ids": [web_item["media_id"]]}
    path = f"/api/admin/galleries/{gallery['id']}/media"
    await shop.client.admin_call("PUT", "catalog", path, media)
    url = shop.url("catalog", f"/api/galleries/{gallery['slug']}")
    try:
        async with _as(new_client_address()) as attacker:
            codes = [
                (await attacker.get(url, headers={"X-Gallery-Password": f"guess-{n}"})).status_code
                for n in range(12)
            ]
            right = await attacker.get(url, headers={"X-Gallery-Password": "s3cret-guess-me"})
        assert codes[:10] == [403] * 10, codes
        assert codes[10:] == [429, 429], codes
        assert right.status_code == 429, "the right password got through the lockout"
        assert right.headers["Retry-After"]
        async with _as(new_client_address()) as client:
            opened = await client.get(url, headers={"X-Gallery-Password": "s3cret-guess-me"})
        assert opened.status_code == 200, opened.text
        assert [m["id"] for m in opened.json()["media"]] == [web_item["media_id"]]
    finally:
        await shop.http.delete(
            shop.url("catalog", f"/api/admin/galleries/{gallery['id']}"),
            headers=shop.client.admin,
        )


async def test_coupon_codes_cannot_be_guessed_without_limit(shop, web_item):
    """Review of issue 12: a refused coupon used to give its slot back, and the quote had no
    limit at all, so a script could try codes forever (a 100 % code is free files). A refused
    coupon now counts against the address's order limit, on the quote and on the order."""
    quote = shop.url("orders", "/api/orders/quote")
    place = shop.url("orders", "/api/orders")
    async with _as(new_client_address()) as guesser:
        codes = []
        for n in range(32):
            url, body = (
                (quote, {"items": [web_item]})
                if n % 2
                else (
                    place,
                    {"client": default_client(shop.new_email(f"guess{n}")), "items": [web_item]},
                )
            )
            answer = await guesser.post(url, json=body | {"coupon": f"GUESS{n:04d}"})
            codes.append(answer.status_code)
        assert codes[:30] == [422] * 30, codes
        assert codes[30:] == [429, 429], codes
    async with _as(new_client_address()) as honest:  # a quote without a coupon is free
        for _ in range(35):
            assert (await honest.post(quote, json={"items": [web_item]})).status_code == 200
