"""Every catalog admin route names one permission (the brief's table) and each role gets
exactly what its grants say: the owner (ADMIN_TOKEN, or an owner account's token) everything,
an assistant reads the catalog, a photographer reads and changes the catalog but not its
settings; no credentials: 401 (API) or the login page (pages)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from shop_catalog.api import media_routes, sales_routes
from shop_platform.accounts import GRANTS, Permission, Principal, Role
from shop_testkit.admin_sessions import KnownAdminSessions

from ...conftest import ADMIN_TOKEN

P = Permission
# (method, path) -> the permission the brief's table gives the route.
TABLE: dict[tuple[str, str], Permission] = {
    ("GET", "/api/admin/media"): P.CATALOG_READ,
    ("POST", "/api/admin/media"): P.CATALOG_MANAGE,
    ("GET", "/api/admin/media/{media_id}"): P.CATALOG_READ,
    ("PATCH", "/api/admin/media/{media_id}"): P.CATALOG_MANAGE,
    ("DELETE", "/api/admin/media/{media_id}"): P.CATALOG_MANAGE,
    ("PUT", "/api/admin/media/{media_id}/file"): P.CATALOG_MANAGE,
    ("GET", "/api/admin/media/{media_id}/pricing-profiles"): P.CATALOG_READ,
    ("PUT", "/api/admin/media/{media_id}/pricing-profiles"): P.CATALOG_MANAGE,
    ("GET", "/api/admin/galleries"): P.CATALOG_READ,
    ("POST", "/api/admin/galleries"): P.CATALOG_MANAGE,
    ("GET", "/api/admin/galleries/{gallery_id}"): P.CATALOG_READ,
    ("PUT", "/api/admin/galleries/{gallery_id}"): P.CATALOG_MANAGE,
    ("DELETE", "/api/admin/galleries/{gallery_id}"): P.CATALOG_MANAGE,
    ("GET", "/api/admin/galleries/{gallery_id}/media"): P.CATALOG_READ,
    ("PUT", "/api/admin/galleries/{gallery_id}/media"): P.CATALOG_MANAGE,
    ("POST", "/api/admin/galleries/{gallery_id}/allowed-emails"): P.CATALOG_MANAGE,
    ("POST", "/api/admin/galleries/{gallery_id}/free-downloads"): P.CATALOG_MANAGE,
    ("GET", "/api/admin/selections"): P.CATALOG_READ,
    ("POST", "/api/admin/selections"): P.CATALOG_MANAGE,
    ("GET", "/api/admin/pricing-profiles"): P.CATALOG_READ,
    ("POST", "/api/admin/pricing-profiles"): P.CATALOG_MANAGE,
    ("GET", "/api/admin/pricing-profiles/{profile_id}"): P.CATALOG_READ,
    ("PUT", "/api/admin/pricing-profiles/{profile_id}"): P.CATALOG_MANAGE,
    ("DELETE", "/api/admin/pricing-profiles/{profile_id}"): P.CATALOG_MANAGE,
    ("GET", "/api/admin/catalog-settings"): P.SETTINGS,
    ("PUT", "/api/admin/catalog-settings"): P.SETTINGS,
    ("POST", "/api/admin/catalog-settings/watermark-logo"): P.SETTINGS,
    ("GET", "/admin/media"): P.CATALOG_READ,
    ("POST", "/admin/media"): P.CATALOG_MANAGE,
    ("POST", "/admin/media/upload"): P.CATALOG_MANAGE,
    ("GET", "/admin/media/{media_id}"): P.CATALOG_READ,
    ("POST", "/admin/media/{media_id}"): P.CATALOG_MANAGE,
    ("POST", "/admin/media/{media_id}/file"): P.CATALOG_MANAGE,
    ("POST", "/admin/media/{media_id}/delete"): P.CATALOG_MANAGE,
    ("GET", "/admin/media/{media_id}/price-lists"): P.CATALOG_READ,
    ("POST", "/admin/media/{media_id}/price-lists"): P.CATALOG_MANAGE,
    ("GET", "/admin/media/settings"): P.SETTINGS,
    ("POST", "/admin/media/settings"): P.SETTINGS,
    ("POST", "/admin/media/settings/logo"): P.SETTINGS,
    ("GET", "/admin/galleries"): P.CATALOG_READ,
    ("GET", "/admin/galleries/new"): P.CATALOG_MANAGE,
    ("POST", "/admin/galleries/new"): P.CATALOG_MANAGE,
    ("GET", "/admin/galleries/{gallery_id}"): P.CATALOG_READ,
    ("POST", "/admin/galleries/{gallery_id}"): P.CATALOG_MANAGE,
    ("POST", "/admin/galleries/{gallery_id}/delete"): P.CATALOG_MANAGE,
    ("POST", "/admin/galleries/{gallery_id}/free-downloads"): P.CATALOG_MANAGE,
    ("GET", "/admin/selections"): P.CATALOG_READ,
    ("POST", "/admin/selections"): P.CATALOG_MANAGE,
    ("GET", "/admin/pricing-profiles"): P.CATALOG_READ,
    ("GET", "/admin/pricing-profiles/new"): P.CATALOG_MANAGE,
    ("POST", "/admin/pricing-profiles/new"): P.CATALOG_MANAGE,
    ("GET", "/admin/pricing-profiles/{profile_id}"): P.CATALOG_READ,
    ("POST", "/admin/pricing-profiles/{profile_id}"): P.CATALOG_MANAGE,
    ("POST", "/admin/pricing-profiles/{profile_id}/delete"): P.CATALOG_MANAGE,
}


def person(role: Role, name: str) -> Principal:
    email = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:6]}@example.com"
    return Principal(uuid.uuid4(), name, email, role, "token")


def bearer(app: Any, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://catalog.test",
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


@pytest.fixture
async def role_clients(
    app: Any, admin_sessions: KnownAdminSessions
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """A client per role (personal API tokens) and the bootstrap owner's ADMIN_TOKEN."""
    tokens = {"bootstrap": ADMIN_TOKEN}
    for role in Role:
        token = f"shp_{role.value}_{uuid.uuid4().hex}"
        admin_sessions.add_token(token, person(role, f"{role.value.title()} Person"))
        tokens[role.value] = token
    clients = {name: bearer(app, token) for name, token in tokens.items()}
    yield clients
    for client in clients.values():
        await client.aclose()


def _permissions(route: APIRoute) -> list[Permission]:
    found: list[Permission] = []
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        permission = getattr(dependency.call, "permission", None)
        if isinstance(permission, Permission):
            found.append(permission)
        stack.extend(dependency.dependencies)
    return found


def admin_routes() -> dict[tuple[str, str], APIRoute]:
    """Every admin route of the app's routers (method, path)."""
    routes: dict[tuple[str, str], APIRoute] = {}
    for router in [*media_routes.ROUTERS, *sales_routes.ROUTERS]:
        routes.update(_admin_routes_of(router.routes))
    return routes


def _admin_routes_of(candidates: Any) -> dict[tuple[str, str], APIRoute]:
    routes: dict[tuple[str, str], APIRoute] = {}
    for route in candidates:
        if not isinstance(route, APIRoute):
            continue
        if not (route.path.startswith("/api/admin/") or route.path.startswith("/admin/")):
            continue
        for method in route.methods - {"HEAD"}:
            routes[(method, route.path)] = route
    return routes


def test_every_admin_route_names_the_tables_permission() -> None:
    routes = admin_routes()
    assert set(routes) == set(TABLE), set(routes) ^ set(TABLE)
    for key, route in routes.items():
        assert _permissions(route) == [TABLE[key]], key


def _url(path: str) -> str:
    return (
        path.replace("{media_id}", str(uuid.uuid4()))
        .replace("{gallery_id}", str(uuid.uuid4()))
        .replace("{profile_id}", str(uuid.uuid4()))
    )


async def _ask(client: httpx.AsyncClient, method: str, path: str) -> httpx.Response:
    if method in ("GET", "DELETE"):
        return await client.request(method, _url(path))
    return await client.request(method, _url(path), json={})


async def test_each_role_gets_what_its_grants_say(
    role_clients: dict[str, httpx.AsyncClient], anonymous: httpx.AsyncClient
) -> None:
    """Unknown ids and empty bodies: an allowed call gets past the check (404, 422, or the
    form's CSRF refusal), a refused one is 403 naming the role; nothing is changed."""
    roles = {"bootstrap": Role.OWNER, **{r.value: r for r in Role}}
    for (method, path), permission in TABLE.items():
        for name, client in role_clients.items():
            answer = await _ask(client, method, path)
            said = f"{name} {method} {path}: {answer.status_code} {answer.text[:200]}"
            if permission in GRANTS[roles[name]]:
                assert answer.status_code not in (403, 303), said
                if answer.status_code == 401:  # a page's form without its CSRF token
                    assert "form expired" in answer.json()["detail"], said
            else:
                assert answer.status_code == 403, said
                assert f"your role ({roles[name].value}) cannot" in answer.json()["detail"]
        stranger = await _ask(anonymous, method, path)
        if path.startswith("/api/"):
            assert stranger.status_code == 401, (method, path, stranger.status_code)
        else:
            assert stranger.status_code == 303, (method, path, stranger.status_code)
            assert stranger.headers["location"] == "http://orders.test/admin/login"


async def test_pages_by_session_cookie_follow_the_same_table(
    app: Any, admin_sessions: KnownAdminSessions, root: Any
) -> None:
    """A signed-in assistant opens the catalog's pages but not the settings page, and
    cannot post a change; a photographer cannot open the settings page."""
    secret = root.settings.secret_key
    for role, settings_status in ((Role.ASSISTANT, 403), (Role.PHOTOGRAPHER, 403)):
        cookie = admin_sessions.login(secret, who=person(role, "Sam Page"))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://catalog.test",
            cookies={"shop_admin": cookie},
            headers={"Accept": "text/html", "Origin": "http://catalog.test"},
        ) as web:
            for page in ("/admin/media", "/admin/galleries", "/admin/pricing-profiles"):
                assert (await web.get(page)).status_code == 200, (role, page)
            library = (await web.get("/admin/media")).text
            assert "/admin/media/settings" not in library  # no link to a refused page
            assert ('id="upload-form"' in library) is (role is Role.PHOTOGRAPHER)
            galleries = (await web.get("/admin/galleries")).text
            assert ("/admin/galleries/new" in galleries) is (role is Role.PHOTOGRAPHER)
            assert ("Photographer</th>" in galleries) is (role is Role.ASSISTANT)
            assert (await web.get("/admin/selections")).status_code == 200
            settings = await web.get("/admin/media/settings")
            assert settings.status_code == settings_status
            assert "cannot change the shop" in settings.text
            posted = await web.post("/admin/galleries/new", data={"title": "x"})
            if role is Role.ASSISTANT:
                assert posted.status_code == 403
                assert "cannot change the catalog" in posted.text
            else:
                assert posted.status_code == 401  # allowed: then the form's CSRF check
