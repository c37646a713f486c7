"""The payment page is ready when the client arrives from the checkout (issue 10: it said
"Please refresh this page in a moment" and never did): it waits a few seconds for
order.placed, one short transaction per look; past that it is a page that updates itself."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from shop_payments.service.ports import Look, Repositories

from .conftest import (
    ADMIN_SESSIONS,
    BRANDING,
    BROWSER,
    PAGE_WAIT,
    PUBLIC,
    envelope_of,
    order_placed,
    place,
    token,
    use_settings,
)
from .test_pages import buttons


async def place_order(router, placed) -> None:
    assert await router.handle(envelope_of(placed, placed.order_id), placed)


async def test_the_page_waits_for_its_order(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = order_placed()
    url = f"/pay/{placed.order_id}?token={token(placed.order_id)}"
    page = asyncio.create_task(client.get(url, headers=BROWSER))
    await asyncio.sleep(PAGE_WAIT.timeout_s / 3)
    assert not page.done()
    await place_order(router, placed)
    response = await page
    assert response.status_code == 200
    assert buttons(response.text) == ["Secure payment"]
    assert "almost ready" not in response.text


@dataclasses.dataclass
class CountingLooks:
    """The page's looks, timed: how many were open at once and for how long."""

    inner: Look
    open_now: int = 0
    most_open: int = 0
    durations: list[float] = dataclasses.field(default_factory=list)

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[Repositories]:
        self.open_now += 1
        self.most_open = max(self.most_open, self.open_now)
        started = time.monotonic()
        try:
            async with self.inner() as repos:
                yield repos
        finally:
            self.open_now -= 1
            self.durations.append(time.monotonic() - started)


async def test_waiting_holds_no_database_connection(root, router) -> None:
    """Each look is short (one statement, outside any transaction); the connection goes back
    to the pool between looks (the pool is shared with the consumer that brings the order in)."""
    app = root.http_app(admin_sessions=ADMIN_SESSIONS, branding=BRANDING)
    counting = CountingLooks(root.look)
    app.state.context = dataclasses.replace(app.state.context, look=counting)
    await use_settings(root, "sandbox")
    placed = order_placed()
    url = f"/pay/{placed.order_id}?token={token(placed.order_id)}"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC) as http:
        started = time.monotonic()
        page = asyncio.create_task(http.get(url, headers=BROWSER))
        checked_out = []
        for _ in range(6):
            await asyncio.sleep(PAGE_WAIT.every_s * 1.5)
            checked_out.append(root.engine.pool.checkedout())
        await place_order(router, placed)
        response = await page
        elapsed = time.monotonic() - started
    assert buttons(response.text) == ["Secure payment"]
    assert len(counting.durations) >= 4, counting.durations  # it looked several times
    assert counting.most_open == 1
    # connected only to look: most of the wait is spent outside any look
    assert sum(counting.durations) < elapsed / 2, (elapsed, counting.durations)
    assert 0 in checked_out, checked_out


async def test_past_the_wait_the_page_updates_itself(client) -> None:
    order_id = uuid.uuid4()  # order.placed never comes
    started = time.monotonic()
    response = await client.get(f"/pay/{order_id}?token={token(order_id)}", headers=BROWSER)
    assert time.monotonic() - started >= PAGE_WAIT.timeout_s
    assert response.status_code == 200
    html = response.text
    assert "Please refresh" not in html
    assert "refresh this page" not in html.lower()
    assert "updates itself" in html
    assert buttons(html) == []
    # script from a file (the CSP allows no inline script); a meta refresh without script
    assert '<script src="/static/payments/pay.js" defer></script>' in html
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', html)
    assert "<script>" not in html
    state_url = f"/pay/{order_id}/state?token={token(order_id)}&amp;known=preparing"
    assert f'data-state-url="{state_url}"' in html
    script = await client.get("/static/payments/pay.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "location.reload" in script.text


async def test_the_state_answers_as_soon_as_the_order_arrives(root, client, router) -> None:
    await use_settings(root, None, "Bank transfer")
    placed = order_placed()
    state_url = f"/pay/{placed.order_id}/state?token={token(placed.order_id)}&known=preparing"
    unchanged = await client.get(state_url)
    assert unchanged.json() == {"state": "preparing", "changed": False}
    asking = asyncio.create_task(client.get(state_url))
    await asyncio.sleep(PAGE_WAIT.timeout_s / 3)
    await place_order(router, placed)
    started = time.monotonic()
    assert (await asking).json() == {"state": "instructions", "changed": True}
    assert time.monotonic() - started < PAGE_WAIT.timeout_s / 2
    wrong = await client.get(f"/pay/{placed.order_id}/state?token=nope&known=preparing")
    assert wrong.status_code == 404
    assert wrong.json()["error"] == "not_found"


async def test_a_known_order_answers_at_once(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place(router)
    started = time.monotonic()
    response = await client.get(f"/pay/{placed.order_id}?token={token(placed.order_id)}")
    assert time.monotonic() - started < PAGE_WAIT.timeout_s / 2
    assert buttons(response.text) == ["Secure payment"]
    assert "pay.js" not in response.text  # nothing to wait for: no updates
