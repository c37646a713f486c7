"""`ShopClient`: the shop's public HTTP API and pages as a client (or a test) uses them.

Thin on purpose: each method is one call of CONTRACT.md, so a scenario reads like the contract.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from shop_devtools.config import SERVICES, ShopConfig
from shop_devtools.pages import Form, Page, parse_page

Json = dict[str, Any]


def stripe_signature(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header value: `t=<unix time>,v1=<HMAC-SHA256 of "t.payload">`."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def checkout_completed_event(order_id: str) -> bytes:
    """A Stripe `checkout.session.completed` event body for `order_id`."""
    session_id = f"cs_test_{uuid.uuid4().hex}"
    event = {
        "id": f"evt_{uuid.uuid4().hex}",
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "data": {
            "object": {
                "id": session_id,
                "object": "checkout.session",
                "client_reference_id": order_id,
                "payment_status": "paid",
                "status": "complete",
                "metadata": {"order_id": order_id},
            }
        },
    }
    return json.dumps(event).encode()


def default_client(email: str, name: str = "Ada Client") -> Json:
    return {
        "name": name,
        "email": email,
        "address": {
            "line1": "1 Rue X",
            "line2": None,
            "city": "Paris",
            "postal_code": "75001",
            "country": "FR",
        },
    }


def _items_of(data: Any, *keys: str) -> list[Json]:
    if isinstance(data, list):
        return data
    for key in (*keys, "orders", "items", "results", "data"):
        if isinstance(data, dict) and isinstance(data.get(key), list):
            return list(data[key])
    raise AssertionError(f"unexpected list shape: {str(data)[:300]}")


class ShopClient:
    def __init__(self, config: ShopConfig, http: httpx.AsyncClient | None = None) -> None:
        self.config = config
        # Idle connections are dropped after 2 s, before the services close them (5 s,
        # shop_platform.http_server.KEEP_ALIVE_S): with httpx's default of 5 s both ends
        # raced, and a request sent on a connection the server was closing got "Server
        # disconnected without sending a response" (seen once in a CI run).
        self.http = http or httpx.AsyncClient(
            timeout=15.0, limits=httpx.Limits(keepalive_expiry=2.0)
        )
        self.admin = {"Authorization": f"Bearer {config.admin_token}"}

    def url(self, service: str, path: str) -> str:
        return self.config.url(service) + path

    async def aclose(self) -> None:
        await self.http.aclose()

    # --- storefront ----------------------------------------------------------------------

    async def catalog(self) -> Json:
        response = await self.http.get(self.url("orders", "/api/catalog"))
        response.raise_for_status()
        data: Json = response.json()
        return data

    async def post_order(self, body: Json, idempotency_key: str | None = None) -> httpx.Response:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return await self.http.post(self.url("orders", "/api/orders"), json=body, headers=headers)

    async def place_order(
        self, items: list[Json], *, email: str, note: str | None = None, **extra: Any
    ) -> Json:
        body: Json = {"client": default_client(email), "items": items, **extra}
        if note is not None:
            body["note"] = note
        response = await self.post_order(body)
        assert response.status_code == 201, f"not placed: {response.status_code} {response.text}"
        order: Json = response.json()
        return order

    async def get_order_response(self, order_id: str, token: str | None) -> httpx.Response:
        headers = {"X-Order-Token": token} if token is not None else {}
        return await self.http.get(self.url("orders", f"/api/orders/{order_id}"), headers=headers)

    async def get_order(self, order: Json) -> Json:
        response = await self.get_order_response(order["id"], order["access_token"])
        assert response.status_code == 200, f"GET order: {response.status_code} {response.text}"
        data: Json = response.json()
        return data

    async def wait_for_order(self, order: Json, timeout: float = 30.0, **expected: Any) -> Json:
        """Poll the client's view of the order until every field equals `expected`."""
        deadline = time.monotonic() + timeout
        current: Json = {}
        while time.monotonic() < deadline:
            current = await self.get_order(order)
            if all(current.get(k) == v for k, v in expected.items()):
                return current
            await asyncio.sleep(0.1)
        seen = {k: current.get(k) for k in ("status", "payment_status", "delivery_status")}
        raise AssertionError(f"order {order.get('number')} never reached {expected}; last {seen}")

    # --- admin (orders) ------------------------------------------------------------------

    async def admin_command(self, order_id: str, command: str) -> httpx.Response:
        """validate | mark-paid | force-delivery | cancel."""
        url = self.url("orders", f"/api/admin/orders/{order_id}/{command}")
        return await self.http.post(url, headers=self.admin)

    async def admin_orders(self, status: str | None = None) -> list[Json]:
        params = {"status": status} if status else {}
        url = self.url("orders", "/api/admin/orders")
        response = await self.http.get(url, headers=self.admin, params=params)
        assert response.status_code == 200, f"admin list: {response.status_code} {response.text}"
        return _items_of(response.json())

    async def admin_order(self, order_id: str) -> Json:
        url = self.url("orders", f"/api/admin/orders/{order_id}")
        response = await self.http.get(url, headers=self.admin)
        assert response.status_code == 200, f"admin order: {response.status_code} {response.text}"
        data: Json = response.json()
        return data

    async def settings(self, service: str, **changes: Any) -> Json:
        """GET the service's admin settings; with `changes`, PUT them merged in first."""
        url = self.url(service, "/api/admin/settings")
        if changes:
            current = await self.settings(service)
            response = await self.http.put(url, headers=self.admin, json=current | changes)
            assert response.status_code == 200, f"PUT {url}: {response.status_code} {response.text}"
        response = await self.http.get(url, headers=self.admin)
        assert response.status_code == 200, f"GET {url}: {response.status_code} {response.text}"
        data: Json = response.json()
        return data

    # --- pages ---------------------------------------------------------------------------

    async def page(self, url: str) -> Page:
        response = await self.http.get(url, follow_redirects=True)
        return parse_page(str(response.url), response.status_code, response.text)

    async def wait_for_page(
        self, url: str, until: Callable[[Page], bool] | None = None, timeout: float = 30.0
    ) -> Page:
        """GET `url` until it answers 200 (and `until(page)` holds): pages follow events."""
        deadline = time.monotonic() + timeout
        page = await self.page(url)
        while time.monotonic() < deadline:
            if page.status == 200 and (until is None or until(page)):
                return page
            await asyncio.sleep(0.1)
            page = await self.page(url)
        detail = f"{page.status} {page.text[:300]}"
        raise AssertionError(f"{url} not as expected after {timeout}s: {detail}")

    async def submit(self, form: Form, **fields: str) -> Page:
        """Submit `form` like a browser would (following redirects)."""
        data = form.fields | fields
        if form.method == "GET":
            response = await self.http.get(form.action, params=data, follow_redirects=True)
        else:
            response = await self.http.post(form.action, data=data, follow_redirects=True)
        return parse_page(str(response.url), response.status_code, response.text)

    def payment_page_url(self, order: Json) -> str:
        base = self.config.url("payments")
        return f"{base}/pay/{order['id']}?token={order['access_token']}"

    async def payment_page(self, order: Json, until: Callable[[Page], bool] | None = None) -> Page:
        return await self.wait_for_page(self.payment_page_url(order), until)

    def download_page_url(self, order: Json, token: str | None = None) -> str:
        base = self.config.url("delivery")
        return f"{base}/orders/{order['id']}/downloads?token={token or order['access_token']}"

    async def download_page(self, order: Json) -> Page:
        return await self.wait_for_page(self.download_page_url(order))

    async def pay_with_sandbox(self, order: Json) -> Page:
        """The client's card payment through the sandbox processor (payments' setting
        `card_processor` must be "sandbox"): Secure payment, then the hosted page's Pay."""
        page = await self.wait_for_page(
            order["next"]["url"], until=lambda p: p.has_button("Secure payment")
        )
        sandbox = await self.submit(page.form_with_button("Secure payment"))
        assert sandbox.status == 200, f"sandbox checkout: {sandbox.status} {sandbox.text[:300]}"
        done = await self.submit(sandbox.form_with_button("Pay"))
        assert done.status < 400, f"sandbox Pay: {done.status} {done.text[:300]}"
        return done

    # --- catalog: admin API (CONTRACT.md "Catalog service") -------------------------------

    async def upload_media(
        self, path: Path, *, title: str | None = None, content_type: str = "image/jpeg"
    ) -> httpx.Response:
        """POST /api/admin/media (multipart `file`, optional `title`)."""
        data = {"title": title} if title is not None else {}
        with path.open("rb") as file:
            return await self.http.post(
                self.url("catalog", "/api/admin/media"),
                headers=self.admin,
                files={"file": (path.name, file, content_type)},
                data=data,
                timeout=60.0,
            )

    async def admin_call(
        self, method: str, service: str, path: str, body: Any = None, expect: int = 200
    ) -> Json:
        """An admin API call that must answer `expect`; its JSON (or {} when empty)."""
        response = await self.http.request(
            method, self.url(service, path), headers=self.admin, json=body
        )
        assert response.status_code == expect, (
            f"{method} {service} {path}: {response.status_code} {response.text[:500]}"
        )
        data: Json = response.json() if response.content else {}
        return data

    # --- catalog: storefront API ----------------------------------------------------------

    async def galleries(self) -> list[Json]:
        response = await self.http.get(self.url("catalog", "/api/galleries"))
        assert response.status_code == 200, f"galleries: {response.status_code} {response.text}"
        return _items_of(response.json(), "galleries")

    async def gallery(self, slug: str, password: str | None = None) -> httpx.Response:
        headers = {"X-Gallery-Password": password} if password is not None else {}
        return await self.http.get(self.url("catalog", f"/api/galleries/{slug}"), headers=headers)

    async def search(self, query: str) -> list[Json]:
        response = await self.http.get(self.url("catalog", "/api/search"), params={"q": query})
        assert response.status_code == 200, f"search: {response.status_code} {response.text}"
        return _items_of(response.json(), "media")

    async def wait_for_offer(self, media_id: str, license_id: str, timeout: float = 30.0) -> Json:
        """Poll orders' read model (`GET /api/catalog`) until `media_id` offers `license_id`:
        catalog's events reach orders a moment after the catalog changed. Returns the media."""
        deadline = time.monotonic() + timeout
        media: list[Json] = []
        while time.monotonic() < deadline:
            media = (await self.catalog())["media"]
            for entry in media:
                if entry["id"] == media_id and any(
                    lic["id"] == license_id for lic in entry["licenses"]
                ):
                    return entry
            await asyncio.sleep(0.2)
        seen = [e for e in media if e["id"] == media_id]
        raise AssertionError(f"orders never offered {license_id} for {media_id}; seen {seen}")

    # --- cart (orders) ---------------------------------------------------------------------

    async def new_cart(self) -> Json:
        response = await self.http.post(self.url("orders", "/api/carts"))
        assert response.status_code == 201, f"new cart: {response.status_code} {response.text}"
        cart: Json = response.json()
        return cart

    async def put_cart_line(self, cart_id: str, line: Json) -> httpx.Response:
        """PUT /api/carts/{id}/lines: `{"media_id", "license_id"}` or `{"gallery_id"}`."""
        return await self.http.put(self.url("orders", f"/api/carts/{cart_id}/lines"), json=line)

    async def add_to_cart(self, cart_id: str, line: Json, timeout: float = 30.0) -> Json:
        """PUT the line, retrying while orders has not yet heard of it from catalog (404 or
        422 until the catalog's event arrives); the cart once it answers 200."""
        deadline = time.monotonic() + timeout
        response = await self.put_cart_line(cart_id, line)
        while response.status_code in (404, 422) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            response = await self.put_cart_line(cart_id, line)
        assert response.status_code == 200, (
            f"cart line {line}: {response.status_code} {response.text}"
        )
        cart: Json = response.json()
        return cart

    # --- processor -----------------------------------------------------------------------

    async def post_webhook(self, body: bytes, signature: str) -> httpx.Response:
        return await self.http.post(
            self.url("payments", "/webhooks/stripe"),
            content=body,
            headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
        )

    # --- health --------------------------------------------------------------------------

    async def health(self) -> dict[str, int]:
        return {s: (await self.http.get(self.url(s, "/health"))).status_code for s in SERVICES}
