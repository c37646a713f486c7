"""Issue 14 item 4: the admin media page pages through the whole library (50 a page, by
cursor, the search kept), with Next page / First page links: no cap."""

from __future__ import annotations

import re
import uuid
from html import unescape
from typing import Any

import httpx

from shop_catalog.bootstrap import CatalogRoot
from shop_testkit.admin_sessions import KnownAdminSessions

from .test_media_lifecycle import uploaded
from .test_media_pages import browser


def links_of(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="actions" aria-label="Pages of media">(.*?)</nav>', html, re.S)
    if nav is None:
        return {}
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))
    return {label: unescape(href) for href, label in found}


def media_ids_of(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/admin/media/([0-9a-f-]+)">', html)


async def test_the_media_page_pages_through_a_search(
    client: httpx.AsyncClient,
    app: Any,
    admin_sessions: KnownAdminSessions,
    root: CatalogRoot,
    query: Any,
) -> None:
    tag = f"pg{uuid.uuid4().hex[:8]}"
    first = await uploaded(client, 900, width=220, height=150)
    await client.patch(f"/api/admin/media/{first['id']}", json={"title": f"{tag} 0"})
    # 119 more rows, cheaply: copies of the first (same file), a second apart, none tied
    await query(
        "INSERT INTO media SELECT (jsonb_populate_record(NULL::media, to_jsonb(m)"
        " || jsonb_build_object('id', gen_random_uuid(), 'media_key', m.media_key || '-' || g,"
        " 'title', :tag || ' ' || g, 'created_at', m.created_at - g * interval '1 second'))).*"
        " FROM media m, generate_series(1, 119) g WHERE m.id = :id",
        tag=tag,
        id=uuid.UUID(first["id"]),
    )
    expected = [
        str(r["id"])
        for r in await query(
            "SELECT id FROM media WHERE title LIKE :t ORDER BY created_at DESC, id DESC",
            t=f"{tag} %",
        )
    ]
    assert len(expected) == 120
    try:
        async with await browser(app, admin_sessions, root) as web:
            seen: list[str] = []
            url: str | None = f"/admin/media?q={tag}"
            pages = 0
            while url is not None:
                page = await web.get(url)
                assert page.status_code == 200
                seen += media_ids_of(page.text)
                links = links_of(page.text)
                pages += 1
                if pages > 1:
                    assert links["First page"] == f"/admin/media?q={tag}"
                if "Next page" in links:
                    assert f"q={tag}" in links["Next page"]
                url = links.get("Next page")
            assert pages == 3  # 50, 50, 20
            assert seen == expected, "every media once, newest first"
            one = await web.get(f"/admin/media?q={tag}%200")
            assert links_of(one.text) == {}, "a single page has no page links"
            assert (await web.get("/admin/media?q=a%00")).status_code == 422, "NUL: refused"
            assert (await client.get("/api/admin/media?q=a%00")).status_code == 422
    finally:
        await query(
            "DELETE FROM media WHERE title LIKE :t AND id <> :id",
            t=f"{tag} %",
            id=uuid.UUID(first["id"]),
        )
        await root.previews.idle()
