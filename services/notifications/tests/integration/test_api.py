"""The email log API and pages, and /health."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from shop_notifications.bootstrap import NotificationsRoot
from shop_platform.auth import ADMIN_COOKIE
from shop_platform.settings import DEV_ADMIN_TOKEN, DEV_SECRET_KEY
from shop_testkit.admin_sessions import KnownAdminSessions

from ..factories import order_placed, order_validated, wrap
from .conftest import MakeService

ADMIN = {"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}
ADMIN_SESSIONS = KnownAdminSessions()  # orders keeps them in production; not running here


@pytest.fixture
async def service(make_service: MakeService) -> NotificationsRoot:
    service = make_service(None)
    placed = order_placed(manual=True, client_name="<b>x</b>")
    await service.router.handle(*wrap(placed, placed.order_id))
    validated = order_validated()
    await service.router.handle(*wrap(validated, validated.order_id))
    await service.sender.run_once()
    return service


@pytest.fixture
async def client(service: NotificationsRoot) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=service.http_app(ADMIN_SESSIONS))
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as c:
        yield c


async def test_the_api_needs_the_admin_token(client: httpx.AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = await client.get("/api/admin/emails", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
    assert (await client.get(f"/api/admin/emails/{uuid.uuid4()}")).status_code == 401


async def test_the_log_newest_first_without_bodies(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/admin/emails", headers=ADMIN)
    assert response.status_code == 200
    emails = response.json()["emails"]
    assert [e["template"] for e in emails] == [
        "order_validated",
        "order_awaiting_validation",
        "order_placed_seller",
    ]
    assert {e["status"] for e in emails} == {"logged"}
    assert "text" not in emails[0]
    assert "html" not in emails[0]
    seller = emails[2]
    assert seller["to"] == "seller@example.com"
    assert seller["sent_at"]
    assert seller["message_type"] == "order.placed"

    only = await client.get(
        "/api/admin/emails", params={"order_id": seller["order_id"], "limit": 1}, headers=ADMIN
    )
    assert [e["id"] for e in only.json()["emails"]] == [emails[1]["id"]]
    bad = await client.get("/api/admin/emails", params={"limit": 0}, headers=ADMIN)
    assert bad.status_code == 422
    assert "limit" in bad.json()["detail"]


async def test_the_log_pages_by_cursor(
    service: NotificationsRoot, client: httpx.AsyncClient
) -> None:
    for number in ("2026-0043", "2026-0044"):  # two more orders: 7 emails
        placed = order_placed(manual=True, number=number)
        await service.router.handle(*wrap(placed, placed.order_id))
    everything = (await client.get("/api/admin/emails", headers=ADMIN)).json()
    assert everything["next_cursor"] is None
    assert len(everything["emails"]) == 7
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(4):  # 2 + 2 + 2 + 1
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/admin/emails", params=params, headers=ADMIN)).json()
        seen += [e["id"] for e in page["emails"]]
        cursor = page["next_cursor"]
        assert len(page["emails"]) == (2 if cursor else 1)
    assert cursor is None
    assert seen == [e["id"] for e in everything["emails"]]  # each once, newest first
    times = [e["created_at"] for e in everything["emails"]]
    assert times == sorted(times, reverse=True)

    for bad in ("nope", "bm9wZQ", "x" * 301):
        answer = await client.get("/api/admin/emails", params={"cursor": bad}, headers=ADMIN)
        assert answer.status_code == 422
        assert "cursor" in str(answer.json()["detail"])

    client.cookies.set(ADMIN_COOKIE, ADMIN_SESSIONS.login(DEV_SECRET_KEY))
    first = await client.get("/admin/emails", params={"limit": 3})
    assert "Next page" in first.text
    assert "First page" not in first.text
    following = first.text.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    second = await client.get("/admin/emails" + following.replace("&amp;", "&"))
    assert second.status_code == 200
    assert "First page" in second.text
    assert seen[3] in second.text
    assert seen[0] not in second.text
    client.cookies.clear()


async def test_one_email_with_its_bodies(client: httpx.AsyncClient) -> None:
    listing = (await client.get("/api/admin/emails", headers=ADMIN)).json()["emails"]
    email = (await client.get(f"/api/admin/emails/{listing[0]['id']}", headers=ADMIN)).json()
    assert email["subject"] == listing[0]["subject"]
    assert "http://pay.test/pay/" in email["text"]
    assert "<!DOCTYPE html>" in email["html"]
    missing = await client.get(f"/api/admin/emails/{uuid.uuid4()}", headers=ADMIN)
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert (await client.get("/api/admin/emails/nope", headers=ADMIN)).status_code == 422


async def test_the_pages_redirect_strangers_to_the_login_page(client: httpx.AsyncClient) -> None:
    for path in ("/admin/emails", f"/admin/emails/{uuid.uuid4()}"):
        response = await client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == "http://orders.test/admin/login"


async def test_the_pages_show_the_log_to_the_photographer(client: httpx.AsyncClient) -> None:
    client.cookies.set(ADMIN_COOKIE, ADMIN_SESSIONS.login(DEV_SECRET_KEY))
    page = await client.get("/admin/emails")
    assert page.status_code == 200
    assert "New order 2026-0042" in page.text
    assert "Kept here only (no mail server set up)" in page.text  # status in plain words
    assert "logged" not in page.text
    listing = (await client.get("/api/admin/emails", headers=ADMIN)).json()["emails"]
    detail = await client.get(f"/admin/emails/{listing[2]['id']}")
    assert detail.status_code == 200
    assert "&lt;b&gt;x&lt;/b&gt;" in detail.text
    assert "<b>x</b>" not in detail.text
    assert 'sandbox=""' in detail.text
    client.cookies.clear()
    assert (await client.get("/admin/emails")).status_code == 303
    bearer = await client.get("/admin/emails", headers=ADMIN)
    assert bearer.status_code == 200


async def test_health_covers_the_sender(
    service: NotificationsRoot, client: httpx.AsyncClient
) -> None:
    response = await client.get("/health")
    assert response.status_code == 503  # the broker is not connected in this test
    assert response.json()["checks"]["database"] is True
    assert response.json()["checks"]["sender"] is False
    service.sender.start()
    try:
        assert (await client.get("/health")).json()["checks"]["sender"] is True
    finally:
        await service.sender.stop()


async def test_the_openapi_document_declares_the_errors(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"401", "422"} <= set(paths["/api/admin/emails"]["get"]["responses"])
    assert {"401", "404"} <= set(paths["/api/admin/emails/{email_id}"]["get"]["responses"])
    assert "303" in paths["/admin/emails"]["get"]["responses"]


async def test_oversized_requests_are_413(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/admin/emails", content=b"x" * 1_100_000, headers=ADMIN)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


async def test_framework_errors_have_the_shop_error_shape(client: httpx.AsyncClient) -> None:
    wrong_method = await client.delete("/api/admin/emails", headers=ADMIN)
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"error": "method_not_allowed", "detail": "Method Not Allowed"}
    missing = await client.get("/nowhere")
    assert missing.json() == {"error": "not_found", "detail": "Not Found"}


BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


async def test_the_pages_have_the_shops_admin_layout(client: httpx.AsyncClient) -> None:
    """Issue 10: one look, and every admin page reachable from every other."""
    page = (await client.get("/admin/emails", headers=ADMIN)).text
    assert '<link rel="stylesheet" href="/static/web/shop.css">' in page
    assert 'href="http://orders.test/admin"' in page  # the orders list
    assert "/admin/settings" in page  # shop and payment settings
    assert 'href="http://127.0.0.1:8004/admin/emails" aria-current="page">Email log' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'class="stack"' in page  # one block per email on a phone
    assert "<style>" not in page.split("</head>")[1]  # no page of its own look
    assert (await client.get("/static/web/shop.css")).status_code == 200


async def test_the_log_is_filtered_by_order_number(client: httpx.AsyncClient) -> None:
    """The photographer knows orders by number (2026-0042), not by id."""
    page = await client.get("/admin/emails", params={"order": " 2026-0042 "}, headers=ADMIN)
    assert page.status_code == 200
    assert "Emails of order 2026-0042" in page.text
    assert "New order 2026-0042" in page.text
    assert "has been received" in page.text
    assert "is confirmed" not in page.text  # another order (its number unknown here)

    listing = await client.get(
        "/api/admin/emails", params={"order_number": "2026-0042"}, headers=ADMIN
    )
    emails = listing.json()["emails"]
    assert [e["template"] for e in emails] == ["order_awaiting_validation", "order_placed_seller"]
    assert {e["order_number"] for e in emails} == {"2026-0042"}

    by_id = await client.get(
        "/admin/emails", params={"order_id": emails[0]["order_id"]}, headers=ADMIN
    )
    assert "New order 2026-0042" in by_id.text
    assert "is confirmed" not in by_id.text


async def test_a_wrong_filter_answers_a_page_not_json(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/admin/emails", params={"order": "PL-1999-9"}, headers=ADMIN)
    assert unknown.status_code == 200
    assert "No email for an order numbered “PL-1999-9”" in unknown.text

    for params in ({"order": "x" * 101}, {"limit": "many"}):
        page = await client.get("/admin/emails", params=params, headers={**ADMIN, **BROWSER})
        assert page.status_code == 422
        assert page.headers["content-type"].startswith("text/html")
        assert "Please check what you entered" in page.text
        assert '"error"' not in page.text
    missing = await client.get(f"/admin/emails/{uuid.uuid4()}", headers={**ADMIN, **BROWSER})
    assert missing.status_code == 404
    assert "is no email" in missing.text
    api = await client.get(
        "/api/admin/emails", params={"limit": "many"}, headers={**ADMIN, **BROWSER}
    )
    assert (api.status_code, api.json()["error"]) == (422, "invalid_input")


async def test_orders_asks_for_an_orders_sent_emails_with_a_signed_proof(
    client: httpx.AsyncClient,
) -> None:
    """Orders' history lists them (issue 15: instead of an `email.sent` per email)."""
    from shop_platform.order_emails import ORDER_EMAILS_PATH, PROOF_HEADER, order_emails_proof

    (seller,) = [
        e
        for e in (await client.get("/api/admin/emails", headers=ADMIN)).json()["emails"]
        if e["template"] == "order_placed_seller"
    ]
    order_id = uuid.UUID(seller["order_id"])
    path = ORDER_EMAILS_PATH.format(order_id=order_id)
    for proof in (None, "x.y", order_emails_proof("another secret", order_id)):
        headers = {PROOF_HEADER: proof} if proof else {}
        assert (await client.get(path, headers=headers)).status_code == 403
    other = order_emails_proof(DEV_SECRET_KEY, uuid.uuid4())
    assert (await client.get(path, headers={PROOF_HEADER: other})).status_code == 403

    proof = order_emails_proof(DEV_SECRET_KEY, order_id)
    response = await client.get(path, headers={PROOF_HEADER: proof})
    assert response.status_code == 200
    emails = response.json()["emails"]
    # recorded in one transaction, so sent in either order; listed by the time they were sent
    assert sorted(e["template"] for e in emails) == [
        "order_awaiting_validation",
        "order_placed_seller",
    ]
    assert [e["sent_at"] for e in emails] == sorted(e["sent_at"] for e in emails)
    assert "seller@example.com" in {e["to"] for e in emails}
    assert all(e["subject"] and e["sent_at"] for e in emails)
