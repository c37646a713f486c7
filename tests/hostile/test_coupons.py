"""Issue 12 against a hostile client: coupons and prices are the server's.

A client cannot name its own price, total or discount; a code that is not a coupon's code
(SQL, LIKE wildcards, a longer code, an accented letter) is unknown; a coupon used
once per client stays once per client whatever the case of the email and however many
checkouts race; a replayed Idempotency-Key takes no second use; an amount off bigger than
the order stops at 0. The admin side refuses impossible coupons, keeps a used code frozen,
and needs the admin token."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from shop_devtools.client import default_client

Json = dict[str, Any]
WRITABLE = (
    "code",
    "percent_off",
    "amount_off",
    "minimum_order",
    "profile_ids",
    "starts_at",
    "ends_at",
    "max_uses",
    "once_per_client",
    "active",
)


def _code(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}".upper()


async def _coupon(shop, prefix: str, **fields: Any) -> Json:
    body: Json = {"code": _code(prefix)} | fields
    response = await shop.http.post(
        shop.url("orders", "/api/admin/coupons"), headers=shop.client.admin, json=body
    )
    assert response.status_code == 201, f"H8: {response.status_code} {response.text[:300]}"
    coupon: Json = response.json()
    return coupon


async def _coupons(shop) -> list[Json]:
    response = await shop.http.get(
        shop.url("orders", "/api/admin/coupons"), headers=shop.client.admin
    )
    assert response.status_code == 200, response.text
    data = response.json()
    listed: list[Json] = data if isinstance(data, list) else data.get("coupons", [])
    return listed


async def _uses(shop, coupon: Json) -> int:
    response = await shop.http.get(
        shop.url("orders", f"/api/admin/coupons/{coupon['id']}"), headers=shop.client.admin
    )
    assert response.status_code == 200, response.text
    return int(response.json()["uses"])


def _body(email: str, item: Json, **extra: Any) -> Json:
    return {"client": default_client(email), "items": [item], **extra}


async def _price_of(shop, item: Json) -> int:
    catalog = await shop.client.catalog()
    for media in catalog["media"]:
        for license_ in media["licenses"]:
            if media["id"] == item["media_id"] and license_["id"] == item["license_id"]:
                return int(license_["price"])
    raise AssertionError(f"{item} not in the catalog")


# --- the client's side ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forged",
    [
        {"total": 1},
        {"subtotal": 1, "discount": 0, "tax": 0},
        {"discount": 10**6},
        {"items_price": 1},
    ],
    ids=["total", "subtotal", "discount", "unknown-field"],
)
async def test_a_client_cannot_name_its_own_figures(shop, web_item, forged):
    price = await _price_of(shop, web_item)
    email = shop.new_email("forged")
    response = await shop.client.post_order(_body(email, web_item, **forged))
    if response.status_code == 201:
        order = response.json()
        assert order["total"] == price, f"H2: the client's {forged} changed the total: {order}"
        assert order["discount"] == 0, order
    else:
        assert response.status_code == 422, response.text


async def test_a_client_cannot_price_its_own_line(shop, web_item):
    price = await _price_of(shop, web_item)
    forged = web_item | {"price": 1, "discount": price}
    response = await shop.client.post_order(_body(shop.new_email("line-price"), forged))
    if response.status_code == 201:
        assert response.json()["total"] == price, response.text
    else:
        assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    "twist",
    [
        lambda code: "' OR '1'='1",
        lambda code: code[:-2] + "%",
        lambda code: code[:-1] + "_",
        lambda code: code + "X",
        lambda code: code + "\u0301",  # a combining accent on the last letter
    ],
    ids=["sql", "like-percent", "like-underscore", "longer", "accent"],
)
async def test_only_the_code_itself_opens_a_coupon(shop, web_item, twist):
    coupon = await _coupon(shop, "REAL", percent_off=50)
    email = shop.new_email("guess")
    response = await shop.client.post_order(_body(email, web_item, coupon=twist(coupon["code"])))
    assert response.status_code == 422, f"H2/H8: {twist(coupon['code'])!r}: {response.text}"
    assert await _uses(shop, coupon) == 0
    assert email not in str(await shop.client.admin_orders())


async def test_the_code_is_case_and_blank_insensitive(shop, web_item):
    coupon = await _coupon(shop, "CASE", percent_off=10)
    typed = f"  {coupon['code'].lower()} "
    order = await shop.client.place_order([web_item], email=shop.new_email("case"), coupon=typed)
    assert order["discount"] > 0, order
    assert await _uses(shop, coupon) == 1


async def test_once_per_client_holds_under_case_and_a_race(shop, web_item):
    coupon = await _coupon(shop, "ONCE", percent_off=10, once_per_client=True)
    local = f"once-{uuid.uuid4().hex[:8]}"
    spellings = [f"{local}@client.example.com", f"{local.upper()}@CLIENT.example.com"] * 5

    answers = await asyncio.gather(
        *(
            shop.client.post_order(_body(email, web_item, coupon=coupon["code"]))
            for email in spellings
        )
    )

    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [422] * 9, f"H2/H8: {[(a.status_code, a.text[:120]) for a in answers]}"
    refused = [a for a in answers if a.status_code == 422]
    assert all("already_used_by_client" in a.text for a in refused), [a.text for a in refused]
    assert await _uses(shop, coupon) == 1


async def test_a_replayed_idempotency_key_takes_no_second_use(shop, web_item):
    coupon = await _coupon(shop, "REPLAY", percent_off=10, max_uses=2)
    body = _body(shop.new_email("replay"), web_item, coupon=coupon["code"])
    key = f"coupon-{uuid.uuid4().hex[:8]}"

    answers = await asyncio.gather(*(shop.client.post_order(body, key) for _ in range(5)))

    assert {a.status_code for a in answers} == {201}, [(a.status_code, a.text) for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1, "one order for one key"
    assert await _uses(shop, coupon) == 1, "H2: a replay took another use of the coupon"


async def test_an_amount_off_bigger_than_the_order_stops_at_zero(shop, web_item):
    price = await _price_of(shop, web_item)
    coupon = await _coupon(shop, "HUGE", amount_off=price * 1000)
    order = await shop.client.place_order(
        [web_item], email=shop.new_email("huge"), coupon=coupon["code"]
    )
    assert (order["discount"], order["total"]) == (price, 0), f"H2: {order}"


# --- the photographer's side --------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"percent_off": 0},
        {"percent_off": 101},
        {"percent_off": -5},
        {"percent_off": 12.5},
        {"amount_off": 0},
        {"amount_off": -100},
        {"amount_off": 10**13},
        {"amount_off": 100, "percent_off": 10},
        {},
        {"percent_off": 10, "code": "AB-CD"},
        {"percent_off": 10, "code": ""},
        {"percent_off": 10, "code": "A" * 65},
        {"percent_off": 10, "code": "ÉTÉ"},
        {"percent_off": 10, "code": "AB\x00CD"},
        {"percent_off": 10, "max_uses": 0},
        {"percent_off": 10, "max_uses": -1},
        {"percent_off": 10, "minimum_order": -1},
        {
            "percent_off": 10,
            "starts_at": "2026-06-01T00:00:00+00:00",
            "ends_at": "2026-05-01T00:00:00+00:00",
        },
        {"percent_off": 10, "profile_ids": ["not-a-uuid"]},
    ],
)
async def test_impossible_coupons_are_refused_and_not_created(shop, body):
    before = await _coupons(shop)
    full = {"code": _code("BAD")} | body
    response = await shop.http.post(
        shop.url("orders", "/api/admin/coupons"), headers=shop.client.admin, json=full
    )
    assert response.status_code == 422, f"H8: {full}: {response.status_code} {response.text}"
    assert len(await _coupons(shop)) == len(before)


async def test_two_coupons_cannot_share_a_code_in_any_case(shop):
    coupon = await _coupon(shop, "TWIN", percent_off=10)
    response = await shop.http.post(
        shop.url("orders", "/api/admin/coupons"),
        headers=shop.client.admin,
        json={"code": coupon["code"].lower(), "percent_off": 20},
    )
    assert response.status_code == 409, f"H8: {response.status_code} {response.text}"


async def test_a_used_code_is_frozen_and_the_coupon_not_deleted(shop, web_item):
    coupon = await _coupon(shop, "FROZEN", percent_off=10)
    await shop.client.place_order([web_item], email=shop.new_email("frozen"), coupon=coupon["code"])
    url = shop.url("orders", f"/api/admin/coupons/{coupon['id']}")
    read = (await shop.http.get(url, headers=shop.client.admin)).json()
    current = {k: v for k, v in read.items() if k in WRITABLE}

    renamed = await shop.http.put(
        url, headers=shop.client.admin, json=current | {"code": _code("OTHER")}
    )
    assert renamed.status_code == 409, f"H8: {renamed.status_code} {renamed.text}"
    deleted = await shop.http.delete(url, headers=shop.client.admin)
    assert deleted.status_code == 409, f"H8: {deleted.status_code} {deleted.text}"
    after = (await shop.http.get(url, headers=shop.client.admin)).json()
    assert after["code"] == coupon["code"]

    disabled = await shop.http.put(url, headers=shop.client.admin, json=current | {"active": False})
    assert disabled.status_code == 200, f"H8: disabling a used coupon: {disabled.text}"
    refused = await shop.client.post_order(
        _body(shop.new_email("disabled"), web_item, coupon=coupon["code"])
    )
    assert refused.status_code == 422, refused.text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/admin/coupons"),
        ("POST", "/api/admin/coupons"),
        ("GET", "/api/admin/tax"),
        ("PUT", "/api/admin/tax"),
        ("GET", "/api/admin/order-fields"),
        ("PUT", "/api/admin/order-fields"),
    ],
)
async def test_pricing_settings_need_the_admin_token(shop, method, path):
    url = shop.url("orders", path)
    for headers in ({}, {"Authorization": "Bearer not-the-token"}):
        response = await shop.http.request(method, url, headers=headers, json={})
        assert response.status_code == 401, f"H8: {method} {path}: {response.status_code}"
