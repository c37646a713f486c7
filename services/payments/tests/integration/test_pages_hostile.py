"""What clients and the photographer type is shown as text on every page, never as HTML."""

from __future__ import annotations

import httpx

from shop_platform.auth import ADMIN_COOKIE

from .conftest import ADMIN_SESSIONS, PUBLIC, SECRET, envelope_of, order_placed, token, use_settings

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


async def place_hostile(router, **kwargs: object):
    placed = order_placed(**kwargs).model_copy(update={"number": f"7{SCRIPT}"})  # type: ignore[arg-type]
    client = placed.client.model_copy(update={"name": f'Ada"><img src=x onerror=alert(1)>{SCRIPT}'})
    placed = placed.model_copy(update={"client": client})
    assert await router.handle(envelope_of(placed, placed.order_id), placed)
    return placed


def assert_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert "<img" not in html
    assert ESCAPED in html


async def test_order_numbers_and_instructions_are_escaped(root, client, router) -> None:
    await use_settings(root, None, f"Pay to IBAN FR76</div>{SCRIPT}\r\nthen mail us")
    placed = await place_hostile(router)
    query = f"?token={token(placed.order_id)}"
    page = await client.get(f"/pay/{placed.order_id}{query}")
    assert page.status_code == 200
    assert_escaped(page.text)
    assert "FR76&lt;/div&gt;" in page.text
    done = await client.get(f"/pay/{placed.order_id}/done{query}")
    assert_escaped(done.text)
    refused = await client.post(f"/pay/{placed.order_id}/checkout{query}")  # no processor
    assert refused.status_code == 409
    assert SCRIPT not in refused.text


async def test_the_sandbox_page_escapes_the_order_number(root, client, router) -> None:
    await use_settings(root, "sandbox")
    placed = await place_hostile(router)
    checkout = await client.post(f"/pay/{placed.order_id}/checkout?token={token(placed.order_id)}")
    page = await client.get(checkout.headers["location"])
    assert page.status_code == 200
    assert_escaped(page.text)


async def test_the_settings_page_escapes_the_instructions(root) -> None:
    await use_settings(root, None, f"</textarea>{SCRIPT}")
    cookies = {ADMIN_COOKIE: ADMIN_SESSIONS.login(SECRET)}
    transport = httpx.ASGITransport(app=root.app)
    async with httpx.AsyncClient(
        transport=transport, base_url=PUBLIC, cookies=cookies, headers={"Origin": PUBLIC}
    ) as admin:
        page = await admin.get("/admin/settings")
    assert page.status_code == 200
    assert "&lt;/textarea&gt;" in page.text
    assert_escaped(page.text)
