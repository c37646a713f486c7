"""What the sales part's admin pages share: CSRF-checked forms, saving a
form (then the saved item's page, or the form again with the refusal), rendering on
`shop_web/admin.html`, amounts typed in the currency's units, refusals as sentences."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_catalog.api.context import CatalogContext
from shop_catalog.domain.sales import FieldError
from shop_catalog.service.currency import shop_currency
from shop_catalog.service.media_urls import preview_urls
from shop_contracts.money import currency_exponent


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def checked_form(request: Request, ctx: CatalogContext) -> FormData:
    """The posted form, once its CSRF token proved it came from our own page (else 401)."""
    form = await request.form()
    token = form.get("csrf")
    ctx.auth.check_csrf(request, token if isinstance(token, str) else None)
    return form


async def save_form(
    request: Request,
    ctx: CatalogContext,
    path: str,
    item_id: uuid.UUID | None,
    *,
    write: Callable[[FormData], Awaitable[uuid.UUID]],
    refused: Callable[[FormData, str], Awaitable[Response]],
) -> Response:
    """The create (`item_id` None) or edit form of an item listed at `path`: once its CSRF
    token is checked, `write` saves it and returns its id, and the browser is sent to its
    page (`?done=created` or `?done=saved`); a refusal (`FieldError`, `ValidationError`)
    shows the form again through `refused` with the sentence naming the fields."""
    form = await checked_form(request, ctx)
    try:
        saved_id = await write(form)
    except (FieldError, ValidationError) as exc:
        return await refused(form, refusal(exc))
    done = "created" if item_id is None else "saved"
    return see_other(f"{path}/{saved_id}?done={done}")


async def admin_page(
    request: Request,
    ctx: CatalogContext,
    name: str,
    *,
    nav: str,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    currency = await page_currency(ctx)
    context = {
        "nav_here": nav,
        "csrf": ctx.auth.csrf_token(request),
        "currency": currency,
        "urls": lambda m: preview_urls(ctx.settings.catalog_public_url, m),
        "amount": lambda minor: amount_text(minor, currency),
        **values,
    }
    return await ctx.web.page(request, f"pages/{name}.html", context, status_code=status_code)


async def page_currency(ctx: CatalogContext) -> str:
    """The shop's currency (orders' setting as last announced, else the environment's):
    amounts are shown and typed in it."""
    async with ctx.transaction() as repos:
        return await shop_currency(repos, ctx.settings.currency)


def amount_text(minor: int | None, currency: str) -> str:
    """2500 -> "25.00" (EUR), as the forms take it back."""
    if minor is None:
        return ""
    exponent = currency_exponent(currency)
    return f"{Decimal(minor).scaleb(-exponent):.{exponent}f}"


def text_of(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def amount_of(form: FormData, name: str, currency: str) -> int | None:
    """`"25.00"` -> 2500 (EUR); blank -> None; anything else -> FieldError."""
    typed = text_of(form, name).replace(",", ".").replace(" ", "")
    if not typed:
        return None
    try:
        value = Decimal(typed)
    except InvalidOperation:
        raise FieldError(name, "must be an amount, like 25.00") from None
    if not value.is_finite() or value.adjusted() > 15:  # NaN, Infinity, 1e999999999
        raise FieldError(name, "must be an amount, like 25.00")
    minor = value.scaleb(currency_exponent(currency))
    if minor != minor.to_integral_value():
        raise FieldError(name, f"has too many decimals for {currency}")
    return int(minor)


def int_of(form: FormData, name: str) -> int | None:
    typed = text_of(form, name)
    if not typed:
        return None
    if not typed.isdigit():
        raise FieldError(name, "must be a whole number")
    return int(typed)


def refusal(exc: Exception) -> str:
    """One sentence naming the fields refused."""
    if isinstance(exc, FieldError):
        return f"Not saved: {exc.field.replace('_', ' ')}: {exc.message}."
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "form"
            parts.append(f"{where.replace('_', ' ')}: {error['msg']}")
        return "Not saved: " + "; ".join(parts) + "."
    return f"Not saved: {exc}."
