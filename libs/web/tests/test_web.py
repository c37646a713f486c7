"""The shared look: error pages for browsers (JSON for programs), the branding, the static
files, plain-word statuses."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import create_async_engine

from shop_kernel.errors import ErrorAnswer
from shop_kernel.http import service_app
from shop_kernel.root import ServiceRoot
from shop_messaging.runtime import MessagingRuntime
from shop_platform.db import make_session_factory
from shop_web import Branding, SiteLinks, Web, request_locale, status_label
from shop_web.branding import FixedBranding

HTML = {"Accept": "text/html,application/xhtml+xml"}
LINKS = SiteLinks("http://o.test", "http://p.test", "http://d.test", "http://n.test")


class GoneError(Exception):
    reason = "this link was used up"


def _app() -> FastAPI:
    engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    root = ServiceRoot(
        engine=engine,
        sessions=make_session_factory(engine),
        runtime=MessagingRuntime("test", "amqp://guest:guest@127.0.0.1:1/", engine),
    )
    branding = Branding(
        name="Studio Nord", contact_email="hello@studio.test", contact_phone="+33 1 23"
    )
    web = Web("shop_web", links=LINKS, branding=FixedBranding(branding))
    router = APIRouter()

    @router.get("/downloads/{token}")
    async def download(token: str) -> None:
        raise GoneError

    @router.get("/api/things/{token}")
    async def api(token: str) -> None:
        raise GoneError

    @router.post("/checkout")
    async def checkout(request: Request) -> dict[str, int]:
        return {"fields": len(await request.form())}

    @router.get("/page")
    async def page(request: Request) -> HTMLResponse:
        return await web.page(request, "shop_web/error.html", {"title": "T", "message": "M"})

    return service_app(
        root,
        title="t",
        description="d",
        public_url="http://o.test",
        context=object(),
        routers=[router],
        errors={GoneError: ErrorAnswer(410, "gone")},
        web=web,
    )


@pytest.fixture
async def client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://o.test")


async def test_a_browser_gets_the_error_page_with_the_status_kept(client) -> None:
    gone = await client.get("/downloads/x", headers=HTML)
    assert gone.status_code == 410
    assert "text/html" in gone.headers["content-type"]
    assert "This link has expired" in gone.text
    assert "this link was used up" in gone.text
    assert "Studio Nord" in gone.text
    assert 'href="mailto:hello@studio.test"' in gone.text
    assert 'href="tel:+33123"' in gone.text
    unknown = await client.get("/no/such/page", headers=HTML)
    assert unknown.status_code == 404
    assert "Page not found" in unknown.text


async def test_programs_keep_json(client) -> None:
    assert (await client.get("/downloads/x")).json() == {
        "error": "gone",
        "detail": "this link was used up",
    }
    api = await client.get("/api/things/x", headers=HTML)  # the API is JSON, whatever it asks
    assert api.status_code == 410
    assert api.json()["error"] == "gone"


async def test_the_shared_styles_and_script_are_served(client) -> None:
    page = await client.get("/page", headers=HTML)
    assert '<link rel="stylesheet" href="/static/web/shop.css">' in page.text
    assert "<script>" not in page.text  # the CSP allows script files only
    for asset in ("/static/web/shop.css", "/static/web/shop.js"):
        assert (await client.get(asset)).status_code == 200


def test_branding_refuses_what_could_break_the_style_sheet() -> None:
    assert Branding.of({"accent_colour": "red;} body{display:none"}).accent_colour == "#2451b7"
    assert Branding.of({"accent_colour": "#aa0033", "name": " "}).accent_colour == "#aa0033"
    assert Branding.of({"name": " "}).name == "Photo license shop"


def test_statuses_read_as_words() -> None:
    assert status_label("awaiting_payment") == "Awaiting payment"
    assert status_label("awaiting_validation") == "Awaiting the photographer's validation"
    assert status_label("something_new") == "Something new"


def test_a_field_can_carry_its_own_id_and_be_a_select() -> None:
    """Several forms on one page (one per license option) name their fields alike: `id` keeps
    each label and error bound to its own field."""
    web = Web("shop_web", links=LINKS)
    macros = web.env.get_template("shop_web/macros.html").module
    html = str(
        macros.field(  # type: ignore[attr-defined]
            "price", "Price", "x", id="l2-price", error="Please enter the price as an amount."
        )
    )
    assert '<label for="l2-price">' in html
    assert 'id="l2-price" name="price"' in html
    assert 'aria-describedby="l2-price-note"' in html
    assert '<p class="error" id="l2-price-note">' in html
    select = str(
        macros.field("mode", "Delivery", "fit", options=[("original", "Original"), ("fit", "Fit")])  # type: ignore[attr-defined]
    )
    assert '<select id="mode" name="mode"' in select
    assert '<option value="fit" selected>Fit</option>' in select


async def test_a_form_over_the_body_limit_is_the_error_page_for_a_browser(client) -> None:
    note = {"note": "x" * 1_200_000}
    page = await client.post("/checkout", data=note, headers=HTML)
    assert page.status_code == 413
    assert "text/html" in page.headers["content-type"]
    assert "That is too large" in page.text
    assert "Please shorten it" in page.text
    program = await client.post("/checkout", data=note)
    assert program.status_code == 413
    assert program.json()["error"] == "payload_too_large"


class _FakeRequest:
    def __init__(self, accept_language: str | None) -> None:
        self.headers = {"accept-language": accept_language} if accept_language else {}


def test_money_is_in_the_readers_locale_or_the_neutral_form() -> None:
    web = Web("shop_web", links=LINKS)
    template = web.env.from_string("{{ amount | money(currency) }}")

    def shown(accept_language: str | None, amount: int = 123450, currency: str = "EUR") -> str:
        request = _FakeRequest(accept_language)
        return template.render(amount=amount, currency=currency, request=request)

    assert shown(None) == "1,234.50 EUR"  # no header: the neutral form
    assert shown("fr-FR,fr;q=0.9,en;q=0.8") == "1\u202f234,50\xa0€"
    assert shown("en-US") == "€1,234.50"
    assert shown("de;q=0.5, en-GB;q=0.9") == "€1,234.50"  # the preferred language first
    assert shown("*") == "1,234.50 EUR"
    assert shown("xx-nonsense, ;q=abc") == "1,234.50 EUR"
    assert shown("ja", 4500, "JPY") == "￥4,500"
    assert web.env.from_string("{{ 9000 | money('EUR') }}").render() == "90.00 EUR"


def test_request_locale_reads_accept_language() -> None:
    assert request_locale(None) is None
    assert request_locale(_FakeRequest("fr-CH, fr;q=0.9")) == "fr_CH"  # type: ignore[arg-type]
    assert request_locale(_FakeRequest("zz, de-AT;q=0.1")) == "de_AT"  # type: ignore[arg-type]
    assert request_locale(_FakeRequest("en;q=0")) is None  # type: ignore[arg-type]


def test_the_admin_navigation_has_the_pricing_pages() -> None:
    web = Web("shop_web", links=LINKS)
    html = web.env.get_template("shop_web/admin.html").render(
        shop=Branding(), nav_here="coupons", csrf=""
    )
    for href, label in (
        ("http://o.test/admin/coupons", "Coupons"),
        ("http://o.test/admin/tax", "Tax"),
        ("http://o.test/admin/order-fields", "Order fields"),
        ("http://o.test/admin/invoice-settings", "Invoice settings"),
        ("http://o.test/admin/quotes", "Quotes"),
    ):
        assert f'<a href="{href}"' in html
        assert f">{label}</a>" in html
    assert '<a href="http://o.test/admin/coupons" aria-current="page">Coupons</a>' in html


def test_a_tax_rate_reads_as_people_write_it() -> None:
    web = Web("shop_web", links=LINKS)
    shown = web.env.from_string("{{ rate | percent }}")
    assert shown.render(rate=Decimal("20.0")) == "20 %"
    assert shown.render(rate=Decimal("5.50")) == "5.5 %"
    assert shown.render(rate="7.7") == "7.7 %"
