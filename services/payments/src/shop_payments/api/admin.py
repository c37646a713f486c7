"""Admin API (bearer) and the admin settings page (cookie from the orders login, or bearer)."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shop_payments.api.context import Ctx, PaymentsContext, require_admin_token
from shop_payments.api.rendering import page_errors, redirect
from shop_payments.api.schemas import PaymentRead, PaymentSettingsRead, PaymentSettingsUpdate
from shop_payments.domain.errors import InvalidSettingsError
from shop_payments.domain.settings import CARD_PROCESSORS, CardProcessorName, PaymentSettings
from shop_payments.service import payments
from shop_payments.service.settings import current_settings, settings_refusal, update_settings
from shop_platform.errors import error_responses

api_router = APIRouter(
    prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_admin_token)]
)


@api_router.get("/settings", responses=error_responses(401))
async def get_settings(ctx: Ctx) -> PaymentSettingsRead:
    async with ctx.transaction() as repos:
        return PaymentSettingsRead.of(await current_settings(repos, ctx.policy))


@api_router.put("/settings", responses=error_responses(400, 401, 413, 422))
async def put_settings(ctx: Ctx, body: PaymentSettingsUpdate) -> PaymentSettingsRead:
    async with ctx.transaction() as repos:
        current = await current_settings(repos, ctx.policy)
        saved = await update_settings(repos, body.apply_to(current), ctx.policy)
    return PaymentSettingsRead.of(saved)


@api_router.get("/payments", responses=error_responses(401, 422))
async def list_payments(
    ctx: Ctx, order_id: Annotated[uuid.UUID | None, Query()] = None
) -> list[PaymentRead]:
    async with ctx.transaction() as repos:
        found = await payments.list_payments(repos, order_id)
    return [PaymentRead.of(p) for p in found]


page_router = APIRouter(tags=["admin pages"])


def _login_redirect(ctx: PaymentsContext) -> RedirectResponse:
    login_url = f"{ctx.settings.orders_public_url.rstrip('/')}/admin/login"
    own_url = f"{ctx.settings.payments_public_url.rstrip('/')}/admin/settings"
    return RedirectResponse(f"{login_url}?next={quote(own_url)}", status_code=303)


async def _settings_page(
    request: Request,
    ctx: PaymentsContext,
    current: PaymentSettings,
    *,
    saved: bool = False,
    refusal: InvalidSettingsError | None = None,
) -> HTMLResponse:
    """The form (as typed, when refused: the reason next to the setting at fault)."""
    errors = {refusal.field: refusal.reason} if refusal else {}
    context = {
        "settings": current,
        "processors": CARD_PROCESSORS,
        "stripe_configured": ctx.policy.stripe_configured,
        "csrf": ctx.auth.csrf_token(request),
        "nav_here": "payments",
        "saved": saved,
        "errors": errors,
    }
    status_code = 422 if refusal else 200
    return await ctx.web.page(request, "admin_settings.html", context, status_code=status_code)


@page_router.get(
    "/admin/settings",
    response_class=HTMLResponse,
    responses={**redirect("not logged in: to the admin login page"), **error_responses(422)},
)
async def settings_page(request: Request, ctx: Ctx, saved: bool = False) -> Response:
    if not await ctx.auth.is_admin(request):
        return _login_redirect(ctx)
    async with ctx.transaction() as repos:
        current = await current_settings(repos, ctx.policy)
    return await _settings_page(request, ctx, current, saved=saved)


@page_router.post(
    "/admin/settings",
    response_class=HTMLResponse,
    responses={
        **redirect("saved (or not logged in: to the login page)"),
        **error_responses(400, 401, 413),
        **page_errors(422),
    },
)
async def save_settings(
    request: Request,
    ctx: Ctx,
    csrf: Annotated[str, Form()] = "",
    card_processor: Annotated[str, Form()] = "",
    payment_instructions: Annotated[str, Form()] = "",
) -> Response:
    if not await ctx.auth.is_admin(request):
        return _login_redirect(ctx)
    ctx.auth.check_csrf(request, csrf)
    processor: CardProcessorName | None = None
    if card_processor in CARD_PROCESSORS:
        processor = card_processor  # type: ignore[assignment]
    wanted = PaymentSettings(processor, payment_instructions)
    refusal = settings_refusal(wanted, ctx.policy)
    if refusal is not None:  # the form again, as typed, with the reason
        return await _settings_page(request, ctx, wanted, refusal=refusal)
    async with ctx.transaction() as repos:
        await update_settings(repos, wanted, ctx.policy)
    return RedirectResponse("/admin/settings?saved=true", status_code=303)
