"""A private shop for the hostile-input suite (package-scoped: stopped when the folder is done,
so it never idles beside tests/integration's shop), started exactly like tests/integration's:
its own databases, RabbitMQ vhost, SMTP sink, media root and ports; the five services as real
processes (`shop_devtools.ShopStack`). Tests talk to it over HTTP only (plus the one aging
UPDATE in the delivery database that tests/integration also does).

Fixtures: `shop`, `web_item`, and three session orders: `placed_order` (awaiting payment),
`delivered_order` (forced delivery, download links ready), `cancelled_order`.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shop_devtools.pages import Page
from shop_devtools.testing import PrivateShop, private_shop
from shop_testkit.smtp import ReceivedEmail

Json = dict[str, Any]
SELLER = "seller@hostile.example.com"
UPLOAD_CAP = 4 * 1024 * 1024  # CATALOG_UPLOAD_MAX_BYTES of the suite's shop (test_uploads)
_LEFT = re.compile(r"(\d+) downloads? left")


class Shop(PrivateShop):
    @property
    def http(self) -> httpx.AsyncClient:
        return self.client.http

    def url(self, service: str, path: str) -> str:
        return self.client.url(service, path)

    # --- what an attack must not have written, read through the APIs ---------------------

    async def order_count(self) -> int:
        return len(await self.client.admin_orders())

    async def payments_of(self, order_id: str) -> list[Json]:
        response = await self.http.get(
            self.url("payments", "/api/admin/payments"),
            params={"order_id": order_id},
            headers=self.client.admin,
        )
        assert response.status_code == 200, response.text
        data: list[Json] = response.json()
        return data

    async def emails_of(self, order_id: str) -> list[Json]:
        response = await self.http.get(
            self.url("notifications", "/api/admin/emails"),
            params={"order_id": order_id, "limit": 500},
            headers=self.client.admin,
        )
        assert response.status_code == 200, response.text
        emails: list[Json] = response.json()["emails"]
        return emails

    def received_for(self, order_id: str) -> list[ReceivedEmail]:
        return [m for m in self.mail.received if m.message["X-Shop-Order-Id"] == order_id]

    async def downloads_left(self, order: Json) -> list[int]:
        page = await self.client.page(self.client.download_page_url(order))
        assert page.status == 200, page.html[:300]
        return [int(n) for n in _LEFT.findall(page.text)]

    async def download_links(self, order: Json) -> list[str]:
        page = await self.client.download_page(order)
        links = page.links_containing("/downloads/")
        assert links, f"no download link on {page.url}: {page.text[:300]}"
        return links

    # --- orders in a known state ----------------------------------------------------------

    async def unpaid_order(self, item: Json, tag: str, **extra: Any) -> Json:
        """A new order, awaiting payment, that payments already knows (its page answers)."""
        order = await self.client.place_order([item], email=self.new_email(tag), **extra)
        await self.client.payment_page(order)
        return order

    async def delivered_order(self, item: Json, tag: str) -> Json:
        order = await self.client.place_order([item], email=self.new_email(tag))
        response = await self.client.admin_command(order["id"], "force-delivery")
        assert response.status_code == 202, response.text
        await self.client.wait_for_order(order, delivery_status="delivered")
        await self.download_links(order)
        return order

    # --- the checkout form (orders' page over the client's cart) ---------------------------

    async def cart_with(self, item: Json) -> str:
        """A new cart (orders' API) holding `item`: the id its `shop_cart` cookie carries."""
        cart = await self.client.new_cart()
        await self.client.add_to_cart(cart["id"], item)
        return str(cart["id"])

    def form_headers(self, cart_id: str | None = None) -> dict[str, str]:
        """What a browser sends with the checkout form: the page's Origin (orders refuses a
        form without one of the shop's own) and, with `cart_id`, the cart cookie."""
        headers = {"Origin": self.config.public_url("orders")}
        if cart_id is not None:
            headers["Cookie"] = f"shop_cart={cart_id}"
        return headers

    async def admin_session(self) -> httpx.AsyncClient:
        """A separate HTTP client logged in to the admin pages (the signed `shop_admin` cookie)."""
        # A browser: sends Origin with its POSTs (the admin pages refuse a change without it).
        http = httpx.AsyncClient(
            timeout=15.0,
            headers={"Origin": self.config.public_url("orders")},
            event_hooks={"request": [_as_a_new_client]},
        )
        response = await http.post(
            self.url("orders", "/admin/login"), data={"token": self.config.admin_token}
        )
        assert response.status_code == 303, f"login: {response.status_code} {response.text[:300]}"
        assert http.cookies, "login set no cookie"
        return http


async def settle(seconds: float = 1.5) -> None:
    """Time for a wrongly accepted request to show its effects through the broker."""
    await asyncio.sleep(seconds)


def page_of(response: httpx.Response) -> Page:
    from shop_devtools.pages import parse_page

    return parse_page(str(response.url), response.status_code, response.text)


def new_client_address() -> str:
    """An address in the benchmarking range (198.18.0.0/15): one per simulated client."""
    n = random.getrandbits(17)
    return f"198.{18 + (n >> 16)}.{(n >> 8) & 0xFF}.{n & 0xFF}"


async def _as_a_new_client(request: httpx.Request) -> None:
    """The suite's requests come from many clients (through the trusted proxy), so the
    per-address limits under test never trip on the other tests' orders and logins."""
    request.headers.setdefault("X-Forwarded-For", new_client_address())


@pytest.fixture(scope="package")
async def shop(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Shop]:
    root: Path = tmp_path_factory.mktemp("hostile")
    # 127.0.0.1 plays the reverse proxy: X-Forwarded-For says which client is asking.
    extra = {"TRUSTED_PROXIES": "127.0.0.1", "CATALOG_UPLOAD_MAX_BYTES": str(UPLOAD_CAP)}
    async with private_shop(root, "hostile", SELLER, extra) as private:
        private.client.http.event_hooks["request"].append(_as_a_new_client)
        shop = Shop(private.stack, private.client, private.mail)
        await private.client.settings("orders", manual_validation=False)
        await private.client.settings("payments", card_processor="sandbox")
        yield shop


SETTINGS_SERVICES = ("orders", "payments", "delivery")
# Run last, in this order: the fuzzer can change anything an admin can (it learns real ids
# from responses: it deletes licenses, finalizes media); the log check reads what all wrote.
_LAST = ("test_schemathesis.py", "test_secrets.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    mine = [i for i in items if i.path.parent == here]
    if not mine:
        return
    last = sorted((i for i in mine if i.path.name in _LAST), key=lambda i: _LAST.index(i.path.name))
    if not last:
        return
    at = items.index(mine[-1])
    reordered = [i for i in mine if i not in last] + last
    first = items.index(mine[0])
    if at - first + 1 == len(mine):  # the folder's tests are contiguous: reorder in place
        items[first : at + 1] = reordered


@pytest.fixture(autouse=True)
async def restore_settings(shop: Shop) -> AsyncIterator[None]:
    """An attack that succeeds (a protection still missing) must not change the next test's
    shop: the admin settings are put back after every test when they changed."""
    saved = {s: await shop.client.settings(s) for s in SETTINGS_SERVICES}
    yield
    for service, values in saved.items():
        if await shop.client.settings(service) != values:
            url = shop.url(service, "/api/admin/settings")
            await shop.http.put(url, headers=shop.client.admin, json=values)


@pytest.fixture(scope="package")
async def web_item(shop: Shop) -> Json:
    """An order line: a demo image with its Web license."""
    catalog = await shop.client.catalog()
    for media in catalog["media"]:
        if media["kind"] != "image":
            continue
        for license_ in media["licenses"]:
            if "web" in license_["name"].lower():
                return {"media_id": media["id"], "license_id": license_["id"]}
    raise AssertionError(f"no image with a Web license in the demo catalog: {catalog}")


@pytest.fixture(scope="package")
async def placed_order(shop: Shop, web_item: Json) -> Json:
    return await shop.unpaid_order(web_item, "placed")


@pytest.fixture(scope="package")
async def delivered_order(shop: Shop, web_item: Json) -> Json:
    return await shop.delivered_order(web_item, "delivered")


@pytest.fixture(scope="package")
async def cancelled_order(shop: Shop, web_item: Json) -> Json:
    order = await shop.unpaid_order(web_item, "cancelled")
    response = await shop.client.admin_command(order["id"], "cancel")
    assert response.status_code == 202, response.text
    await shop.client.wait_for_order(order, status="cancelled")
    return order
