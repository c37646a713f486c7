"""Download links tampered with (404), expired (410), used up (410), and a cancelled order's
files (never delivered). A refused download counts nothing and sends no file."""

from __future__ import annotations

import uuid

import asyncpg

from .conftest import settle


def _token_of(link: str) -> tuple[str, str]:
    base, _, token = link.rpartition("/")
    return base, token


def _flip(char: str) -> str:
    return "B" if char == "A" else "A"


def _no_file(response) -> bool:
    return "content-disposition" not in response.headers and len(response.content) < 5000


async def test_tampered_download_links_are_unknown(shop, delivered_order):
    links = await shop.download_links(delivered_order)
    left_before = await shop.downloads_left(delivered_order)
    base, token = _token_of(links[0])
    middle = len(token) // 2
    tampered = {
        "last char": token[:-1] + _flip(token[-1]),
        "first char": _flip(token[0]) + token[1:],
        "middle char": token[:middle] + _flip(token[middle]) + token[middle + 1 :],
        "truncated": token[:-4],
        "extended": token + "A",
        "doubled": token + token,
        "upper-cased": token.upper() if token.upper() != token else token.lower(),
        "access token": delivered_order["access_token"],
        "order id": delivered_order["id"],
        "empty-ish": "%20",
        "traversal": "..%2F..%2F..%2Fetc%2Fpasswd",
        "dot-dot": "..",
        "null byte": token + "%00",
    }
    wrong = []
    for name, value in tampered.items():
        for method in ("GET", "HEAD"):
            response = await shop.http.request(method, f"{base}/{value}")
            if response.status_code != 404 or not _no_file(response):
                wrong.append(f"{name}: {method} {base}/{value} -> {response.status_code}")
    assert not wrong, "tampered links not refused with 404:\n" + "\n".join(wrong)
    assert await shop.downloads_left(delivered_order) == left_before, "a refused link counted"


async def test_expired_download_link_is_gone(shop, web_item):
    """Expiry is in whole days: the link is aged in this run's delivery database, as
    tests/integration does."""
    order = await shop.delivered_order(web_item, "expired")
    link = (await shop.download_links(order))[0]
    dsn = shop.config.database_urls["delivery"].replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        aged = await conn.execute(
            "UPDATE download_links SET expires_at = now() - interval '1 minute'"
            " WHERE order_id = $1",
            uuid.UUID(order["id"]),
        )
    finally:
        await conn.close()
    assert aged != "UPDATE 0"

    for method in ("GET", "HEAD", "GET"):
        response = await shop.http.request(method, link)
        assert response.status_code == 410, f"{method} expired link -> {response.status_code}"
        assert _no_file(response)


async def test_used_up_download_link_is_gone(shop, web_item):
    original = await shop.client.settings("delivery")
    await shop.client.settings("delivery", max_downloads=2)
    try:
        order = await shop.delivered_order(web_item, "used-up")
    finally:
        await shop.client.settings("delivery", max_downloads=original["max_downloads"])
    link = (await shop.download_links(order))[0]
    assert (await shop.http.head(link)).status_code == 200  # HEAD counts nothing
    assert (await shop.http.get(link)).status_code == 200
    assert (await shop.http.get(link)).status_code == 200
    for _ in range(3):
        response = await shop.http.get(link)
        assert response.status_code == 410, f"used-up link -> {response.status_code}"
        assert _no_file(response)
    assert await shop.downloads_left(order) in ([0], []), "used-up link still offered"


async def test_cancelled_order_has_no_files_and_cannot_be_forced(shop, cancelled_order):
    page = await shop.http.get(shop.client.download_page_url(cancelled_order))
    assert page.status_code in (200, 404, 410), page.status_code
    assert "/downloads/" not in page.text, "a cancelled order's page offers files"

    forced = await shop.client.admin_command(cancelled_order["id"], "force-delivery")
    assert forced.status_code == 409, f"force-delivery after cancel -> {forced.status_code}"
    await settle(2.0)

    page = await shop.http.get(shop.client.download_page_url(cancelled_order))
    assert "/downloads/" not in page.text, "files appeared for a cancelled order"
    current = await shop.client.get_order(cancelled_order)
    assert (current["status"], current["delivery_status"]) == ("cancelled", "pending")
    templates = [e["template"] for e in await shop.emails_of(cancelled_order["id"])]
    assert not any("deliver" in t for t in templates), templates
