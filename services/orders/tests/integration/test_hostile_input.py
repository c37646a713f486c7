"""Hostile input: HTML stored as typed and escaped on every page, control characters and
header injection refused naming the field, oversized and malformed bodies, foreign tokens."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media
from shop_platform.security import order_access_token

from .conftest import SECRET_KEY
from .helpers import counts, deliver, order_body
from .test_pages import checkout_form, fill_cart, login

SCRIPT = "<script>alert('x')</script>"


def hostile_body(catalog: list[Media]) -> dict[str, Any]:
    body = order_body(catalog, note=f'{SCRIPT}\nsecond line "quoted" & <b>bold</b>')
    body["client"]["name"] = f"{SCRIPT} Ada"
    body["client"]["address"].update(line1="<img src=x onerror=alert(1)>", city=SCRIPT)
    return body


async def test_html_is_stored_as_typed_and_escaped_on_every_page(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot, admin_headers
) -> None:
    placed = await client.post("/api/orders", json=hostile_body(catalog))
    assert placed.status_code == 201, placed.text
    order = placed.json()
    stored = (await client.get(f"/api/admin/orders/{order['id']}", headers=admin_headers)).json()
    assert stored["client"]["name"] == f"{SCRIPT} Ada", "stored as given"
    assert stored["note"].startswith(SCRIPT)
    await deliver(service, uuid.UUID(order["id"]), forced=True)
    await login(client)
    pages = [
        "/admin",
        f"/admin/orders/{order['id']}",
        f"/orders/{order['id']}?token={order['access_token']}",
    ]
    for path in pages:
        html = (await client.get(path)).text
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
    admin_page = (await client.get(pages[1])).text
    assert "&lt;script&gt;alert(" in admin_page
    assert "&lt;b&gt;bold&lt;/b&gt;" in admin_page


async def test_a_refused_checkout_form_escapes_what_was_typed(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    await fill_cart(client, catalog)
    form = checkout_form(catalog, name=SCRIPT, note=SCRIPT, email="bad")
    page = await client.post("/checkout", data=form)
    assert page.status_code == 422
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;" in page.text


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("client", "name"), "Ada\r\nBcc: victim@example.com", "client.name"),
        (("client", "name"), "Ada\nClient", "client.name"),
        (("client", "email"), "ada@example.com\r\nBcc: x@example.com", "client.email"),
        (("client", "address", "line1"), "1 Rue X\rY", "client.address.line1"),
        (("client", "address", "line2"), "apt\n2", "client.address.line2"),
        (("client", "address", "city"), "Par\x00is", "client.address.city"),
        (("client", "address", "postal_code"), "75\t001", "client.address.postal_code"),
        (("note",), "hello\x00", "note"),
        (("note",), "bell\x07", "note"),
        (("note",), "esc\x1b[31m", "note"),
        (("note",), "\ud800", "note"),
    ],
)
async def test_control_characters_are_refused_naming_the_field(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    path: tuple[str, ...],
    value: str,
    field: str,
) -> None:
    body = order_body(catalog)
    target: dict[str, Any] = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    raw = json.dumps(body).encode()  # ASCII: a lone surrogate travels as its \u escape
    headers = {"Content-Type": "application/json"}
    refused = await client.post("/api/orders", content=raw, headers=headers)
    assert refused.status_code == 422, refused.text
    assert field in [f["field"] for f in refused.json()["fields"]]
    assert (await counts(service))["orders"] == 0


async def test_line_breaks_and_tabs_are_fine_in_the_note(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    body = order_body(catalog, note="line one\r\nline two\n\tindented")
    assert (await client.post("/api/orders", json=body)).status_code == 201


async def test_admin_text_fields_refuse_control_characters(
    client: httpx.AsyncClient, catalog: list[Media], admin_headers: dict[str, str]
) -> None:
    settings = {"manual_validation": False, "seller_email": "a@b.c\x00"}
    refused = await client.put("/api/admin/settings", json=settings, headers=admin_headers)
    assert refused.status_code == 422
    assert "seller_email" in refused.json()["detail"]
    settings = {"manual_validation": False, "seller_email": "a@b.c", "terms_text": "x\x00"}
    refused = await client.put("/api/admin/settings", json=settings, headers=admin_headers)
    assert "terms_text" in refused.json()["detail"]


async def test_oversized_and_malformed_bodies(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot, admin_headers
) -> None:
    huge = order_body(catalog, note="x" * 2_000_000)
    too_big = await client.post("/api/orders", json=huge)
    assert too_big.status_code == 413
    assert too_big.json()["error"] == "payload_too_large"
    form = await client.post("/checkout", data=checkout_form(catalog, note="x" * 2_000_000))
    assert form.status_code == 413
    headers = {"Content-Type": "application/json"}
    for raw in (b"{", b"not json", b"[1, 2", b'{"client": ', b"\xff\xfe", b"null", b"[]", b'"x"'):
        response = await client.post("/api/orders", content=raw, headers=headers)
        assert response.status_code == 422, raw
        assert response.json()["error"] == "invalid_input"
    put = await client.put(
        "/api/admin/settings", content=b"{", headers={**headers, **admin_headers}
    )
    assert put.status_code == 422
    assert (await counts(service))["orders"] == 0


async def test_another_orders_token_opens_nothing(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    first = (await client.post("/api/orders", json=order_body(catalog))).json()
    second = (await client.post("/api/orders", json=order_body(catalog))).json()
    url = f"/api/orders/{first['id']}"
    assert (
        await client.get(url, headers={"X-Order-Token": second["access_token"]})
    ).status_code == 404
    page = await client.get(f"/orders/{first['id']}?token={second['access_token']}")
    assert page.status_code == 404
    assert first["number"] not in page.text
    forged = order_access_token(SECRET_KEY + "x", uuid.UUID(first["id"]))
    assert (await client.get(url, headers={"X-Order-Token": forged})).status_code == 404
