"""The admin order page after a button (issue 10): destructive buttons ask first; a request
that payments or delivery carries out (Mark as paid, Force delivery, Re-issue) is shown as on
its way, is not offered again, and the page updates itself until the answer arrives; the
button's POST waits a moment for that answer. Phone layout and the admin navigation."""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import httpx
import pytest

from shop_contracts.events import DeliveryFailed
from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .helpers import deliver, handle, order_body, pay
from .test_pages import login

REFRESH = '<meta http-equiv="refresh"'


def visible_text(html: str) -> str:
    """What a person reads: no tags, no attribute values."""
    return re.sub(r"<[^>]+>", " ", html)


def watch_url(html: str) -> str:
    """Where shop.js asks whether the page changed (the page waits for something)."""
    match = re.search(r'data-watch-url="([^"]+)"', html)
    assert match, "the page updates itself meanwhile (data-watch-url for shop.js)"
    return match.group(1).replace("&amp;", "&")


def form_of(html: str, label: str) -> str:
    """The <form ...> start tag holding the button `label`."""
    for match in re.finditer(r"(<form[^>]*>)(.*?)</form>", html, re.S):
        if f">{label}</button>" in match.group(2):
            return match.group(1)
    raise AssertionError(f"no button {label!r}")


async def placed(client: httpx.AsyncClient, catalog: list[Media]) -> dict[str, str]:
    response = await client.post("/api/orders", json=order_body(catalog))
    assert response.status_code == 201
    data: dict[str, str] = response.json()
    return data


async def test_destructive_buttons_ask_before_acting(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    order = await placed(client, catalog)
    await login(client)
    page = (await client.get(f"/admin/orders/{order['id']}")).text
    assert f'data-confirm="Cancel order {order["number"]}?' in form_of(page, "Cancel")
    assert f"Deliver order {order['number']} now" in form_of(page, "Force delivery")
    assert "data-confirm" not in form_of(page, "Mark as paid")


@pytest.mark.parametrize(
    ("action", "label", "waiting", "answer", "done"),
    [
        ("mark-paid", "Mark as paid", "Recording the payment", "pay", "Marked as paid"),
        ("force-delivery", "Force delivery", "Delivering", "deliver", "Delivered:"),
    ],
)
async def test_a_request_is_shown_on_its_way_until_answered(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    action: str,
    label: str,
    waiting: str,
    answer: str,
    done: str,
) -> None:
    order = await placed(client, catalog)
    order_id = uuid.UUID(order["id"])
    csrf = await login(client)
    url = f"/admin/orders/{order_id}"
    pressed = await client.post(f"{url}/{action}", data={"csrf": csrf})
    assert pressed.headers["location"] == f"{url}?done={action}"
    page = (await client.get(pressed.headers["location"])).text
    assert f">{label}</button>" not in page, "a request on its way is not offered again"
    assert waiting in page
    watch = watch_url(page)
    assert (await client.get(watch)).json()["changed"] is False
    assert f"<noscript>{REFRESH}" in page, "without script, a refresh"
    if answer == "pay":
        await pay(service, order_id, method="offline")
    else:
        await deliver(service, order_id, forced=True)
    assert (await client.get(watch)).json()["changed"] is True, "shop.js reloads the page now"
    page = (await client.get(pressed.headers["location"])).text
    assert done in page
    assert waiting not in page
    assert REFRESH not in page
    assert "data-watch-url" not in page
    assert f">{label}</button>" not in page


async def test_a_failed_request_says_so_and_offers_the_button_again(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    order = await placed(client, catalog)
    order_id = uuid.UUID(order["id"])
    csrf = await login(client)
    url = f"/admin/orders/{order_id}"
    await client.post(f"{url}/force-delivery", data={"csrf": csrf})
    failed = DeliveryFailed(order_id=order_id, reason="the original file is missing")
    await handle(service, failed.envelope(correlation_id=order_id))
    page = (await client.get(f"{url}?done=force-delivery")).text
    assert (
        "Force delivery did not go through: delivery failed: the original file is missing" in page
    )
    assert ">Force delivery</button>" in page
    assert REFRESH not in page


async def test_the_button_waits_for_the_answer_so_the_next_page_shows_the_new_state(
    catalog: list[Media], service: OrdersRoot
) -> None:
    service.action_wait_s = 5.0
    app = service.http_app()
    service.action_wait_s = 0.2
    transport = httpx.ASGITransport(app=app)
    origin = {"Origin": "http://orders.test"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://orders.test", headers=origin
    ) as client:
        order = await placed(client, catalog)
        order_id = uuid.UUID(order["id"])
        csrf = await login(client)
        url = f"/admin/orders/{order_id}"

        async def payments_answers() -> None:
            await asyncio.sleep(0.6)
            await pay(service, order_id, method="offline")

        started = time.monotonic()
        answering = asyncio.create_task(payments_answers())
        pressed = await client.post(f"{url}/mark-paid", data={"csrf": csrf})
        took = time.monotonic() - started
        await answering
        assert 0.5 < took < 3.0, took
        page = (await client.get(pressed.headers["location"])).text
        assert "Marked as paid" in page
        assert REFRESH not in page
        cancelled = await placed(client, catalog)
        started = time.monotonic()
        await client.post(f"/admin/orders/{cancelled['id']}/cancel", data={"csrf": csrf})
        assert time.monotonic() - started < 1.0, "a cancel is done at once: nothing to wait for"


async def test_the_order_state_is_for_the_admin_only(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    order = await placed(client, catalog)
    url = f"/admin/orders/{order['id']}/state"
    assert (await client.get(url)).status_code == 401
    await login(client)
    assert (await client.get(url)).json()["changed"] is True, "nothing known yet"


async def test_admin_pages_fit_a_phone_and_link_to_every_other(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    order = await placed(client, catalog)
    await login(client)
    pages = ["/admin", f"/admin/orders/{order['id']}", "/admin/settings"]
    links = [
        'href="http://orders.test/admin"',
        'href="http://catalog.test/admin/media"',
        'href="http://orders.test/admin/settings"',
        'href="http://payments.test/admin/settings"',
        'href="http://notifications.test/admin/emails"',
    ]
    for path in pages:
        html = (await client.get(path)).text
        for href in links:
            assert href in html, (path, href)
        assert "/static/web/shop.css" in html, path
        assert "<style>" not in html.replace("<style>:root", ""), f"{path}: its own styles"
        assert not re.search(r"\bawaiting_(payment|validation)\b", visible_text(html)), path
        for table in re.findall(r"<table[^>]*>", html):
            assert 'class="stack"' in table, f"{path}: a table that scrolls sideways on a phone"
            assert "data-label=" in html
