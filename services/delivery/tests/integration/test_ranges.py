"""Issues 4 and 17, HTTP Range: resume a download without using up the link, and never get
more than the downloads counted."""

from __future__ import annotations


async def one_link(client, shop):
    order_id, _ = await shop.delivered_order(shop.line(shop.SMALL, "Web", shop.WEB))
    [url] = (await shop.links(client, order_id)).values()
    return order_id, url


async def count(shop, order_id) -> int:
    [(value,)] = await shop.sql(
        "SELECT download_count FROM download_links WHERE order_id = :id", id=order_id
    )
    return value


async def test_a_range_from_zero_counts_and_a_resume_does_not(client, shop) -> None:
    order_id, url = await one_link(client, shop)
    whole = await client.get(url)
    size = len(whole.content)
    assert whole.headers["accept-ranges"] == "bytes"
    assert int(whole.headers["content-length"]) == size

    first = await client.get(url, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    assert first.headers["content-length"] == "100"
    assert first.content == whole.content[:100]
    assert await count(shop, order_id) == 2

    rest = await client.get(url, headers={"Range": "bytes=100-"})
    assert rest.status_code == 206
    assert rest.headers["content-range"] == f"bytes 100-{size - 1}/{size}"
    assert first.content + rest.content == whole.content
    assert await count(shop, order_id) == 2  # the resume used nothing


async def test_unsatisfiable_range_is_416_and_counts_nothing(client, shop) -> None:
    order_id, url = await one_link(client, shop)
    size = int((await client.head(url)).headers["content-length"])
    response = await client.get(url, headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"
    assert response.headers["content-length"] == "0"
    assert await count(shop, order_id) == 0


async def test_a_range_is_a_download_and_a_used_up_link_serves_none(client, shop) -> None:
    order_id, url = await one_link(client, shop)
    first = await client.get(url, headers={"Range": "bytes=10-"})
    assert first.status_code == 206  # a download of its own (bytes 0-9 stay paid for)
    assert await count(shop, order_id) == 1

    await shop.sql("UPDATE download_links SET max_downloads = 2 WHERE order_id = :id", id=order_id)
    assert (await client.get(url)).status_code == 200  # the last download allowed
    assert (await client.get(url)).status_code == 410
    for header in ("bytes=10-", "bytes=0-", "bytes=-10", "bytes=1-1,3-3", f"bytes={10**9}-"):
        assert (await client.get(url, headers={"Range": header})).status_code == 410, header
    assert await count(shop, order_id) == 2

    await shop.sql(
        "UPDATE download_links SET expires_at = now() - interval '1 second' WHERE order_id = :id",
        id=order_id,
    )
    assert (await client.get(url, headers={"Range": "bytes=10-"})).status_code == 410
    await shop.send(shop.cancelled(order_id))
    assert (await client.get(url, headers={"Range": "bytes=10-"})).status_code == 404


async def test_a_few_ranges_are_served_and_many_are_a_whole_download(client, shop) -> None:
    order_id, url = await one_link(client, shop)
    two = await client.get(url, headers={"Range": "bytes=5-5, 0-0"})
    assert two.status_code == 206
    assert two.headers["content-type"].startswith("multipart/byteranges")
    assert b"Content-Range: bytes 0-0/" in two.content
    assert b"Content-Range: bytes 5-5/" in two.content
    assert await count(shop, order_id) == 1

    many = ",".join(f"{n}-{n}" for n in range(1, 203, 2))
    whole = await client.get(url, headers={"Range": f"bytes={many}"})
    assert whole.status_code == 200
    assert len(whole.content) == int(whole.headers["content-length"])
    assert await count(shop, order_id) == 2


async def test_if_range_for_another_version_sends_and_counts_the_whole_file(client, shop) -> None:
    order_id, url = await one_link(client, shop)
    await client.get(url, headers={"Range": "bytes=0-9"})
    stale = await client.get(url, headers={"Range": "bytes=10-", "If-Range": '"old-etag"'})
    assert stale.status_code == 200
    assert await count(shop, order_id) == 2
    etag = stale.headers["etag"]
    fresh = await client.get(url, headers={"Range": "bytes=10-", "If-Range": etag})
    assert fresh.status_code == 206  # the rest of the first download: paid for already
    assert await count(shop, order_id) == 2
