"""The quote (`POST /api/orders/quote`: priced as placing prices, nothing recorded, no coupon
use taken), rights-managed lines and quantity discounts in the cart, the storefront form's
`options[<group>]` fields, and the order's currency from the shop setting (issue 12)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_orders.api.cart_schemas import CartLineWrite
from shop_orders.bootstrap import OrdersRoot

from .helpers import counts
from .pricing import (
    RM_PROFILE,
    Shelf,
    body,
    coupon,
    coupon_uses,
    empty_pricing_tables,
    refused_field,
    shelf,
    tax,
)

__all__ = ["empty_pricing_tables", "shelf"]


async def test_a_quote_prices_as_the_order_would_and_records_nothing(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    await tax(client, admin_headers, [{"country": "FR", "rate": "20"}])
    made = await coupon(client, admin_headers, code="FIVE", amount_off=500, max_uses=1)
    items = [shelf.rf(0), shelf.rm(1, Usage="Web", Size="A3")]
    before = await counts(service)
    partial: dict[str, Any] = {
        "client": {"email": "ada@example.com", "address": {"country": "FR"}},
        "items": items,
        "coupon": "five",
    }
    response = await client.post("/api/orders/quote", json=partial)
    assert response.status_code == 200, response.text
    quote = response.json()
    # 4000 + 15000; the coupon 500; tax 20 % of 18500
    assert quote == {
        "subtotal": 19000,
        "discount": 500,
        "tax": 3700,
        "total": 22200,
        "currency": "EUR",
        "tax_rate": "20",
        "prices_include_tax": False,
        "reverse_charge": False,
        "coupon": {"code": "FIVE", "discount": 500},
        "lines": [
            {
                "title": "Photo 0",
                "license_name": "Web",
                "usage": None,
                "price": 4000,
                "discount": 105,
            },
            {
                "title": "Photo 1",
                "license_name": "Editorial RM",
                "usage": {"Usage": "Web", "Size": "A3"},
                "price": 15000,
                "discount": 395,
            },
        ],
    }
    assert await counts(service) == before
    assert await coupon_uses(client, admin_headers, made["id"]) == 0
    placed = await client.post("/api/orders", json=body(items, coupon="FIVE"))
    assert placed.status_code == 201, placed.text
    figures = ("subtotal", "discount", "tax", "total")
    assert {k: placed.json()[k] for k in figures} == {k: quote[k] for k in figures}


async def test_a_quote_refuses_as_the_order_would(
    client: httpx.AsyncClient, shelf: Shelf, admin_headers: dict[str, str]
) -> None:
    await tax(client, admin_headers, [{"country": "FR", "rate": "20"}])
    no_country = await client.post("/api/orders/quote", json={"items": [shelf.rf(0)]})
    assert (no_country.json()["tax"], no_country.json()["tax_rate"]) == (0, None)
    unknown_coupon = await client.post(
        "/api/orders/quote", json={"items": [shelf.rf(0)], "coupon": "NOPE"}
    )
    assert refused_field(unknown_coupon)[:2] == (422, "coupon")
    somewhere = {"client": {"address": {"country": "BR"}}, "items": [shelf.rf(0)]}
    no_rate = await client.post("/api/orders/quote", json=somewhere)
    assert refused_field(no_rate)[:2] == (422, "client.address.country")
    missing = await client.post("/api/orders/quote", json={"items": [shelf.rm(0, Usage="Web")]})
    assert refused_field(missing)[:2] == (422, "items.0.options.Size")
    unknown_cart = await client.post("/api/orders/quote", json={"cart_id": "nope"})
    assert unknown_cart.status_code == 404


async def test_a_cart_holds_a_rights_managed_usage_and_shows_the_quantity_discount(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot
) -> None:
    cart_id = (await client.post("/api/carts")).json()["id"]
    lines = f"/api/carts/{cart_id}/lines"
    refused = await client.put(lines, json=shelf.rm(0, Usage="Web", Size="A5"))
    assert refused_field(refused)[:2] == (422, "options.Size")
    assert (await client.put(lines, json=shelf.rm(0, Size="A3", Usage="Print"))).is_success
    assert (await client.put(lines, json=shelf.rf(1))).is_success
    cart = (await client.get(f"/api/carts/{cart_id}")).json()
    rm, rf = cart["lines"]
    assert (rm["license_id"], rm["profile_id"], rm["price"]) == (str(RM_PROFILE),) * 2 + (30000,)
    assert list(rm["usage"].items()) == [("Usage", "Print"), ("Size", "A3")]
    assert (rf["price"], rf["discount"]) == (6000, 0)  # one file of the tiered profile
    assert (cart["subtotal"], cart["discount"], cart["total"]) == (36000, 0, 36000)

    # the first photo under the tiered RF row instead: 2 files, 10 % off each
    assert (await client.put(lines, json=shelf.rf(0))).is_success
    cart = (await client.get(f"/api/carts/{cart_id}")).json()
    assert [(line["price"], line["discount"], line["usage"]) for line in cart["lines"]] == [
        (4000, 400, None),
        (6000, 600, None),
    ]
    assert (cart["subtotal"], cart["discount"], cart["total"]) == (10000, 1000, 9000)

    assert (await client.put(lines, json=shelf.rm(0, Usage="Web", Size="A4"))).is_success
    placed = await client.post("/api/orders", json={**body([]), "items": None, "cart_id": cart_id})
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert [(i["price"], i["usage"]) for i in order["items"]] == [
        (10000, {"Usage": "Web", "Size": "A4"}),
        (6000, None),
    ]
    assert order["total"] == 16000


def test_the_storefront_form_names_a_group_per_options_field() -> None:
    form = FormData(
        [
            ("media_id", "0b6f1f3c-6f0e-4bb8-9d55-55a2b1e1b0a1"),
            ("profile_id", str(RM_PROFILE)),
            ("options[Usage]", "Print"),
            ("options[Size [cm]]", "A3"),
            ("price", "1"),  # ignored: prices are the server's
        ]
    )
    line = CartLineWrite.from_form(form)
    assert line.profile_id == RM_PROFILE
    assert line.options == {"Usage": "Print", "Size [cm]": "A3"}
    choice = line.choice()
    assert choice.offer_id == RM_PROFILE
    assert choice.options == (("Usage", "Print"), ("Size [cm]", "A3"))
    rf = CartLineWrite.from_form({"media_id": str(RM_PROFILE), "license_id": str(RM_PROFILE)})
    assert (rf.profile_id, rf.options) == (None, None)
    with pytest.raises(ValidationError):  # a rights-managed line without its profile
        CartLineWrite.from_form({"media_id": str(RM_PROFILE), "options[Usage]": "Web"})
    # a profile without any choice: the cart refuses it naming the first group
    bare = CartLineWrite.from_form({"media_id": str(RM_PROFILE), "profile_id": str(RM_PROFILE)})
    assert bare.options == {}


async def test_an_order_is_placed_in_the_shops_currency(
    client: httpx.AsyncClient, shelf: Shelf, admin_headers: dict[str, str]
) -> None:
    settings = (await client.get("/api/admin/settings", headers=admin_headers)).json()
    changed = await client.put(
        "/api/admin/settings", json={**settings, "currency": "USD"}, headers=admin_headers
    )
    assert changed.status_code == 200, changed.text
    order = (await client.post("/api/orders", json=body([shelf.rf(0)]))).json()
    assert order["currency"] == "USD"
    quote = (await client.post("/api/orders/quote", json={"items": [shelf.rf(0)]})).json()
    assert quote["currency"] == "USD"
    assert (await client.get("/api/catalog")).json()["currency"] == "USD"


async def test_a_quote_knows_a_coupon_this_email_already_used(
    client: httpx.AsyncClient, shelf: Shelf, admin_headers: dict[str, str]
) -> None:
    await coupon(client, admin_headers, code="WELCOME", percent_off=10, once_per_client=True)
    first = await client.post("/api/orders", json=body([shelf.rf(0)], coupon="WELCOME"))
    assert first.status_code == 201, first.text
    asked = {"items": [shelf.rf(1)], "coupon": "WELCOME"}
    again = {**asked, "client": {"email": " ADA@example.com", "address": {"country": "FR"}}}
    status, field, message = refused_field(await client.post("/api/orders/quote", json=again))
    assert (status, field, message.split(":")[0]) == (422, "coupon", "already_used_by_client")
    other = {**asked, "client": {"email": "bob@example", "address": {"country": "FR"}}}
    assert (await client.post("/api/orders/quote", json=other)).status_code == 200
    placed = await client.post("/api/orders", json=body([shelf.rf(1)], coupon="welcome"))
    assert refused_field(placed)[2].startswith("already_used_by_client")
