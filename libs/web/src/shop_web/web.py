"""A service's pages, built on the shared look."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from http import HTTPStatus
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from shop_contracts.formatting import format_datetime, format_size
from shop_contracts.money import format_money, known_locale
from shop_web.branding import BrandingSource, FixedBranding
from shop_web.labels import delivery_label, payment_label, status_label

STATIC_PATH = "/static/web"
# Paths whose callers are programs: their errors stay JSON whatever the Accept header says.
API_PREFIXES = ("/api/", "/webhooks/", "/internal/", "/openapi.json", "/health", "/metrics")


@dataclass(frozen=True)
class SiteLinks:
    """Where each service's pages are, for the navigation across services."""

    orders: str
    payments: str
    delivery: str
    notifications: str
    catalog: str = "http://127.0.0.1:8005"  # the storefront's browsing pages and the media

    @classmethod
    def of(cls, settings: Any) -> SiteLinks:
        return cls(
            orders=settings.orders_public_url.rstrip("/"),
            payments=settings.payments_public_url.rstrip("/"),
            delivery=settings.delivery_public_url.rstrip("/"),
            notifications=settings.notifications_public_url.rstrip("/"),
            catalog=settings.catalog_public_url.rstrip("/"),
        )


# At most this many languages of an Accept-Language header are looked at.
MAX_LANGUAGES = 8


def request_locale(request: Request | None) -> str | None:
    """The client's locale from Accept-Language ("fr-FR,fr;q=0.9,en;q=0.8" -> "fr_FR"): the
    preferred language Babel knows, or None (no header, "*" only, nothing known)."""
    header = request.headers.get("accept-language", "") if request is not None else ""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")[:MAX_LANGUAGES]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and weight > 0:
            ranked.append((-weight, index, tag))
    for _, _, tag in sorted(ranked):
        locale = known_locale(tag)
        if locale is not None:
            return locale
    return None


@jinja2.pass_context
def money(context: jinja2.runtime.Context, minor: int, currency: str) -> str:
    """`{{ amount | money(currency) }}`: the amount in the way of the request's locale
    (Accept-Language), else in the neutral form "1,234.50 EUR"."""
    request = context.get("request")
    return format_money(minor, currency, request_locale(request))


def percent(rate: object) -> str:
    """A tax rate as people write it: Decimal("20.0") -> "20 %", Decimal("5.50") -> "5.5 %"."""
    try:
        value = Decimal(str(rate))
    except ArithmeticError:
        return f"{rate} %"
    text = format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} %"


def wants_html(request: Request) -> bool:
    """A browser on one of our pages (not a program on the API)."""
    if request.url.path.startswith(API_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


class Web:
    def __init__(
        self,
        package: str,
        *,
        links: SiteLinks,
        branding: BrandingSource | None = None,
        area: str = "",
    ) -> None:
        """`package`: the service's package (its own `templates/` come first); `area`: the
        service's name, so the admin navigation marks where the photographer is."""
        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.PackageLoader(package, "templates"),
                    jinja2.PackageLoader("shop_web", "templates"),
                ]
            ),
            autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        )
        env.filters.update(
            price=format_money,  # the neutral form "1,234.50 EUR", whoever reads it
            money=money,  # in the reader's locale (Accept-Language)
            percent=percent,
            status_label=status_label,
            payment_label=payment_label,
            delivery_label=delivery_label,
            datetime=format_datetime,
            size=format_size,
        )
        env.globals.update(site=links, area=area, static=STATIC_PATH)
        self.links = links
        self.env = env
        self.templates = Jinja2Templates(env=env)
        self._branding = branding or FixedBranding()

    def install(self, app: FastAPI) -> None:
        """Serve the shared styles and script."""
        app.mount(STATIC_PATH, StaticFiles(packages=[("shop_web", "static")]), name="shop-web")

    async def page(
        self,
        request: Request,
        name: str,
        context: Mapping[str, Any] | None = None,
        *,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        values = {"shop": await self._branding.branding(), **(context or {})}
        response = self.templates.TemplateResponse(
            request, name, values, status_code=status_code, headers=dict(headers or {})
        )
        assert isinstance(response, HTMLResponse)
        return response

    async def error_page(
        self,
        request: Request,
        status_code: int,
        message: str,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        title = title or _title(status_code)
        return await self.page(
            request,
            "shop_web/error.html",
            {"title": title, "message": message, "status_code": status_code},
            status_code=status_code,
            headers=headers,
        )


def _title(status_code: int) -> str:
    return {
        400: "This request could not be read",
        401: "Please log in",
        403: "Not allowed",
        404: "Page not found",
        405: "Not allowed here",
        408: "That took too long",
        409: "That cannot be done now",
        410: "This link has expired",
        413: "That is too large",
        422: "Please check what you entered",
        429: "Too many attempts",
        500: "Something went wrong on our side",
        502: "The payment service did not answer",
        503: "Not available right now",
    }.get(status_code, HTTPStatus(status_code).phrase)
