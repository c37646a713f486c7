"""Who may read and change delivery's settings (issue 14): the owner's
(`Permission.SETTINGS`). A photographer's or an assistant's personal API token gets 403 and
changes nothing; ADMIN_TOKEN stays the owner; an unknown token, or none, is 401; the admin
API takes no cookie."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from shop_delivery.bootstrap import DeliveryRoot
from shop_platform.accounts import Principal, Role
from shop_platform.auth import ADMIN_COOKIE
from shop_testkit.admin_sessions import KnownAdminSessions

from .conftest import SECRET

ADMIN = {"Authorization": "Bearer test-admin-token"}
OWNER = Principal(uuid.uuid4(), "Maria Owner", "maria@shop.example", Role.OWNER, "token")
PHOTOGRAPHER = Principal(uuid.uuid4(), "Ana Lima", "ana@shop.example", Role.PHOTOGRAPHER, "token")
ASSISTANT = Principal(uuid.uuid4(), "Sam Help", "sam@shop.example", Role.ASSISTANT, "token")
PEOPLE = {"owner": OWNER, "photographer": PHOTOGRAPHER, "assistant": ASSISTANT}
MAY_CHANGE = {"owner": True, "photographer": False, "assistant": False}

SESSIONS = KnownAdminSessions()
for _role, _who in PEOPLE.items():
    SESSIONS.add_token(f"shp_delivery_{_role}", _who)


def bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer shp_delivery_{role}"}


@pytest.fixture
async def admin_client(root: DeliveryRoot) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=root.http_app(admin_sessions=SESSIONS))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.mark.parametrize("role", list(PEOPLE))
async def test_the_settings_by_personal_token(admin_client: httpx.AsyncClient, role: str) -> None:
    before = (await admin_client.get("/api/admin/settings", headers=ADMIN)).json()
    changed = {**before, "max_downloads": before["max_downloads"] + 1}
    read = await admin_client.get("/api/admin/settings", headers=bearer(role))
    write = await admin_client.put("/api/admin/settings", json=changed, headers=bearer(role))
    try:
        if MAY_CHANGE[role]:
            assert (read.status_code, write.status_code) == (200, 200)
            assert read.json() == before
            assert write.json() == changed
        else:
            for refused in (read, write):
                assert refused.status_code == 403
                assert refused.json() == {
                    "error": "forbidden",
                    "detail": f"your role ({role}) cannot change the shop's settings: ask the "
                    "shop's owner",
                }
            after = (await admin_client.get("/api/admin/settings", headers=ADMIN)).json()
            assert after == before  # nothing saved
    finally:
        await admin_client.put("/api/admin/settings", json=before, headers=ADMIN)


async def test_the_admin_token_is_the_owner_and_strangers_are_401(
    admin_client: httpx.AsyncClient,
) -> None:
    assert (await admin_client.get("/api/admin/settings", headers=ADMIN)).status_code == 200
    for headers in ({}, {"Authorization": "Bearer shp_revoked"}):
        response = await admin_client.get("/api/admin/settings", headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"
    cookie = {ADMIN_COOKIE: SESSIONS.login(SECRET, who=OWNER)}  # the API takes no cookie
    admin_client.cookies.update(cookie)
    assert (await admin_client.get("/api/admin/settings")).status_code == 401
