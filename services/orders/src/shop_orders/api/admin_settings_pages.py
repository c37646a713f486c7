"""The admin's shop settings page: manual validation, the seller email, the terms, the shop's
currency (refused while unpaid orders exist: prices are not converted) and the shop's
branding (name, contact email and phone, accent colour, logo) that every page of every
service shows. A refused field is shown again as typed, with a sentence next to it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_orders.api.admin_access import PageSettings
from shop_orders.api.admin_web import checked_form, page, redirect
from shop_orders.api.context import Ctx
from shop_orders.api.form_errors import Field, field_errors
from shop_orders.api.settings_schemas import BRANDING, UNPAID_DAYS, SettingsUpdate
from shop_orders.domain.errors import FieldError
from shop_orders.service import queries
from shop_orders.service.pricing_settings import (
    CurrencyChangeRefusedError,
    change_currency,
    shop_currency,
)
from shop_orders.service.settings import update_settings
from shop_web.branding import DEFAULT_ACCENT

router = APIRouter(prefix="/admin", include_in_schema=False)

EMAIL_SHAPE = "Please enter a valid email address, like photo@example.com."
FIELDS = {
    "seller_email": Field("the seller email", EMAIL_SHAPE),
    "terms_text": Field("the terms and conditions"),
    "shop_name": Field("the shop's name"),
    "contact_email": Field("the contact email", EMAIL_SHAPE),
    "contact_phone": Field("the contact phone number", own_words=True),
    "accent_colour": Field(
        "the accent colour",
        "Please write the colour as # and six hexadecimal digits, like #2451b7.",
        own_words=True,
    ),
    "logo_url": Field("the logo address", own_words=True),
    "currency": Field(
        "the currency",
        "Please enter a currency as its three-letter ISO 4217 code, like EUR, USD or JPY.",
    ),
    # Abandoned orders (issue 13): a number of days, or empty for off.
    "remind_unpaid_after_days": Field("the reminder delay", own_words=True),
    "cancel_unpaid_after_days": Field("the cancellation delay", own_words=True),
}


def _field_of(error: Mapping[str, Any]) -> str:
    loc = error["loc"]
    return str(loc[0]) if loc and str(loc[0]) in FIELDS else "form"


def settings_values(form: FormData) -> dict[str, Any]:
    """The body the API would receive for this form. The branding fields a form does not
    carry keep their value (an older form, a script posting only the seller email)."""

    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    values: dict[str, Any] = {
        "manual_validation": form.get("manual_validation") == "on",
        "seller_email": text("seller_email").strip(),
        "terms_text": text("terms_text"),
    }
    values.update({name: text(name) for name in BRANDING if name in form})
    if "currency" in form:  # an older form without it keeps the currency
        values["currency"] = text("currency").strip().upper()
    values.update({name: text(name).strip() for name in UNPAID_DAYS if name in form})
    return values


async def _render(
    request: Request,
    ctx: Ctx,
    values: Any,
    currency: str,
    errors: dict[str, str],
    message: str | None,
    code: int,
) -> Response:
    context = {
        "settings": values,
        "currency": currency,
        "errors": errors,
        "message": message,
        "default_accent": DEFAULT_ACCENT,
    }
    return await page(request, ctx, "admin_settings.html", context, code, nav="settings")


@router.get("/settings")
async def settings_page(request: Request, ctx: Ctx, who: PageSettings, saved: str = "") -> Response:
    async with ctx.transaction() as repos:
        settings = await queries.get_settings(repos)
        currency = await shop_currency(repos)
    message = "Settings saved." if saved else None
    return await _render(request, ctx, settings, currency, {}, message, 200)


def currency_refused(exc: CurrencyChangeRefusedError) -> str:
    """The 409 as a sentence: how many orders wait, and what to do."""
    count = exc.reason.split(" ", 1)[0]
    orders = "1 order is" if count == "1" else f"{count} orders are"
    return (
        f"The currency was not changed: {orders} not paid yet (and not cancelled). Their "
        "amounts are in the current currency, and prices are not converted: change it once "
        "they are paid or cancelled. Nothing was saved."
    )


@router.post("/settings")
async def save_settings(request: Request, ctx: Ctx, who: PageSettings) -> Response:
    form = await checked_form(request, ctx)
    values = settings_values(form)
    try:
        update = SettingsUpdate.model_validate(values)
    except ValidationError as exc:
        errors = field_errors(exc.errors(include_url=False), _field_of, FIELDS)
        return await _refused(request, ctx, values, errors, 422)
    try:
        async with ctx.transaction() as repos:  # all or nothing: a refused currency saves none
            await update_settings(repos, update.settings)
            if update.currency is not None:
                await change_currency(repos, update.currency)
    except CurrencyChangeRefusedError as exc:
        return await _refused(request, ctx, values, {"currency": currency_refused(exc)}, 409)
    except FieldError as exc:  # the unpaid-order delays against the ones kept
        label = FIELDS[exc.field].label if exc.field in FIELDS else exc.field
        problem = f"{label[:1].upper()}{label[1:]} {exc.message}."
        return await _refused(request, ctx, values, {exc.field: problem}, 422)
    ctx.branding.forget()  # the next page shows the new name, colour and contact details
    return redirect("/admin/settings?saved=1")


async def _refused(
    request: Request, ctx: Ctx, values: dict[str, Any], errors: dict[str, str], code: int
) -> Response:
    """The form again as typed, the refusals next to their fields."""
    async with ctx.transaction() as repos:
        current = await queries.get_settings(repos)
        currency = await shop_currency(repos)
    shown = {**{name: getattr(current, name) for name in (*BRANDING, *UNPAID_DAYS)}, **values}
    typed = str(values.get("currency") or currency)
    return await _render(request, ctx, shown, typed, errors, None, code)
