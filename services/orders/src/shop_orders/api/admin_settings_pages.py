"""The admin's shop settings page: manual validation, the seller email, the terms, and the
shop's branding (name, contact email and phone, accent colour, logo) that every page of every
service shows. A refused field is shown again as typed, with a sentence next to it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from shop_orders.api.admin_web import checked_form, login_redirect, page, redirect
from shop_orders.api.context import Ctx
from shop_orders.api.form_errors import Field, field_errors
from shop_orders.api.settings_schemas import BRANDING, SettingsUpdate
from shop_orders.service import queries
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
    return values


async def _render(
    request: Request, ctx: Ctx, values: Any, errors: dict[str, str], message: str | None, code: int
) -> Response:
    context = {
        "settings": values,
        "errors": errors,
        "message": message,
        "default_accent": DEFAULT_ACCENT,
    }
    return await page(request, ctx, "admin_settings.html", context, code, nav="settings")


@router.get("/settings")
async def settings_page(request: Request, ctx: Ctx, saved: str = "") -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    async with ctx.transaction() as repos:
        settings = await queries.get_settings(repos)
    return await _render(request, ctx, settings, {}, "Settings saved." if saved else None, 200)


@router.post("/settings")
async def save_settings(request: Request, ctx: Ctx) -> Response:
    if (to_login := await login_redirect(request, ctx)) is not None:
        return to_login
    form = await checked_form(request, ctx)
    values = settings_values(form)
    try:
        update = SettingsUpdate.model_validate(values)
    except ValidationError as exc:
        async with ctx.transaction() as repos:
            current = await queries.get_settings(repos)
        shown = {**{name: getattr(current, name) for name in BRANDING}, **values}
        errors = field_errors(exc.errors(include_url=False), _field_of, FIELDS)
        return await _render(request, ctx, shown, errors, None, 422)
    async with ctx.transaction() as repos:
        await update_settings(repos, update.settings)
    ctx.branding.forget()  # the next page shows the new name, colour and contact details
    return redirect("/admin/settings?saved=1")
