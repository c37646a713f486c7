"""The quotation pages (issue 13): the storefront's request form, the client's link with
Accept and Decline, the photographer's list and quote pages (session, CSRF)."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import text

from shop_orders.bootstrap import OrdersRoot
from shop_orders.domain.catalog import Media

from .test_pages import login
from .test_quotes import ADDRESS, accept, ask, link_of, messages, priced, send

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(autouse=True)
async def no_quotes(service: OrdersRoot) -> None:
    async with service.engine.begin() as conn:
        await conn.execute(text("DELETE FROM quote_lines"))
        await conn.execute(text("DELETE FROM quotes"))


async def test_the_request_form_names_the_files_and_sends_the_request(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    photo, clip = catalog
    page = await client.get(
        f"/quotes/new?media_id={photo.id}&media_id={clip.id}&media_id={uuid.uuid4()}&media_id=x"
    )
    assert page.status_code == 200
    assert "Alpine Lake" in page.text
    assert "Ridge Drift" in page.text
    assert page.text.count('name="media_id"') == 2, "unknown ids are left out"
    assert "<script>" not in page.text

    empty = await client.get("/quotes/new")
    assert "Choose the files in the galleries first" in empty.text
    assert 'id="quote-request"' not in empty.text

    form = {"media_id": [str(photo.id)], "name": "Ada", "email": "ada@example.com", "message": "Hi"}
    foreign = await client.post("/quotes/new", data=form, headers={"Origin": "http://evil.test"})
    assert foreign.status_code == 403
    refused = await client.post("/quotes/new", data={**form, "email": "not-an-email"})
    assert refused.status_code == 422
    assert "valid email address" in refused.text
    assert 'value="Ada"' in refused.text, "what was typed is kept"
    assert await messages(service, "quote.requested") == []

    sent = await client.post("/quotes/new", data=form)
    assert sent.status_code == 201
    assert "your request is sent" in sent.text
    [requested] = await messages(service, "quote.requested")
    assert requested["items"] == ["Alpine Lake"]
    assert requested["message"] == "Hi"


async def test_the_client_page_shows_the_lines_and_asks_the_address(
    client: httpx.AsyncClient,
    catalog: list[Media],
    service: OrdersRoot,
    admin_headers: dict[str, str],
) -> None:
    quote_id = await ask(client, catalog)
    before = await client.get(
        (await client.get(f"/api/admin/quotes/{quote_id}", headers=admin_headers))
        .json()["url"]
        .removeprefix("http://orders.test")
    )
    assert "preparing this quote" in before.text
    assert 'id="quote-accept"' not in before.text
    await priced(client, admin_headers, quote_id, catalog)
    body = await send(client, admin_headers, quote_id)
    page = await client.get(link_of(body), headers=HTML)
    assert page.status_code == 200
    for said in (
        "Alpine Lake, brochure",
        "Print, 5000 copies",
        "delivered by the photographer",
        "A service",
    ):
        assert said in page.text
    assert 'id="quote-accept"' in page.text
    assert 'value="Ada Client"' in page.text, "the name and email the quote was asked with"
    path, _, query = link_of(body).partition("?")
    missing = await client.post(
        f"{path}/accept?{query}", data={"name": "Ada", "email": "ada@example.com"}
    )
    assert missing.status_code == 422
    assert "Not accepted yet" in missing.text
    assert await messages(service, "order.placed") == []
    foreign = await client.post(
        f"{path}/accept?{query}", data=ADDRESS, headers={"Origin": "http://evil.test"}
    )
    assert foreign.status_code == 403
    done = await accept(client, link_of(body))
    assert done.status_code == 303
    after = await client.get(link_of(body))
    assert "You accepted this quote" in after.text
    assert re.search(r'href="http://orders\.test/orders/[0-9a-f-]{36}\?token=', after.text)


async def test_admin_pages_want_the_session(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    quote_id = await ask(client, catalog)
    for url in ("/admin/quotes", f"/admin/quotes/{quote_id}"):
        response = await client.get(url)
        assert response.status_code == 303
        assert response.headers["location"] == "/admin/login"
    for url in ("/admin/quotes", f"/admin/quotes/{quote_id}", f"/admin/quotes/{quote_id}/send"):
        response = await client.post(url, data={"name": "X", "email": "x@example.com"})
        assert response.status_code == 303, url
        assert response.headers["location"] == "/admin/login"
    csrf = await login(client)
    without_csrf = await client.post(f"/admin/quotes/{quote_id}/send")
    assert without_csrf.status_code == 401
    assert csrf
    assert await messages(service, "quote.sent") == []


async def test_the_photographer_prices_and_sends_from_the_pages(
    client: httpx.AsyncClient, catalog: list[Media], service: OrdersRoot
) -> None:
    csrf = await login(client)
    made = await client.post(
        "/admin/quotes", data={"csrf": csrf, "name": "Bo Client", "email": "bo@example.com"}
    )
    assert made.status_code == 303
    url = made.headers["location"]
    quote_id = url.rpartition("/")[2]
    listed = await client.get("/admin/quotes")
    assert "Bo Client" in listed.text
    page = await client.get(url)
    assert page.status_code == 200
    assert 'name="title-0"' in page.text, "a blank row adds a line"
    photo = catalog[0]
    form = {
        "csrf": csrf,
        "line_id-0": "",
        "media_id-0": str(photo.id),
        "title-0": "Alpine Lake, poster",
        "price-0": "450.00",
        "description-0": "Poster A1, 200 copies",
        "delivery-0": "automatic",
        "format-0": "long_edge-2048",
        "expires": "",
    }
    bad = await client.post(url, data={**form, "price-0": "lots"})
    assert bad.status_code == 422
    assert "Please write the amount in EUR" in bad.text
    saved = await client.post(url, data=form)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"{url}?done=saved"
    page = await client.get(saved.headers["location"])
    assert "Quote saved." in page.text
    assert 'value="450.00"' in page.text
    assert 'name="title-1"' in page.text
    line_id = re.search(r'name="line_id-0" value="([0-9a-f-]{36})"', page.text)
    assert line_id
    service_line = {
        **form,
        "line_id-0": line_id.group(1),
        "title-1": "Retouching",
        "price-1": "80",
        "line_id-1": "",
        "media_id-1": "",
    }
    assert (await client.post(url, data=service_line)).status_code == 303
    sent = await client.post(f"{url}/send", data={"csrf": csrf})
    assert sent.status_code == 303
    assert sent.headers["location"] == f"{url}?done=sent"
    [message] = await messages(service, "quote.sent")
    assert message["total"] == 53000
    assert [line["title"] for line in message["lines"]] == ["Alpine Lake, poster", "Retouching"]
    again = await client.post(f"{url}/send", data={"csrf": csrf})
    assert again.status_code == 409
    assert "Not sent" in again.text
    changed = await client.post(url, data={**service_line, "price-1": "90"})
    assert changed.status_code == 303
    following = changed.headers["location"]
    assert quote_id not in following, "a sent quote changes as a new version"
    newer = await client.get(following)
    assert "previous version" in newer.text
    older = await client.get(url)
    assert "newer version" in older.text
    assert 'id="quote-lines"' not in older.text


async def test_the_admin_forms_refuse_control_characters_and_unknown_media(
    client: httpx.AsyncClient, catalog: list[Media]
) -> None:
    csrf = await login(client)
    client_form = {"csrf": csrf, "name": "Bo", "email": "bo@example.com"}
    refused = await client.post("/admin/quotes", data={**client_form, "message": "a\x00"})
    assert refused.status_code == 422
    assert "Please write the note as plain text." in refused.text
    url = (await client.post("/admin/quotes", data=client_form)).headers["location"]
    row = {"csrf": csrf, "line_id-0": "", "media_id-0": "", "title-0": "Shoot", "price-0": "1"}
    bad = await client.post(url, data={**row, "title-0": "a\x00", "description-0": "b\x00"})
    assert bad.status_code == 422
    assert "Please write the title on one line" in bad.text
    assert "Please write the description as plain text." in bad.text
    unknown = await client.post(url, data={**row, "media_id-0": str(uuid.uuid4())})
    assert unknown.status_code == 422
    assert "unknown media" in unknown.text
