"""Who may do what in payments' admin (issue 14): the settings (API and page) are the
owner's (`Permission.SETTINGS`); the payments' record (`GET /api/admin/payments`) is the
shop's records (`RECORDS_READ`: the owner and the assistant). A photographer and an
assistant are refused the settings (403, nothing saved), by personal API token and by the
admin session; ADMIN_TOKEN stays the owner."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from shop_payments.bootstrap import PaymentsRoot
from shop_platform.accounts import Principal, Role
from shop_platform.auth import ADMIN_COOKIE

from .conftest import ADMIN, ADMIN_SESSIONS, ORDERS_PUBLIC, PUBLIC, SECRET

OWNER = Principal(uuid.uuid4(), "Maria Owner", "maria@shop.example", Role.OWNER, "token")
PHOTOGRAPHER = Principal(uuid.uuid4(), "Ana Lima", "ana@shop.example", Role.PHOTOGRAPHER, "token")
ASSISTANT = Principal(uuid.uuid4(), "Sam Help", "sam@shop.example", Role.ASSISTANT, "token")
PEOPLE = {"owner": OWNER, "photographer": PHOTOGRAPHER, "assistant": ASSISTANT}
for _role, _who in PEOPLE.items():
    ADMIN_SESSIONS.add_token(f"shp_payments_{_role}", _who)

SETTINGS = {"owner": True, "photographer": False, "assistant": False}
RECORDS = {"owner": True, "photographer": False, "assistant": True}
CANNOT_SETTINGS = "cannot change the shop's settings: ask the shop's owner"


def bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer shp_payments_{role}"}


@pytest.mark.parametrize("role", list(PEOPLE))
async def test_the_admin_api_by_personal_token(client: httpx.AsyncClient, role: str) -> None:
    before = (await client.get("/api/admin/settings", headers=bearer("owner"))).json()
    read = await client.get("/api/admin/settings", headers=bearer(role))
    changed = {**before, "payment_instructions": f"Changed by the {role}"}
    write = await client.put("/api/admin/settings", json=changed, headers=bearer(role))
    if SETTINGS[role]:
        assert (read.status_code, write.status_code) == (200, 200)
        assert write.json()["payment_instructions"] == "Changed by the owner"
        restored = await client.put("/api/admin/settings", json=before, headers=bearer(role))
        assert restored.status_code == 200
    else:
        for refused in (read, write):
            assert refused.status_code == 403
            assert refused.json() == {
                "error": "forbidden",
                "detail": f"your role ({role}) {CANNOT_SETTINGS}",
            }
        after = (await client.get("/api/admin/settings", headers=bearer("owner"))).json()
        assert after == before  # nothing saved

    payments = await client.get("/api/admin/payments", headers=bearer(role))
    if RECORDS[role]:
        assert payments.status_code == 200
        assert isinstance(payments.json(), list)
    else:
        assert payments.status_code == 403
        assert "cannot read the shop's records" in payments.json()["detail"]


async def test_the_admin_token_is_the_owner_and_unknown_tokens_are_401(
    client: httpx.AsyncClient,
) -> None:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    for path in ("/api/admin/settings", "/api/admin/payments"):
        assert (await client.get(path, headers=admin)).status_code == 200
        for headers in ({}, {"Authorization": "Bearer shp_revoked"}):
            response = await client.get(path, headers=headers)
            assert response.status_code == 401
            assert response.json()["error"] == "unauthorized"


def _page_client(root: PaymentsRoot, role: str) -> httpx.AsyncClient:
    """A browser signed in as `role` (the admin session cookie), on the shop's own page."""
    cookies = {ADMIN_COOKIE: ADMIN_SESSIONS.login(SECRET, who=PEOPLE[role])}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=root.app),  # type: ignore[attr-defined]
        base_url=PUBLIC,
        cookies=cookies,
        headers={"Origin": PUBLIC, "Accept": "text/html"},
    )


@pytest.mark.parametrize("role", list(PEOPLE))
async def test_the_settings_page_by_session(
    root: PaymentsRoot, client: httpx.AsyncClient, role: str
) -> None:
    before = (await client.get("/api/admin/settings", headers=bearer("owner"))).json()
    async with _page_client(root, role) as person:
        page = await person.get("/admin/settings")
        form = {"csrf": "x", "card_processor": "", "payment_instructions": f"By the {role}"}
        if SETTINGS[role]:
            assert page.status_code == 200
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf
            saved = await person.post("/admin/settings", data={**form, "csrf": csrf.group(1)})
            assert saved.status_code == 303
            assert saved.headers["location"] == "/admin/settings?saved=true"
            now = (await client.get("/api/admin/settings", headers=bearer("owner"))).json()
            assert now["payment_instructions"] == "By the owner"
            await client.put("/api/admin/settings", json=before, headers=bearer("owner"))
        else:
            assert page.status_code == 403
            assert f"your role ({role}) cannot change the shop" in page.text
            refused = await person.post("/admin/settings", data=form)
            assert refused.status_code == 403
            after = (await client.get("/api/admin/settings", headers=bearer("owner"))).json()
            assert after == before


async def test_the_settings_page_by_token_and_strangers_sent_to_the_login(
    client: httpx.AsyncClient,
) -> None:
    for role, allowed in SETTINGS.items():
        response = await client.get("/admin/settings", headers=bearer(role))
        assert response.status_code == (200 if allowed else 403), role
    stranger = await client.get("/admin/settings", headers={"Accept": "text/html"})
    assert stranger.status_code == 303
    assert stranger.headers["location"] == f"{ORDERS_PUBLIC}/admin/login"
