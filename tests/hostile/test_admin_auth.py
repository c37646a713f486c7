"""Admin APIs and pages without the admin's credentials: 401 (APIs) or the login page (pages),
and nothing changes: no setting, no order, no payment."""

from __future__ import annotations

import json

import httpx
import pytest

from shop_platform.auth import ADMIN_COOKIE
from shop_platform.security import sign_value

from .conftest import settle

# (service, method, path template, JSON body) — {order} is the placed order's id.
ADMIN_API = [
    ("orders", "GET", "/api/admin/orders", None),
    ("orders", "GET", "/api/admin/orders/{order}", None),
    ("orders", "POST", "/api/admin/orders/{order}/mark-paid", None),
    ("orders", "POST", "/api/admin/orders/{order}/force-delivery", None),
    ("orders", "POST", "/api/admin/orders/{order}/cancel", None),
    ("orders", "GET", "/api/admin/settings", None),
    (
        "orders",
        "PUT",
        "/api/admin/settings",
        {"manual_validation": True, "seller_email": "evil@example.com"},
    ),
    ("payments", "GET", "/api/admin/settings", None),
    (
        "payments",
        "PUT",
        "/api/admin/settings",
        {"card_processor": None, "payment_instructions": "pay evil@example.com"},
    ),
    ("payments", "GET", "/api/admin/payments", None),
    ("delivery", "GET", "/api/admin/settings", None),
    ("delivery", "PUT", "/api/admin/settings", {"max_downloads": 7, "link_expiry_days": 3}),
    ("notifications", "GET", "/api/admin/emails", None),
    # {media} is a demo media's id
    ("catalog", "GET", "/api/admin/media", None),
    ("catalog", "POST", "/api/admin/media", None),
    ("catalog", "GET", "/api/admin/media/{media}", None),
    ("catalog", "PATCH", "/api/admin/media/{media}", {"title": "Defaced", "state": "proof"}),
    ("catalog", "DELETE", "/api/admin/media/{media}", None),
    ("catalog", "GET", "/api/admin/pricing-profiles", None),
    (
        "catalog",
        "POST",
        "/api/admin/pricing-profiles",
        {"name": "Free", "kind": "royalty_free", "rows": [{"name": "All", "price": 0}]},
    ),
    ("catalog", "GET", "/api/admin/galleries", None),
    ("catalog", "POST", "/api/admin/galleries", {"title": "Evil", "visibility": "public"}),
    (
        "catalog",
        "POST",
        "/api/admin/selections",
        {"title": "Evil", "media_ids": ["{media}"], "client_email": "evil@example.com"},
    ),
]


def _credentials(shop) -> dict[str, tuple[dict[str, str], dict[str, str], dict[str, str]]]:
    """name: (headers, query params, cookies) an attacker could try."""
    token = shop.config.admin_token
    forged_cookie = sign_value("not-the-secret-key", "admin-session", "admin")
    return {
        "none": ({}, {}, {}),
        "wrong-bearer": ({"Authorization": "Bearer not-the-token"}, {}, {}),
        "empty-bearer": ({"Authorization": "Bearer"}, {}, {}),
        "truncated-bearer": ({"Authorization": f"Bearer {token[:-1]}"}, {}, {}),
        "extended-bearer": ({"Authorization": f"Bearer {token}x"}, {}, {}),
        "basic-scheme": ({"Authorization": f"Basic {token}"}, {}, {}),
        "token-in-query": ({}, {"token": token, "admin_token": token, "access_token": token}, {}),
        "token-as-cookie": ({}, {}, {ADMIN_COOKIE: token}),
        "unsigned-cookie": ({}, {}, {ADMIN_COOKIE: "admin"}),
        "cookie-signed-with-another-key": ({}, {}, {ADMIN_COOKIE: forged_cookie}),
        "token-in-other-header": ({"X-Admin-Token": token, "X-Api-Key": token}, {}, {}),
    }


CREDENTIALS = [
    "none",
    "wrong-bearer",
    "empty-bearer",
    "truncated-bearer",
    "extended-bearer",
    "basic-scheme",
    "token-in-query",
    "token-as-cookie",
    "unsigned-cookie",
    "cookie-signed-with-another-key",
    "token-in-other-header",
]


async def _state(shop, order, media_id):
    settings = {s: await shop.client.settings(s) for s in ("orders", "payments", "delivery")}
    current = await shop.client.admin_order(order["id"])
    status = {k: current.get(k) for k in ("status", "payment_status", "delivery_status")}
    catalog = [
        await shop.client.admin_call("GET", "catalog", f"/api/admin/media/{media_id}"),
        len(await shop.client.admin_call("GET", "catalog", "/api/admin/pricing-profiles")),
        len(await shop.client.admin_call("GET", "catalog", "/api/admin/galleries")),
        [g["slug"] for g in await shop.client.galleries()],
    ]
    return settings, status, await shop.payments_of(order["id"]), catalog


def _filled(template: str, order: dict, media_id: str) -> str:
    return template.replace("{order}", order["id"]).replace("{media}", media_id)


@pytest.mark.parametrize("credential", CREDENTIALS)
async def test_admin_api_refuses_without_the_admin_token(shop, placed_order, web_item, credential):
    headers, params, cookies = _credentials(shop)[credential]
    media_id = web_item["media_id"]
    before = await _state(shop, placed_order, media_id)
    wrong = []
    async with httpx.AsyncClient(timeout=15.0, cookies=cookies) as http:
        for service, method, path, body in ADMIN_API:
            url = shop.url(service, _filled(path, placed_order, media_id))
            if body is not None:
                body = json.loads(_filled(json.dumps(body), placed_order, media_id))
            response = await http.request(method, url, headers=headers, params=params, json=body)
            if response.status_code != 401:
                wrong.append(f"{method} {url} -> {response.status_code} {response.text[:200]}")
    assert not wrong, f"{credential}: not 401:\n" + "\n".join(wrong)
    await settle(1.0)
    after = await _state(shop, placed_order, media_id)
    assert after == before, "an unauthenticated call changed something"


ADMIN_PAGES = [
    ("orders", "GET", "/admin"),
    ("orders", "GET", "/admin/orders/{order}"),
    ("orders", "GET", "/admin/settings"),
    ("orders", "POST", "/admin/orders/{order}/mark-paid"),
    ("orders", "POST", "/admin/orders/{order}/cancel"),
    ("orders", "POST", "/admin/settings"),
    ("orders", "GET", "/admin/system"),
    ("orders", "POST", "/admin/system/replay/orders"),
    ("payments", "GET", "/admin/settings"),
    ("payments", "POST", "/admin/settings"),
    ("notifications", "GET", "/admin/emails"),
    ("catalog", "GET", "/admin/media"),
    ("catalog", "GET", "/admin/galleries"),
    ("catalog", "GET", "/admin/pricing-profiles"),
    ("catalog", "GET", "/admin/selections"),
]


@pytest.mark.parametrize(
    "credential", ["none", "token-in-query", "token-as-cookie", "cookie-signed-with-another-key"]
)
async def test_admin_pages_refuse_without_a_valid_admin_session(
    shop, placed_order, web_item, credential
):
    """Pages answer 401/403 or send to the login page; they never show or change anything."""
    headers, params, cookies = _credentials(shop)[credential]
    before = await _state(shop, placed_order, web_item["media_id"])
    form = {"manual_validation": "on", "seller_email": "evil@example.com", "csrf": "x"}
    wrong = []
    async with httpx.AsyncClient(timeout=15.0, cookies=cookies) as http:
        for service, method, path in ADMIN_PAGES:
            url = shop.url(service, path.format(order=placed_order["id"]))
            data = form if method == "POST" else None
            response = await http.request(method, url, headers=headers, params=params, data=data)
            to_login = response.status_code in (302, 303, 307) and "/admin/login" in (
                response.headers.get("location", "")
            )
            refused = response.status_code in (401, 403) or to_login
            leaked = placed_order["number"] in response.text
            if not refused or leaked:
                wrong.append(f"{method} {url} -> {response.status_code} {response.text[:200]}")
    assert not wrong, f"{credential}: admin page not refused:\n" + "\n".join(wrong)
    await settle(1.0)
    after = await _state(shop, placed_order, web_item["media_id"])
    assert after == before, "an unauthenticated form changed something"
