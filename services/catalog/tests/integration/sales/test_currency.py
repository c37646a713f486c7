"""The shop's currency: the environment's value until orders announces one
(`order.currency_changed`, consumed through the catalog's router with its inbox); then the
storefront shows it and the admin forms read amounts in its minor units. An announcement
older than the one recorded changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from shop_catalog.bootstrap import CatalogRoot
from shop_contracts.events import CurrencyChanged

from .conftest import AddMedia
from .test_sales_admin_pages import admin, csrf_of  # noqa: F401 (the `admin` fixture)
from .test_storefront_pages import make_gallery, visitor


@pytest.fixture
async def announced(root: CatalogRoot, query: Any) -> AsyncIterator[Any]:
    """`await announced("JPY", at)`: orders' announcement, handled by the catalog's router;
    the table is emptied afterwards (other tests expect the environment's EUR)."""

    async def announce(currency: str, at: datetime) -> bool:
        event = CurrencyChanged(currency=currency, changed_at=at)
        return await root.router.handle(event.envelope(correlation_id=uuid.uuid4()), event)

    yield announce
    await query("DELETE FROM shop_currency")


async def test_the_announced_currency_is_shown_and_typed(
    client: httpx.AsyncClient,
    root: CatalogRoot,
    add_media: AddMedia,
    announced: Any,
    query: Any,
    admin: httpx.AsyncClient,  # noqa: F811
) -> None:
    photo = await add_media("Temple at Dusk")
    made = await make_gallery(client, [photo], whole_gallery_price=12345)
    async with visitor(root) as browser:
        assert (await browser.get(f"/api/media/{photo}")).json()["currency"] == "EUR"
    now = datetime.now(UTC)
    assert await announced("JPY", now)
    async with visitor(root) as browser:
        assert (await browser.get(f"/api/media/{photo}")).json()["currency"] == "JPY"
        gallery = (await browser.get(f"/api/galleries/{made['slug']}")).json()
        assert gallery["currency"] == "JPY"
        page = await browser.get(f"/g/{made['slug']}")
        assert "12,345 JPY" in page.text  # no minor unit: the amount is not converted
        media_page = await browser.get(f"/media/{photo}", headers={"Accept-Language": "ja-JP"})
        assert "￥2,500" in media_page.text
    form_page = await admin.get("/admin/pricing-profiles/new")
    assert "Price (JPY)" in form_page.text
    name = f"Yen {uuid.uuid4().hex[:6]}"
    body = {"csrf": csrf_of(form_page.text), "rows": "1", "name": name, "name_0": "Web"}
    refused = await admin.post("/admin/pricing-profiles/new", data=body | {"price_0": "25.50"})
    assert refused.status_code == 422
    assert "too many decimals for JPY" in refused.text
    for absurd in ("sNaN", "Infinity", "1e999999999"):  # refused as typed, never a 500
        odd = await admin.post("/admin/pricing-profiles/new", data=body | {"price_0": absurd})
        assert odd.status_code == 422, absurd
        assert "must be an amount" in odd.text
    created = await admin.post("/admin/pricing-profiles/new", data=body | {"price_0": "2500"})
    assert created.status_code == 303
    prices = await query(
        "SELECT r.price FROM profile_rows r JOIN pricing_profiles p ON p.id = r.profile_id"
        " WHERE p.name = :n",
        n=name,
    )
    assert prices == [{"price": 2500}]


async def test_an_older_announcement_changes_nothing(
    root: CatalogRoot, announced: Any, query: Any
) -> None:
    now = datetime.now(UTC)
    assert await announced("GBP", now)
    assert await announced("USD", now - timedelta(minutes=5))  # applied (inbox), not kept
    assert (await query("SELECT currency FROM shop_currency")) == [{"currency": "GBP"}]
    later = CurrencyChanged(currency="CHF", changed_at=now + timedelta(minutes=1))
    envelope = later.envelope(correlation_id=uuid.uuid4())
    assert await root.router.handle(envelope, later)
    assert not await root.router.handle(envelope, later)  # a redelivery: skipped
    assert (await query("SELECT currency FROM shop_currency")) == [{"currency": "CHF"}]
