"""Who may read the email log (issue 14): the shop's records (`Permission.RECORDS_READ`),
the owner's and the assistant's; a photographer is refused (403), by API token and by the
admin session alike; nobody signed in gets 401 (API) or the login page (pages)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from shop_platform.accounts import Principal, Role
from shop_platform.auth import ADMIN_COOKIE
from shop_platform.settings import DEV_ADMIN_TOKEN, DEV_SECRET_KEY
from shop_testkit.admin_sessions import KnownAdminSessions

from ..factories import order_placed, wrap
from .conftest import MakeService

OWNER = Principal(uuid.uuid4(), "Maria Owner", "maria@shop.example", Role.OWNER, "token")
PHOTOGRAPHER = Principal(uuid.uuid4(), "Ana Lima", "ana@shop.example", Role.PHOTOGRAPHER, "token")
ASSISTANT = Principal(uuid.uuid4(), "Sam Help", "sam@shop.example", Role.ASSISTANT, "token")
PEOPLE = {"owner": OWNER, "photographer": PHOTOGRAPHER, "assistant": ASSISTANT}
MAY_READ = {"owner": True, "photographer": False, "assistant": True}


@pytest.fixture
async def sessions() -> KnownAdminSessions:
    known = KnownAdminSessions()
    for role, who in PEOPLE.items():
        known.add_token(f"shp_{role}", who)
    return known


@pytest.fixture
async def email_id(make_service: MakeService) -> uuid.UUID:
    service = make_service(None)
    placed = order_placed()
    await service.router.handle(*wrap(placed, placed.order_id))
    async with service.email_log() as log:
        (email,) = await log.list(order_id=placed.order_id, limit=5)
    return email.id


@pytest.fixture
async def client(
    make_service: MakeService, sessions: KnownAdminSessions, email_id: uuid.UUID
) -> AsyncIterator[httpx.AsyncClient]:
    service = make_service(None)
    transport = httpx.ASGITransport(app=service.http_app(sessions))
    async with httpx.AsyncClient(transport=transport, base_url="http://notifications") as c:
        yield c


def paths(email_id: uuid.UUID, prefix: str) -> list[str]:
    return [prefix, f"{prefix}/{email_id}"]


@pytest.mark.parametrize("role", list(PEOPLE))
async def test_the_email_log_api_by_personal_token(
    client: httpx.AsyncClient, email_id: uuid.UUID, role: str
) -> None:
    bearer = {"Authorization": f"Bearer shp_{role}"}
    for path in paths(email_id, "/api/admin/emails"):
        response = await client.get(path, headers=bearer)
        if MAY_READ[role]:
            assert response.status_code == 200, path
        else:
            assert response.status_code == 403, path
            assert response.json() == {
                "error": "forbidden",
                "detail": "your role (photographer) cannot read the shop's records: ask the "
                "shop's owner",
            }


@pytest.mark.parametrize("role", list(PEOPLE))
async def test_the_email_log_pages_by_session(
    client: httpx.AsyncClient, sessions: KnownAdminSessions, email_id: uuid.UUID, role: str
) -> None:
    client.cookies.set(ADMIN_COOKIE, sessions.login(DEV_SECRET_KEY, who=PEOPLE[role]))
    for path in paths(email_id, "/admin/emails"):
        response = await client.get(path, headers={"Accept": "text/html"})
        if MAY_READ[role]:
            assert response.status_code == 200, path
            assert "New order 2026-0042" in response.text
        else:
            assert response.status_code == 403, path
            assert "your role (photographer) cannot read the shop" in response.text


async def test_the_pages_by_personal_token_too(
    client: httpx.AsyncClient, email_id: uuid.UUID
) -> None:
    for role, allowed in MAY_READ.items():
        response = await client.get(
            f"/admin/emails/{email_id}", headers={"Authorization": f"Bearer shp_{role}"}
        )
        assert response.status_code == (200 if allowed else 403), role


async def test_the_admin_token_is_the_owner_and_strangers_are_refused(
    client: httpx.AsyncClient, sessions: KnownAdminSessions, email_id: uuid.UUID
) -> None:
    admin = {"Authorization": f"Bearer {DEV_ADMIN_TOKEN}"}
    for path in (*paths(email_id, "/api/admin/emails"), *paths(email_id, "/admin/emails")):
        assert (await client.get(path, headers=admin)).status_code == 200, path
    for headers in ({}, {"Authorization": "Bearer shp_revoked"}):
        for path in paths(email_id, "/api/admin/emails"):
            assert (await client.get(path, headers=headers)).status_code == 401, path
        for path in paths(email_id, "/admin/emails"):
            response = await client.get(path, headers=headers)
            assert response.status_code == 303, path
            assert response.headers["location"] == "http://orders.test/admin/login"
    # The admin API takes no cookie, whoever's it is.
    client.cookies.set(ADMIN_COOKIE, sessions.login(DEV_SECRET_KEY, who=OWNER))
    assert (await client.get("/api/admin/emails")).status_code == 401
