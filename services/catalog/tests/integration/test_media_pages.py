"""The media library's admin pages: the admin session cookie, CSRF and Origin like the other
services' admin pages; the upload form works without JavaScript; the script is a file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from shop_catalog.bootstrap import CatalogRoot
from shop_testkit.admin_sessions import KnownAdminSessions

from .. import media_factories as files
from .test_media_upload import media_count, stored_files

ORIGIN = {"Origin": "http://catalog.test"}


async def browser(
    app: Any, admin_sessions: KnownAdminSessions, root: CatalogRoot
) -> httpx.AsyncClient:
    cookie = admin_sessions.login(root.settings.secret_key)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://catalog.test",
        cookies={"shop_admin": cookie},
        headers={"Accept": "text/html"},
        timeout=60,
    )


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def test_not_logged_in_goes_to_the_login(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/admin/media")
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://orders.test/admin/login")
    posted = await anonymous.post("/admin/media", files={"file": ("a.jpg", b"x")})
    assert posted.status_code == 303


async def test_upload_without_javascript_edit_and_delete(
    app: Any,
    admin_sessions: KnownAdminSessions,
    root: CatalogRoot,
    media_root: Path,
    query: Any,
) -> None:
    async with await browser(app, admin_sessions, root) as web:
        page = await web.get("/admin/media")
        assert page.status_code == 200
        assert 'src="/static/catalog/media-upload.js"' in page.text
        assert "<script>" not in page.text  # no inline script (CSP)
        assert 'type="file"' in page.text
        assert "multiple" in page.text
        csrf = csrf_of(page.text)
        good = files.jpeg_bytes(500, 300, seed=101)
        sent = await web.post(
            "/admin/media",
            data={"csrf": csrf},
            files=[
                ("file", ("one.jpg", good)),
                ("file", ("two.jpg", files.jpeg_bytes(400, 300, seed=102))),
            ],
            headers=ORIGIN,
        )
        assert sent.status_code == 303, sent.text
        rows = await query("SELECT id, title FROM media WHERE title IN ('one', 'two')")
        assert {r["title"] for r in rows} == {"one", "two"}
        media_id = next(r["id"] for r in rows if r["title"] == "one")

        before_rows, before_files = await media_count(query), stored_files(media_root)
        mixed = await web.post(
            "/admin/media",
            data={"csrf": csrf},
            files=[("file", ("zip.jpg", files.zip_bytes())), ("file", ("bad.jpg", b""))],
            headers=ORIGIN,
        )
        assert mixed.status_code == 422
        assert "ZIP" in mixed.text
        assert "empty" in mixed.text
        assert await media_count(query) == before_rows
        assert stored_files(media_root) == before_files

        edit = await web.get(f"/admin/media/{media_id}")
        assert edit.status_code == 200
        saved = await web.post(
            f"/admin/media/{media_id}",
            data={
                "csrf": csrf,
                "title": "Renamed",
                "caption": "",
                "keywords": "a, b",
                "state": "proof",
            },
            headers=ORIGIN,
        )
        assert saved.status_code == 303
        row = (await query("SELECT title, keywords, state FROM media WHERE id = :id", id=media_id))[
            0
        ]
        assert row == {"title": "Renamed", "keywords": ["a", "b"], "state": "proof"}

        no_csrf = await web.post(f"/admin/media/{media_id}", data={"title": "x"}, headers=ORIGIN)
        assert no_csrf.status_code == 401
        cross = await web.post(
            f"/admin/media/{media_id}",
            data={"csrf": csrf, "title": "x"},
            headers={"Origin": "https://evil.example"},
        )
        assert cross.status_code == 403

        deleted = await web.post(
            f"/admin/media/{media_id}/delete", data={"csrf": csrf}, headers=ORIGIN
        )
        assert deleted.status_code == 303
        gone = await query("SELECT withdrawn_at FROM media WHERE id = :id", id=media_id)
        assert gone[0]["withdrawn_at"] is not None
    await root.previews.idle()


async def test_the_scripts_upload_route(
    app: Any, admin_sessions: KnownAdminSessions, root: CatalogRoot, media_root: Path, query: Any
) -> None:
    async with await browser(app, admin_sessions, root) as web:
        csrf = csrf_of((await web.get("/admin/media")).text)
        one = await web.post(
            "/admin/media/upload",
            data={"csrf": csrf},
            files={"file": ("drop.jpg", files.jpeg_bytes(320, 200, seed=103))},
            headers={**ORIGIN, "Accept": "application/json"},
        )
        assert one.status_code == 201, one.text
        assert one.json()["title"] == "drop"
        before_rows, before_files = await media_count(query), stored_files(media_root)
        svg = await web.post(
            "/admin/media/upload",
            data={"csrf": csrf},
            files={"file": ("x.svg", files.SVG)},
            headers={**ORIGIN, "Accept": "application/json"},
        )
        assert svg.status_code == 415
        assert "SVG" in svg.json()["detail"]
        forged = await web.post(
            "/admin/media/upload",
            data={"csrf": "forged"},
            files={"file": ("f.jpg", files.jpeg_bytes(100, 80, seed=104))},
            headers={**ORIGIN, "Accept": "application/json"},
        )
        assert forged.status_code == 401
        assert await media_count(query) == before_rows
        assert stored_files(media_root) == before_files
        script = await web.get("/static/catalog/media-upload.js")
        assert script.status_code == 200
        assert "javascript" in script.headers["content-type"]
    await root.previews.idle()


async def test_the_settings_page(
    app: Any, admin_sessions: KnownAdminSessions, root: CatalogRoot
) -> None:
    async with await browser(app, admin_sessions, root) as web:
        page = await web.get("/admin/media/settings")
        assert page.status_code == 200
        assert "Offer only Final" in page.text
        csrf = csrf_of(page.text)
        fields = {
            "csrf": csrf,
            "watermark_kind": "text",
            "watermark_text": "© Ana Berg",
            "watermark_position": "bottom-right",
            "watermark_size_pct": "30",
            "watermark_opacity_pct": "50",
        }
        saved = await web.post("/admin/media/settings", data=fields, headers=ORIGIN)
        assert saved.status_code == 303
        settings = await web.get(
            "/api/admin/catalog-settings", headers={"Authorization": "Bearer test-admin-token"}
        )
        mark = settings.json()["watermark"]
        assert (mark["text"], mark["position"], mark["size_pct"]) == (
            "© Ana Berg",
            "bottom-right",
            30,
        )
        refused = await web.post(
            "/admin/media/settings", data={**fields, "watermark_text": ""}, headers=ORIGIN
        )
        assert refused.status_code == 422
        assert "needs a text" in refused.text
        restore = {**fields, "watermark_text": "Preview", "watermark_position": "center"}
        await web.post("/admin/media/settings", data=restore, headers=ORIGIN)
