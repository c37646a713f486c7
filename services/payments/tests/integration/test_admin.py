"""Payment settings: admin API and admin page."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import httpx

from shop_payments.bootstrap import bootstrap
from shop_payments.domain.model import Payment, PaymentDisposition, PaymentMethod
from shop_platform.auth import ADMIN_COOKIE

from .conftest import (
    ADMIN,
    ADMIN_SESSIONS,
    ORDERS_PUBLIC,
    PUBLIC,
    SECRET,
    make_settings,
    place,
    token,
    use_settings,
)

BEARER = {"Authorization": f"Bearer {ADMIN}"}


async def test_settings_need_the_admin_token(client) -> None:
    assert (await client.get("/api/admin/settings")).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert (await client.put("/api/admin/settings", json={}, headers=wrong)).status_code == 401
    assert (await client.get("/api/admin/payments")).status_code == 401


async def test_stripe_without_its_key_is_422(client) -> None:
    response = await client.put(
        "/api/admin/settings", json={"card_processor": "stripe"}, headers=BEARER
    )
    assert response.status_code == 422
    assert "STRIPE_SECRET_KEY" in response.json()["detail"]


async def test_unknown_processor_is_422(client) -> None:
    response = await client.put(
        "/api/admin/settings", json={"card_processor": "paypal"}, headers=BEARER
    )
    assert response.status_code == 422
    assert "card_processor" in response.json()["detail"]


async def test_put_and_get_settings(client) -> None:
    body = {"card_processor": None, "payment_instructions": "  Pay by bank transfer.\n  "}
    response = await client.put("/api/admin/settings", json=body, headers=BEARER)
    assert response.status_code == 200
    assert response.json() == {
        "card_processor": None,
        "card_processors": [],  # issue 13: the list, card_processor being its first
        "payment_instructions": "Pay by bank transfer.",
        "offline_methods": [],
    }
    partial = await client.put(
        "/api/admin/settings", json={"card_processor": "sandbox"}, headers=BEARER
    )
    assert partial.json() == {
        "card_processor": "sandbox",
        "card_processors": ["sandbox"],
        "payment_instructions": "Pay by bank transfer.",
        "offline_methods": [],
    }
    assert (await client.get("/api/admin/settings", headers=BEARER)).json() == partial.json()
    assert (await client.get("/api/admin/payments", headers=BEARER)).status_code == 200


async def test_settings_page_redirects_to_login_without_auth(client) -> None:
    response = await client.get("/admin/settings")
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"{ORDERS_PUBLIC}/admin/login")


async def test_settings_page_form_with_the_admin_cookie(root, client) -> None:
    cookies = {ADMIN_COOKIE: ADMIN_SESSIONS.login(SECRET)}
    transport = httpx.ASGITransport(app=root.app)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC, cookies=cookies, headers={"Origin": PUBLIC}
    ) as admin:
        page = await admin.get("/admin/settings")
        assert page.status_code == 200
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf
        form = {"csrf": csrf.group(1), "card_processor": "", "payment_instructions": "Call us"}
        forged = await admin.post("/admin/settings", data={**form, "csrf": "x"})
        assert forged.status_code == 401
        saved = await admin.post("/admin/settings", data=form)
        assert saved.status_code == 303
        refused = await admin.post("/admin/settings", data={**form, "card_processor": "stripe"})
        assert refused.status_code == 422
        assert "STRIPE_SECRET_KEY" in refused.text
    current = (await client.get("/api/admin/settings", headers=BEARER)).json()
    assert current == {
        "card_processor": None,
        "card_processors": [],
        "payment_instructions": "Call us",
        "offline_methods": [],
    }


async def test_sandbox_is_off_in_production(database_url, root, router) -> None:
    await use_settings(root, "sandbox")  # e.g. left over from a development run
    production = bootstrap(make_settings(database_url, environment="production"))
    transport = httpx.ASGITransport(app=production.http_app())
    try:
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as prod:
            refused = await prod.put(
                "/api/admin/settings", json={"card_processor": "sandbox"}, headers=BEARER
            )
            assert refused.status_code == 422
            assert "development" in refused.json()["detail"]
            placed = await place(router)
            page = await prod.get(f"/pay/{placed.order_id}?token={token(placed.order_id)}")
            assert "Secure payment" not in page.text
            assert "Please contact us" in page.text
            assert (await prod.get("/sandbox/checkout/cs_sandbox_x")).status_code == 404
    finally:
        await production.aclose()


async def test_framework_errors_have_the_shop_error_shape(client) -> None:
    unparsable = await client.put(
        "/api/admin/settings",
        content=b"\xff{not json",
        headers={**BEARER, "Content-Type": "application/json"},
    )
    assert unparsable.status_code in (400, 422)
    assert set(unparsable.json()) >= {"error", "detail"}
    wrong_method = await client.delete("/api/admin/settings", headers=BEARER)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET, PUT"
    assert wrong_method.json()["error"] == "method_not_allowed"
    too_big = await client.put("/api/admin/settings", content=b"x" * 1_100_000, headers=BEARER)
    assert too_big.status_code == 413


def _payments(order_id: uuid.UUID, count: int) -> list[Payment]:
    """One confirmed payment and money received too late (refund due) for the rest."""
    return [
        Payment(
            id=uuid.uuid4(),
            order_id=order_id,
            method=PaymentMethod.CARD,
            processor="sandbox",
            processor_reference=f"ref-{n}",
            amount=1000 + n,
            currency="EUR",
            paid_at=datetime.now(UTC),
            disposition=PaymentDisposition.CONFIRMED if n == 0 else PaymentDisposition.REFUND_DUE,
        )
        for n in range(count)
    ]


async def test_the_payments_page_by_cursor(root, client) -> None:
    order_id = uuid.uuid4()
    for payment in _payments(order_id, 5):  # one transaction each: their own recorded_at
        async with root.transaction() as repos:
            await repos.payments.add(payment)
    plain = await client.get("/api/admin/payments", params={"order_id": order_id}, headers=BEARER)
    assert isinstance(plain.json(), list)
    assert "Link" not in plain.headers
    everything = [p["id"] for p in plain.json()]
    assert len(everything) == 5
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(3):  # 2 + 2 + 1
        params = {"order_id": str(order_id), "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/admin/payments", params=params, headers=BEARER)).json()
        seen += [p["id"] for p in page["payments"]]
        cursor = page["next_cursor"]
    assert cursor is None
    assert seen == everything  # each once, newest first

    for bad in ("nope", "bm9wZQ", "x" * 301):
        answer = await client.get("/api/admin/payments", params={"cursor": bad}, headers=BEARER)
        assert answer.status_code == 422
        assert "cursor" in str(answer.json()["detail"])
    assert (
        await client.get("/api/admin/payments", params={"limit": 201}, headers=BEARER)
    ).status_code == 422


async def test_the_plain_payments_list_links_its_next_page(root, client) -> None:
    order_id = uuid.uuid4()
    async with root.transaction() as repos:  # one transaction: one recorded_at, ids decide
        for payment in _payments(order_id, 202):
            await repos.payments.add(payment)
    plain = await client.get("/api/admin/payments", params={"order_id": order_id}, headers=BEARER)
    assert len(plain.json()) == 200
    link = plain.headers["Link"]
    assert link.endswith('>; rel="next"')
    following = await client.get(link[1 : link.index(">")], headers=BEARER)
    rest = following.json()
    assert len(rest["payments"]) == 2
    assert rest["next_cursor"] is None
    ids = [p["id"] for p in plain.json()] + [p["id"] for p in rest["payments"]]
    assert len(set(ids)) == 202
