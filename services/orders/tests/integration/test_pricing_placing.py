"""Placing an order with the pricing rules (issue 12): rights-managed usage, quantity tiers,
a coupon (its use taken in the placing transaction, given back on cancel), tax for the
address, information fields, a free order skipping payment. Refusals are 422s naming the
field or the coupon's reason, with nothing recorded and no use taken."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import httpx

from shop_contracts.commands import MarkOrderPaid
from shop_contracts.events import OrderPlaced
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.order import PAYMENT_SKIPPED

from .helpers import counts, history_details, outbox_rows
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


async def placed_event(service: OrdersRoot, order_id: str) -> OrderPlaced:
    [row] = [
        r
        for r in await outbox_rows(service, uuid.UUID(order_id))
        if r["message_type"] == "order.placed"
    ]
    return OrderPlaced.model_validate(row["envelope"]["payload"])


async def test_a_rights_managed_usage_is_priced_and_kept_in_the_profiles_order(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot
) -> None:
    # chosen in the other order: the usage is kept in the profile's group order
    response = await client.post("/api/orders", json=body([shelf.rm(0, Size="A3", Usage="Print")]))
    assert response.status_code == 201, response.text
    order = response.json()
    assert (order["subtotal"], order["discount"], order["tax"], order["total"]) == (
        30000,
        0,
        0,
        30000,  # 100.00 x 2 (Print) x 300/200 (A3)
    )
    [item] = order["items"]
    assert item["license_id"] == item["profile_id"] == str(RM_PROFILE)
    assert item["license_name"] == "Editorial RM"
    assert list(item["usage"].items()) == [("Usage", "Print"), ("Size", "A3")]
    assert item["usage_text"] == "Usage: Print; Size: A3"
    event = await placed_event(service, order["id"])
    # read back from the outbox (JSONB sorts an object's keys): still the profile's order
    assert list((event.lines[0].usage or {}).items()) == [("Usage", "Print"), ("Size", "A3")]
    assert event.lines[0].usage_text == "Usage: Print; Size: A3"
    assert event.lines[0].profile_id == RM_PROFILE
    assert (event.subtotal, event.total) == (30000, 30000)
    again = await client.get(
        f"/api/orders/{order['id']}", headers={"X-Order-Token": order["access_token"]}
    )
    assert list(again.json()["items"][0]["usage"]) == ["Usage", "Size"]


async def test_a_usage_missing_a_group_or_outside_the_tree_is_refused_naming_the_group(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot
) -> None:
    before = await counts(service)
    missing = await client.post("/api/orders", json=body([shelf.rm(0, Usage="Web")]))
    assert refused_field(missing)[:2] == (422, "items.0.options.Size")
    outside = await client.post(
        "/api/orders", json=body([shelf.rf(1), shelf.rm(0, Usage="Web", Size="A0")])
    )
    status, field, message = refused_field(outside)
    assert (status, field) == (422, "items.1.options.Size")
    assert "'A0' is not an option" in message
    unknown_group = await client.post(
        "/api/orders", json=body([shelf.rm(0, Usage="Web", Size="A4", Colour="Red")])
    )
    assert refused_field(unknown_group)[:2] == (422, "items.0.options.Colour")
    rf_as_rm = {"media_id": str(shelf.photos[0]), "profile_id": str(shelf.rows[0]), "options": {}}
    assert refused_field(await client.post("/api/orders", json=body([rf_as_rm])))[:2] == (
        422,
        "items.0.profile_id",
    )
    assert await counts(service) == before


async def test_quantity_tiers_of_a_profile_take_their_share_off_each_line(
    client: httpx.AsyncClient, shelf: Shelf
) -> None:
    order = (await client.post("/api/orders", json=body([shelf.rf(0), shelf.rf(1)]))).json()
    assert (order["subtotal"], order["discount"], order["total"]) == (10000, 1000, 9000)
    assert [(i["price"], i["discount"]) for i in order["items"]] == [(4000, 400), (6000, 600)]
    alone = (await client.post("/api/orders", json=body([shelf.rf(0)]))).json()
    assert (alone["discount"], alone["total"]) == (0, 4000)  # one file: no tier reached


async def test_a_coupon_is_applied_after_the_tiers_and_its_use_taken(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    made = await coupon(client, admin_headers, code="Spring10", percent_off=10, max_uses=1)
    items = [shelf.rf(0), shelf.rf(1)]
    response = await client.post("/api/orders", json=body(items, coupon=" spring10 "))
    assert response.status_code == 201, response.text
    order = response.json()
    # 10000 - 1000 (tiers) = 9000; the coupon: 10 % of 9000
    assert (order["subtotal"], order["discount"], order["total"]) == (10000, 1900, 8100)
    assert order["coupon"] == "SPRING10"
    assert sum(i["discount"] for i in order["items"]) == 1900
    assert await coupon_uses(client, admin_headers, made["id"]) == 1
    event = await placed_event(service, order["id"])
    assert (event.coupon_code, event.discount, event.subtotal) == ("SPRING10", 1900, 10000)
    assert [line.discount for line in event.lines] == [i["discount"] for i in order["items"]]

    before = await counts(service)
    used_up = await client.post("/api/orders", json=body(items, coupon="SPRING10"))
    status, field, message = refused_field(used_up)
    assert (status, field) == (422, "coupon")
    assert message.startswith("used_up")
    assert await counts(service) == before
    assert await coupon_uses(client, admin_headers, made["id"]) == 1


async def test_coupon_refusals_name_their_reason_and_record_nothing(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    await coupon(client, admin_headers, code="BIG", amount_off=500, minimum_order=50000)
    await coupon(
        client, admin_headers, code="LATER", percent_off=5, starts_at="2999-01-01T00:00:00Z"
    )
    other = str(uuid.uuid4())
    await coupon(client, admin_headers, code="ELSEWHERE", percent_off=5, profile_ids=[other])
    before = await counts(service)
    for code, reason in [
        ("NOPE", "unknown"),
        ("BIG", "below_minimum"),
        ("LATER", "not_started"),
        ("ELSEWHERE", "not_applicable"),
    ]:
        response = await client.post("/api/orders", json=body([shelf.rf(0)], coupon=code))
        status, field, message = refused_field(response)
        assert (status, field, message.split(":")[0]) == (422, "coupon", reason), message
        assert reason in response.json()["detail"]
    assert await counts(service) == before


async def test_concurrent_checkouts_take_no_more_uses_than_the_coupon_has(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    made = await coupon(client, admin_headers, code="FEW", percent_off=50, max_uses=3)
    before = await counts(service)
    responses = await asyncio.gather(
        *(
            client.post("/api/orders", json=body([shelf.rf(0)], coupon="FEW", email=f"c{i}@x.org"))
            for i in range(12)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 3 + [422] * 9
    assert all(refused_field(r)[2].startswith("used_up") for r in responses if r.status_code == 422)
    assert (await counts(service))["orders"] == before["orders"] + 3
    assert await coupon_uses(client, admin_headers, made["id"]) == 3


async def test_cancelling_gives_the_coupons_use_back(
    client: httpx.AsyncClient, shelf: Shelf, admin_headers: dict[str, str]
) -> None:
    made = await coupon(client, admin_headers, code="ONCE", amount_off=1000, max_uses=1)
    order = (await client.post("/api/orders", json=body([shelf.rf(1)], coupon="ONCE"))).json()
    assert order["total"] == 5000
    cancel = await client.post(f"/api/admin/orders/{order['id']}/cancel", headers=admin_headers)
    assert cancel.status_code == 202, cancel.text
    assert await coupon_uses(client, admin_headers, made["id"]) == 0
    again = await client.post("/api/orders", json=body([shelf.rf(1)], coupon="ONCE"))
    assert again.status_code == 201, again.text


async def test_tax_for_the_address_and_the_reverse_charge(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    await tax(
        client,
        admin_headers,
        [
            {"country": "FR", "rate": "20"},
            {"country": "DE", "rate": "19"},
            {"country": "US", "region": "NY", "rate": "8.875"},
        ],
    )
    await coupon(client, admin_headers, code="TEN", amount_off=1000)
    french = (await client.post("/api/orders", json=body([shelf.rf(1)], coupon="TEN"))).json()
    # tax on the amount after the discount: 20 % of 5000
    assert (french["subtotal"], french["discount"], french["tax"], french["total"]) == (
        6000,
        1000,
        1000,
        6000,
    )
    assert Decimal(french["tax_rate"]) == 20
    assert french["reverse_charge"] is False
    business = {"country": "DE", "city": "Berlin"}
    german = await client.post(
        "/api/orders",
        json=body([shelf.rf(0)], address=business, vat_number="DE 123456789", email="b@x.de"),
    )
    assert german.status_code == 201, german.text
    assert (german.json()["tax"], german.json()["total"], german.json()["reverse_charge"]) == (
        0,
        4000,
        True,
    )
    event = await placed_event(service, german.json()["id"])
    assert (event.reverse_charge, event.vat_number, event.tax_rate) == (True, "DE 123456789", 19)
    new_york = {"country": "US", "region": "NY", "city": "New York"}
    american = (await client.post("/api/orders", json=body([shelf.rf(0)], address=new_york))).json()
    assert american["tax"] == 355  # 8.875 % of 4000 = 355.0
    seen = await client.get(
        f"/api/orders/{american['id']}", headers={"X-Order-Token": american["access_token"]}
    )
    assert seen.json()["tax_rate"] == "8.875"

    before = await counts(service)
    unknown = await client.post("/api/orders", json=body([shelf.rf(0)], address={"country": "JP"}))
    status, field, message = refused_field(unknown)
    assert (status, field) == (422, "client.address.country")
    assert "JP" in message
    malformed = await client.post(
        "/api/orders", json=body([shelf.rf(0)], address=business, vat_number="DE12")
    )
    assert refused_field(malformed)[:2] == (422, "vat_number")
    assert await counts(service) == before


async def test_information_fields_are_checked_and_kept_on_the_order(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    fields = [
        {"name": "project", "label": "Project name", "kind": "text", "required": True},
        {"name": "terms", "label": "I accept", "kind": "checkbox"},
    ]
    saved = await client.put("/api/admin/order-fields", json=fields, headers=admin_headers)
    assert saved.status_code == 200, saved.text
    before = await counts(service)
    missing = await client.post("/api/orders", json=body([shelf.rf(0)]))
    assert refused_field(missing)[:2] == (422, "fields.project")
    unknown = await client.post(
        "/api/orders", json=body([shelf.rf(0)], fields={"project": "X", "colour": "red"})
    )
    assert refused_field(unknown)[:2] == (422, "fields.colour")
    assert await counts(service) == before
    answers: dict[str, Any] = {"project": "Book cover", "terms": True}
    order = (await client.post("/api/orders", json=body([shelf.rf(0)], fields=answers))).json()
    assert order["fields"] == {"project": "Book cover", "terms": "true"}
    event = await placed_event(service, order["id"])
    assert [(f.name, f.label, f.value) for f in event.fields] == [
        ("project", "Project name", "Book cover"),
        ("terms", "I accept", "true"),
    ]


async def test_a_free_order_skips_payment(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    await coupon(client, admin_headers, code="FREE", percent_off=100)
    order = (await client.post("/api/orders", json=body([shelf.rf(0)], coupon="FREE"))).json()
    assert (order["total"], order["next"]) == (0, {"action": "wait_for_delivery", "url": None})
    order_id = uuid.UUID(order["id"])
    assert await history_details(service, order_id) == ["placed", PAYMENT_SKIPPED]
    rows = await outbox_rows(service, order_id)
    assert [r["message_type"] for r in rows] == ["order.placed", "payment.mark_paid"]
    command = MarkOrderPaid.model_validate(rows[1]["envelope"]["payload"])
    assert (command.amount, command.requested_by, command.currency) == (0, "system", "EUR")


async def test_a_free_order_held_for_validation_skips_payment_once_validated(
    client: httpx.AsyncClient, shelf: Shelf, service: OrdersRoot, admin_headers: dict[str, str]
) -> None:
    settings = {"manual_validation": True, "seller_email": "seller@example.com"}
    assert (
        await client.put("/api/admin/settings", json=settings, headers=admin_headers)
    ).is_success
    await coupon(client, admin_headers, code="GIFT", amount_off=999999)
    order = (await client.post("/api/orders", json=body([shelf.rf(1)], coupon="GIFT"))).json()
    order_id = uuid.UUID(order["id"])
    assert order["status"] == "awaiting_validation"
    assert [r["message_type"] for r in await outbox_rows(service, order_id)] == ["order.placed"]
    validated = await client.post(
        f"/api/admin/orders/{order['id']}/validate", headers=admin_headers
    )
    assert validated.status_code == 202, validated.text
    assert (await history_details(service, order_id))[-1] == PAYMENT_SKIPPED
    rows = await outbox_rows(service, order_id)
    assert [r["message_type"] for r in rows][-1] == "payment.mark_paid"
    assert MarkOrderPaid.model_validate(rows[-1]["envelope"]["payload"]).amount == 0


async def test_prices_entered_with_tax_keep_the_total_and_show_net_figures(
    client: httpx.AsyncClient, shelf: Shelf, admin_headers: dict[str, str]
) -> None:
    await tax(client, admin_headers, [{"country": "FR", "rate": "20"}], included=True)
    order = (await client.post("/api/orders", json=body([shelf.rf(1)]))).json()
    # 6000 with tax: 5000 net + 1000 tax
    assert (order["subtotal"], order["discount"], order["tax"], order["total"]) == (
        5000,
        0,
        1000,
        6000,
    )
    assert order["prices_include_tax"] is True
    assert order["items"][0]["price"] == 6000  # as entered


async def test_tax_settings_saved_without_a_rate_charge_nothing_and_refuse_no_country(
    client: httpx.AsyncClient, shelf: Shelf, admin_headers: dict[str, str]
) -> None:
    """A Tax page saved with an empty table (or its GET body put back) must not stop sales."""
    await tax(client, admin_headers, [])
    for country in ("FR", "JP"):
        placed = await client.post(
            "/api/orders", json=body([shelf.rf(0)], address={"country": country})
        )
        assert placed.status_code == 201, placed.text
        assert (placed.json()["tax"], placed.json()["total"]) == (0, 4000)
