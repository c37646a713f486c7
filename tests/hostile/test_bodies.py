"""Oversized bodies (413) and malformed ones (422 naming the field, never 500): nothing recorded."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from shop_devtools.client import default_client

TWO_MB = 2 * 1024 * 1024


def order_body(shop, web_item) -> dict[str, Any]:
    return {"client": default_client(shop.new_email("body")), "items": [web_item]}


def _big_json(base: dict[str, Any]) -> bytes:
    body = copy.deepcopy(base)
    body["note"] = "x" * TWO_MB
    return json.dumps(body).encode()


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(data), 64 * 1024):
        yield data[start : start + 64 * 1024]


async def test_oversized_bodies_are_refused_with_413(shop, web_item):
    admin = shop.client.admin
    big = _big_json(order_body(shop, web_item))
    json_type = {"Content-Type": "application/json"}
    targets = [
        ("POST", shop.url("orders", "/api/orders"), json_type),
        ("PUT", shop.url("orders", "/api/admin/settings"), json_type | admin),
        ("PUT", shop.url("payments", "/api/admin/settings"), json_type | admin),
        ("PUT", shop.url("delivery", "/api/admin/settings"), json_type | admin),
        (
            "POST",
            shop.url("payments", "/webhooks/stripe"),
            json_type | {"Stripe-Signature": "t=1,v1=0"},
        ),
    ]
    before = await shop.order_count()
    settings = {s: await shop.client.settings(s) for s in ("orders", "payments", "delivery")}
    wrong = []
    for method, url, headers in targets:
        response = await shop.http.request(method, url, content=big, headers=headers)
        if response.status_code != 413:
            wrong.append(
                f"{method} {url} (2 MB JSON) -> {response.status_code} {response.text[:150]}"
            )
    # The same without Content-Length (chunked), and as a form to the checkout page.
    chunked = await shop.http.post(
        shop.url("orders", "/api/orders"), content=_chunks(big), headers=json_type
    )
    if chunked.status_code != 413:
        wrong.append(
            f"POST /api/orders (2 MB chunked) -> {chunked.status_code} {chunked.text[:150]}"
        )
    form = await shop.http.post(
        shop.url("orders", "/checkout"),
        data={"name": "Big", "email": shop.new_email("big"), "note": "x" * TWO_MB},
    )
    if form.status_code != 413:
        wrong.append(f"POST /checkout (2 MB form) -> {form.status_code} {form.text[:150]}")
    assert not wrong, "oversized bodies not refused with 413:\n" + "\n".join(wrong)
    assert await shop.order_count() == before
    assert {s: await shop.client.settings(s) for s in settings} == settings


def _set(path: str, value: Any):
    def change(body: dict[str, Any]) -> dict[str, Any]:
        target = body
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
        return body

    return change


# name: (change to a valid order body, field the 422 must name)
MALFORMED = {
    "name is a number": (_set("client.name", 12345), "name"),
    "name is a list": (_set("client.name", ["Ada"]), "name"),
    "name is null": (_set("client.name", None), "name"),
    "name of 100 kB": (_set("client.name", "A" * 100_000), "name"),
    "empty name": (_set("client.name", ""), "name"),
    "address line of 100 kB": (_set("client.address.line1", "B" * 100_000), "line1"),
    "city of 100 kB": (_set("client.address.city", "C" * 100_000), "city"),
    "email of 100 kB": (_set("client.email", "a" * 100_000 + "@example.com"), "email"),
    "note of 100 kB": (_set("note", "N" * 100_000), "note"),
    "note is an object": (_set("note", {"$gt": ""}), "note"),
    "client is a list": (_set("client", []), "client"),
    "address is a string": (_set("client.address", "1 Rue X, Paris"), "address"),
    "items is a string": (_set("items", "all"), "items"),
    "items is an object": (_set("items", {"media_id": "x"}), "items"),
    "media id is not a uuid": (
        _set("items", [{"media_id": "1 OR 1=1", "license_id": "x"}]),
        "media_id",
    ),
    "1000 items": (lambda b: b | {"items": b["items"] * 1000}, "items"),
    "a price from the client": (lambda b: b | {"total": 1}, "total"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
async def test_malformed_order_is_422_naming_the_field(shop, web_item, case):
    change, field = MALFORMED[case]
    body = change(order_body(shop, web_item))
    email = body["client"]["email"] if isinstance(body.get("client"), dict) else None
    before = await shop.order_count()

    response = await shop.client.post_order(body)

    assert response.status_code == 422, f"{case}: {response.status_code} {response.text[:300]}"
    assert field in response.text, f"{case}: 422 does not name {field!r}: {response.text[:300]}"
    assert await shop.order_count() == before
    if isinstance(email, str):
        assert all(email not in str(o) for o in await shop.client.admin_orders())


RAW_BODIES = {
    "broken JSON": b'{"client": {"name": "Ada", ',
    "not JSON at all": b"<xml>order</xml>",
    "JSON null": b"null",
    "JSON array": b"[]",
    "JSON string": b'"order"',
    "invalid UTF-8": b'{"client": {"name": "\xff\xfe"}}',
    "deeply nested": b"[" * 50_000 + b"]" * 50_000,
    "huge number": b'{"client": ' + b"9" * 100_000 + b"}",
}


@pytest.mark.parametrize("case", list(RAW_BODIES))
async def test_unparsable_order_body_is_a_clear_4xx(shop, case):
    before = await shop.order_count()
    response = await shop.http.post(
        shop.url("orders", "/api/orders"),
        content=RAW_BODIES[case],
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code in (400, 413, 422), (
        f"{case}: {response.status_code} {response.text[:300]}"
    )
    assert response.headers.get("content-type", "").startswith("application/json"), response.text[
        :200
    ]
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    assert await shop.order_count() == before


# (service, JSON body, field the 422 must name)
BAD_SETTINGS = [
    (
        "orders",
        {"manual_validation": "sometimes", "seller_email": "a@example.com"},
        "manual_validation",
    ),
    ("orders", {"manual_validation": False, "seller_email": "not an email"}, "seller_email"),
    (
        "orders",
        {"manual_validation": False, "seller_email": "x" * 100_000 + "@example.com"},
        "seller_email",
    ),
    ("payments", {"card_processor": "paypal-of-evil"}, "card_processor"),
    ("payments", {"payment_instructions": "P" * 100_000}, "payment_instructions"),
    ("delivery", {"link_expiry_days": -1, "max_downloads": 3}, "link_expiry_days"),
    ("delivery", {"link_expiry_days": 7, "max_downloads": "many"}, "max_downloads"),
    ("delivery", {"link_expiry_days": 10**30, "max_downloads": 3}, "link_expiry_days"),
]


@pytest.mark.parametrize(("service", "body", "field"), BAD_SETTINGS)
async def test_malformed_settings_are_422_naming_the_field(shop, service, body, field):
    before = await shop.client.settings(service)
    url = shop.url(service, "/api/admin/settings")
    response = await shop.http.put(url, json=body, headers=shop.client.admin)
    assert response.status_code == 422, f"{service}: {response.status_code} {response.text[:300]}"
    assert field in response.text, response.text[:300]
    assert await shop.client.settings(service) == before
