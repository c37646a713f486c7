"""Download links tampered with (404), expired (410), used up (410), and a cancelled order's
files (never delivered). A refused download counts nothing and sends no file. Range requests
(issue #17) never get more than the downloads a link allows."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg
import httpx

from .conftest import Shop, settle

_PART_RANGE = re.compile(rb"Content-Range: bytes (\d+)-(\d+)/")


def _token_of(link: str) -> tuple[str, str]:
    base, _, token = link.rpartition("/")
    return base, token


def _flip(char: str) -> str:
    return "B" if char == "A" else "A"


def _no_file(response) -> bool:
    return "content-disposition" not in response.headers and len(response.content) < 5000


def _parts(count: int) -> str:
    """The issue's probe: `bytes=1-1,3-3,5-5,...` with `count` parts."""
    return "bytes=" + ",".join(f"{n}-{n}" for n in range(1, 2 * count, 2))


def _file_bytes(response: httpx.Response) -> int:
    """Bytes of the file a 200 or 206 carried (a multipart 206: its parts, not its framing)."""
    if response.status_code not in (200, 206):
        return 0
    if response.headers.get("content-type", "").startswith("multipart/byteranges"):
        return sum(int(b) - int(a) + 1 for a, b in _PART_RANGE.findall(response.content))
    return len(response.content)


async def _order_allowing(
    shop: Shop, item: dict[str, Any], tag: str, downloads: int
) -> tuple[dict[str, Any], str]:
    """A delivered order whose one link allows `downloads` downloads, and that link."""
    original = await shop.client.settings("delivery")
    await shop.client.settings("delivery", max_downloads=downloads)
    try:
        order = await shop.delivered_order(item, tag)
    finally:
        await shop.client.settings("delivery", max_downloads=original["max_downloads"])
    return order, (await shop.download_links(order))[0]


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
        for header in (None, "bytes=1-", "bytes=0-0", _parts(101)):
            headers = {"Range": header} if header else {}
            response = await shop.http.request(method, link, headers=headers)
            assert response.status_code == 410, f"{method} expired link, {header} -> {response}"
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


async def test_many_ranges_are_a_whole_download_and_a_used_up_link_serves_no_range(shop, web_item):
    """Issue #17: `bytes=1-1,3-3,...` with more than 100 parts made Starlette send the whole
    file (200) while the shop counted a free resume, even on a used-up link."""
    order, link = await _order_allowing(shop, web_item, "many-ranges", 2)
    size = int((await shop.http.head(link)).headers["content-length"])

    for parts, left in ((101, ([1],)), (9, ([0], []))):  # past Starlette's bound, past ours
        response = await shop.http.get(link, headers={"Range": _parts(parts)})
        assert response.status_code == 200, f"{parts} parts -> {response.status_code}"
        assert len(response.content) == size
        assert await shop.downloads_left(order) in left, f"{parts} parts not counted"

    wrong = []
    shapes = [_parts(101), _parts(9), _parts(2), "bytes=1-", "bytes=0-", "bytes=0-0"]
    shapes += ["bytes=-100", f"bytes={size}-", "bytes=9-3", "bytes=x-y", "items=0-1"]
    for header in shapes:
        for method in ("GET", "HEAD"):
            response = await shop.http.request(method, link, headers={"Range": header})
            if response.status_code != 410 or not _no_file(response):
                wrong.append(f"{method} Range: {header[:40]} -> {response.status_code}")
    assert not wrong, "a used-up link served a range:\n" + "\n".join(wrong)
    assert await shop.downloads_left(order) in ([0], [])


async def test_ranges_on_a_fresh_link_never_sum_to_more_than_its_downloads(shop, web_item):
    """Issue #17: `bytes=1-` got all but one byte of the file, as often as asked, for free."""
    order, link = await _order_allowing(shop, web_item, "range-sum", 2)
    size = int((await shop.http.head(link)).headers["content-length"])
    shapes = ["bytes=1-", "bytes=0-0", f"bytes=-{size - 1}", "bytes=1-1,3-3", _parts(101)]
    received, served = 0, []
    for _ in range(4):
        for header in shapes:
            response = await shop.http.get(link, headers={"Range": header})
            received += _file_bytes(response)
            served.append(f"{header[:20]} -> {response.status_code}")
    assert received <= 2 * size, f"{received} bytes of a {size}-byte file, 2 allowed: {served}"
    assert await shop.downloads_left(order) in ([0], [])
    assert (await shop.http.get(link)).status_code == 410


async def test_an_interrupted_download_resumes_within_its_allowance_and_no_further(shop, web_item):
    """A download fetched in pieces counts once; a browser or `curl -C` resuming an
    interrupted one gets the rest while downloads are left; then nothing more is sent."""
    order, link = await _order_allowing(shop, web_item, "resume", 3)
    head = await shop.http.get(link, headers={"Range": "bytes=0-99"})
    rest = await shop.http.get(link, headers={"Range": "bytes=100-"})
    assert (head.status_code, rest.status_code) == (206, 206)
    whole = head.content + rest.content
    size = len(whole)
    assert whole.startswith(b"\xff\xd8"), "not one JPEG"
    assert whole.endswith(b"\xff\xd9"), "not one JPEG"
    assert await shop.downloads_left(order) == [2], "a download in pieces counted twice"

    async with shop.http.stream("GET", link) as interrupted:  # the connection drops...
        assert interrupted.status_code == 200
        partial = b""
        async for chunk in interrupted.aiter_bytes(chunk_size=1000):
            partial = chunk
            break
    resumed = await shop.http.get(  # ... and curl -C asks for the rest
        link, headers={"Range": f"bytes={len(partial)}-", "If-Range": interrupted.headers["etag"]}
    )
    assert resumed.status_code == 206, resumed.text[:200]
    assert partial + resumed.content == whole
    assert await shop.downloads_left(order) in ([0], [])

    received = size + size + len(resumed.content)
    for header in ("bytes=1-", f"bytes={len(partial)}-", _parts(101), "bytes=0-0"):
        response = await shop.http.get(link, headers={"Range": header})
        assert response.status_code == 410, header[:40]
        assert _no_file(response), header[:40]
        received += _file_bytes(response)
    assert received <= 3 * size
