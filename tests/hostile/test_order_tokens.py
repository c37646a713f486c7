"""Order access tokens: unguessable, one per order, and an order's token opens nothing of
another order (orders API, client order page, payment pages, download page)."""

from __future__ import annotations

import itertools
import re

from .conftest import settle

_LINK_TOKEN = re.compile(r"/downloads/([^/?#\"'<>\s]+)")


def _client_urls(shop, order_id: str, token: str) -> list[tuple[str, str]]:
    return [
        ("GET", shop.url("orders", f"/orders/{order_id}?token={token}")),
        ("GET", shop.url("payments", f"/pay/{order_id}?token={token}")),
        ("GET", shop.url("payments", f"/pay/{order_id}/done?token={token}")),
        ("POST", shop.url("payments", f"/pay/{order_id}/checkout?token={token}")),
        ("GET", shop.url("delivery", f"/orders/{order_id}/downloads?token={token}")),
    ]


async def test_another_orders_token_opens_nothing(
    shop, placed_order, delivered_order, cancelled_order
):
    orders = [placed_order, delivered_order, cancelled_order]
    before = {o["id"]: await shop.payments_of(o["id"]) for o in orders}
    wrong = []
    for target in orders:
        for other in orders:
            if other is target:
                continue
            token = other["access_token"]
            api = await shop.client.get_order_response(target["id"], token)
            if api.status_code != 404:
                wrong.append(f"GET /api/orders/{target['id']} (token of {other['number']}) ")
            for method, url in _client_urls(shop, target["id"], token):
                response = await shop.http.request(method, url)
                shows_links = "/downloads/" in response.text
                if response.status_code != 404 or shows_links or target["number"] in response.text:
                    wrong.append(f"{method} {url} -> {response.status_code} {response.text[:150]}")
    assert not wrong, "another order's token opened:\n" + "\n".join(wrong)
    await settle(1.0)
    assert {o["id"]: await shop.payments_of(o["id"]) for o in orders} == before


async def test_the_admin_token_is_not_an_order_token(shop, delivered_order):
    admin = shop.config.admin_token
    response = await shop.client.get_order_response(delivered_order["id"], admin)
    assert response.status_code == 404, response.text
    for method, url in _client_urls(shop, delivered_order["id"], admin):
        response = await shop.http.request(method, url)
        assert response.status_code == 404, f"{method} {url} -> {response.status_code}"


async def test_token_in_the_wrong_place_or_case_is_refused(shop, delivered_order):
    token = delivered_order["access_token"]
    order_id = delivered_order["id"]
    # The API takes the token in its header only; the pages only as ?token=.
    in_query = await shop.http.get(shop.url("orders", f"/api/orders/{order_id}?token={token}"))
    assert in_query.status_code == 404, in_query.text
    swapped = token.swapcase()
    if swapped != token:
        response = await shop.client.get_order_response(order_id, swapped)
        assert response.status_code == 404, response.text
        page = await shop.http.get(shop.client.download_page_url(delivered_order, swapped))
        assert page.status_code == 404, page.text[:200]


async def test_access_tokens_are_long_unguessable_and_per_order(shop, web_item):
    orders = [
        await shop.client.place_order([web_item], email=shop.new_email("tok")) for _ in range(5)
    ]
    tokens = [o["access_token"] for o in orders]
    assert all(len(t) >= 32 for t in tokens), [len(t) for t in tokens]
    assert len(set(tokens)) == len(tokens), "two orders share an access token"
    for order in orders:
        token = order["access_token"]
        assert order["id"] not in token
        assert order["number"] not in token
        assert order["id"].replace("-", "") not in token
    # A token is not derived from the previous one by a small change (sequential ids).
    for a, b in itertools.pairwise(tokens):
        same = sum(x == y for x, y in zip(a, b, strict=False))
        assert same < len(a) // 2, f"tokens look related: {a} {b}"


async def test_download_link_tokens_are_long_and_per_order(shop, delivered_order, web_item):
    other = await shop.delivered_order(web_item, "links-b")
    mine = [_LINK_TOKEN.search(u).group(1) for u in await shop.download_links(delivered_order)]
    theirs = [_LINK_TOKEN.search(u).group(1) for u in await shop.download_links(other)]
    assert all(len(t) >= 32 for t in mine + theirs), mine + theirs
    assert not set(mine) & set(theirs)
    assert delivered_order["access_token"] not in mine
    for token in mine:
        assert delivered_order["id"] not in token
        assert delivered_order["number"] not in token
    # B's page never lists A's links, and A's token does not open B's page.
    page = await shop.http.get(
        shop.client.download_page_url(other, delivered_order["access_token"])
    )
    assert page.status_code == 404
    assert not any(t in page.text for t in theirs)
