"""The admin's pricing pages: coupons (list, new, edit, disable, delete), tax (prices with or
without tax, rates per country and region, the seller's country) and the order information
fields. They call the same use cases as the admin API (`service/pricing_settings.py`); a
refusal is a sentence next to its field, what was typed kept.

Without the admin cookie every page redirects to the login form; every form carries the CSRF
token and comes from the shop's own origin. Messages after a button travel as `?done=` /
`?refused=` words, never free text.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from shop_orders.api.admin_access import PageSettings
from shop_orders.api.admin_web import checked_form, not_found, page, redirect
from shop_orders.api.context import Ctx
from shop_orders.api.coupon_forms import (
    COUPON_FIELDS,
    coupon_form,
    coupon_terms,
    terms_of,
    typed_coupon,
)
from shop_orders.api.pricing_forms import (
    KINDS,
    fields_body,
    fields_form,
    first_day,
    last_day,
    tax_error,
    tax_form,
    tax_inputs,
)
from shop_orders.domain.coupons import (
    CouponConflictError,
    CouponNotFoundError,
    CouponRecord,
    CouponTerms,
)
from shop_orders.domain.errors import FieldError
from shop_orders.service import pricing_settings as settings

router = APIRouter(prefix="/admin", include_in_schema=False)

DONE = {
    "created": "Coupon created.",
    "saved": "Coupon saved.",
    "disabled": "Coupon disabled: clients can no longer use it.",
    "enabled": "Coupon enabled: clients may use it again.",
    "deleted": "Coupon deleted.",
}
NO_COUPON = "No such coupon."
TAKEN = "Another coupon has this code: please choose another."
FROZEN = "The code is frozen: clients have used this coupon. Make a new coupon for another code."
USED = "This coupon was used by an order, so it is kept: disable it instead."


def validity(coupon: CouponRecord) -> str:
    """ "From 2026-12-01 until 2026-12-31" (the last day, inclusive), "Always"..."""
    start, end = first_day(coupon.starts_at), last_day(coupon.ends_at)
    if start and end:
        return f"From {start} until {end}"
    if start:
        return f"From {start}"
    if end:
        return f"Until {end}"
    return "Always"


async def _currency(ctx: Ctx) -> str:
    async with ctx.transaction() as repos:
        return await settings.shop_currency(repos)


# -- coupons ---------------------------------------------------------------------------------


@router.get("/coupons")
async def coupons_page(
    request: Request, ctx: Ctx, who: PageSettings, done: str = "", refused: str = ""
) -> Response:
    async with ctx.transaction() as repos:
        coupons = await settings.list_coupons(repos)
        currency = await settings.shop_currency(repos)
    context = {
        "coupons": coupons,
        "currency": currency,
        "validity": validity,
        "message": DONE.get(done),
        "error": USED if refused == "delete" else None,
    }
    return await page(request, ctx, "admin_coupons.html", context, nav="coupons")


async def _coupon_page(
    request: Request,
    ctx: Ctx,
    coupon: CouponRecord | None,
    form: dict[str, Any],
    currency: str,
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    code: int = 200,
) -> Response:
    context = {
        "coupon": coupon,
        "form": form,
        "currency": currency,
        "errors": errors or {},
        "message": message,
        "frozen": coupon is not None and coupon.used,
    }
    return await page(request, ctx, "admin_coupon.html", context, code, nav="coupons")


@router.get("/coupons/new")
async def new_coupon_page(request: Request, ctx: Ctx, who: PageSettings) -> Response:
    currency = await _currency(ctx)
    return await _coupon_page(request, ctx, None, coupon_form(None, currency), currency)


@router.get("/coupons/{coupon_id}")
async def coupon_page(
    request: Request, ctx: Ctx, who: PageSettings, coupon_id: uuid.UUID, done: str = ""
) -> Response:
    try:
        async with ctx.transaction() as repos:
            coupon = await settings.get_coupon(repos, coupon_id)
            currency = await settings.shop_currency(repos)
    except CouponNotFoundError:
        return await not_found(request, ctx, NO_COUPON)
    form = coupon_form(coupon, currency)
    return await _coupon_page(request, ctx, coupon, form, currency, message=DONE.get(done))


def _refusal(exc: FieldError | CouponConflictError) -> dict[str, str]:
    """A refused coupon as a sentence next to its field."""
    if isinstance(exc, CouponConflictError):
        return {"code": FROZEN if "frozen" in exc.reason else TAKEN}
    name = COUPON_FIELDS.get(exc.field.split(".")[0], "code")
    sentences = {
        "code": "Please use 1 to 64 letters (A to Z) and digits, like SUMMER10.",
        "value": "Please enter a discount: an amount above 0, or a whole percentage from 1 to 100.",
        "minimum_order": "Please enter the minimum order as an amount, like 50.00.",
        "ends_at": "The last day must come on or after the first day.",
        "starts_at": "Please enter the first day as a date.",
        "max_uses": f"The maximum number of orders cannot be below the uses taken ({exc.message}).",
        "profile_ids": "Please list at least one price list id, or leave the field empty.",
    }
    return {name: sentences.get(name, f"Please check this value: {exc.message}.")}


async def _save_coupon(request: Request, ctx: Ctx, coupon_id: uuid.UUID | None) -> Response:
    form = await checked_form(request, ctx)
    try:
        async with ctx.transaction() as repos:
            currency = await settings.shop_currency(repos)
            current = await settings.get_coupon(repos, coupon_id) if coupon_id else None
    except CouponNotFoundError:
        return await not_found(request, ctx, NO_COUPON)
    parsed = coupon_terms(form, currency)
    errors = parsed.errors
    if not errors:
        terms: CouponTerms = parsed.body
        try:
            async with ctx.transaction() as repos:
                if coupon_id is None:
                    saved = await settings.create_coupon(repos, terms)
                else:
                    saved = await settings.update_coupon(repos, coupon_id, terms)
        except CouponNotFoundError:
            return await not_found(request, ctx, NO_COUPON)
        except (FieldError, CouponConflictError) as exc:
            errors = _refusal(exc)
        else:
            done = "created" if coupon_id is None else "saved"
            return redirect(f"/admin/coupons/{saved.id}?done={done}")
    code = 409 if "code" in errors and errors["code"] in (TAKEN, FROZEN) else 422
    shown = typed_coupon(form)
    return await _coupon_page(request, ctx, current, shown, currency, errors=errors, code=code)


@router.post("/coupons")
async def create_coupon(request: Request, ctx: Ctx, who: PageSettings) -> Response:
    return await _save_coupon(request, ctx, None)


@router.post("/coupons/{coupon_id}")
async def save_coupon(
    request: Request, ctx: Ctx, who: PageSettings, coupon_id: uuid.UUID
) -> Response:
    return await _save_coupon(request, ctx, coupon_id)


@router.post("/coupons/{coupon_id}/{action}")
async def coupon_action(
    request: Request, ctx: Ctx, who: PageSettings, coupon_id: uuid.UUID, action: str
) -> Response:
    """Disable, enable or delete (a used coupon is kept: disable it instead)."""
    await checked_form(request, ctx)
    if action not in ("disable", "enable", "delete"):
        return await not_found(request, ctx, "No such action.")
    try:
        async with ctx.transaction() as repos:
            if action == "delete":
                await settings.delete_coupon(repos, coupon_id)
            else:
                current = await settings.get_coupon(repos, coupon_id)
                terms = terms_of(current, active=action == "enable")
                await settings.update_coupon(repos, coupon_id, terms)
    except CouponNotFoundError:
        return await not_found(request, ctx, NO_COUPON)
    except CouponConflictError:
        return redirect(f"/admin/coupons?refused={action}")
    return redirect(f"/admin/coupons?done={action}d")


# -- tax -------------------------------------------------------------------------------------


async def _tax_page(
    request: Request,
    ctx: Ctx,
    shown: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    code: int = 200,
) -> Response:
    context = {"tax": shown, "errors": errors or {}, "message": message}
    return await page(request, ctx, "admin_tax.html", context, code, nav="tax")


@router.get("/tax")
async def tax_page(request: Request, ctx: Ctx, who: PageSettings, saved: str = "") -> Response:
    async with ctx.transaction() as repos:
        current = await settings.get_tax(repos)
    message = "Tax settings saved." if saved else None
    return await _tax_page(request, ctx, tax_form(current), message=message)


@router.post("/tax")
async def save_tax(request: Request, ctx: Ctx, who: PageSettings) -> Response:
    read = tax_inputs(await checked_form(request, ctx))
    try:
        chosen = settings.tax_settings_of(
            prices_include_tax=read.prices_include_tax,
            rates=read.rates,
            seller_country=read.seller_country,
        )
    except FieldError as exc:
        where, sentence = tax_error(exc.field)
        return await _tax_page(request, ctx, read.shown, errors={where: sentence}, code=422)
    async with ctx.transaction() as repos:
        await settings.update_tax(repos, chosen)
    return redirect("/admin/tax?saved=1")


# -- order information fields ------------------------------------------------------------------


async def _fields_page(
    request: Request,
    ctx: Ctx,
    shown: list[dict[str, Any]],
    *,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    code: int = 200,
) -> Response:
    context = {"fields": shown, "kinds": KINDS, "errors": errors or {}, "message": message}
    return await page(request, ctx, "admin_order_fields.html", context, code, nav="order_fields")


@router.get("/order-fields")
async def order_fields_page(
    request: Request, ctx: Ctx, who: PageSettings, saved: str = ""
) -> Response:
    async with ctx.transaction() as repos:
        current = await settings.get_order_fields(repos)
    message = "Order information fields saved." if saved else None
    return await _fields_page(request, ctx, fields_form(current), message=message)


@router.post("/order-fields")
async def save_order_fields(request: Request, ctx: Ctx, who: PageSettings) -> Response:
    read = fields_body(await checked_form(request, ctx))
    if read.errors:
        return await _fields_page(request, ctx, read.shown, errors=read.errors, code=422)
    try:
        async with ctx.transaction() as repos:
            await settings.update_order_fields(repos, read.defined)
    except FieldError as exc:
        found = read.error_at(exc.field)
        errors = dict([found]) if found else {"fields-0-name": "Please keep at most 30 fields."}
        return await _fields_page(request, ctx, read.shown, errors=errors, code=422)
    return redirect("/admin/order-fields?saved=1")
