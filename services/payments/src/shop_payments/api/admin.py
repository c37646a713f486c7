"""Admin API (bearer) and the admin settings page (cookie from the orders login, or bearer)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from itertools import zip_longest
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shop_payments.api.context import Ctx, PaymentsContext
from shop_payments.api.rendering import page_errors, redirect
from shop_payments.api.schemas import (
    PaymentPage,
    PaymentRead,
    PaymentSettingsRead,
    PaymentSettingsUpdate,
)
from shop_payments.domain.errors import InvalidSettingsError
from shop_payments.domain.settings import (
    CARD_PROCESSORS,
    DEFAULT_BUTTON_LABEL,
    MAX_OFFLINE_METHODS,
    PROCESSOR_LABELS,
    CardProcessorName,
    OfflineMethod,
    PaymentSettings,
)
from shop_payments.service import payments
from shop_payments.service.settings import (
    SettingsPolicy,
    current_settings,
    settings_refusal,
    update_settings,
)
from shop_platform.accounts import Permission
from shop_platform.auth import require_api, require_page
from shop_platform.errors import error_responses
from shop_platform.paging import DEFAULT_PAGE, MAX_CURSOR, MAX_PAGE

# Each route names the permission it needs (shop_platform.accounts.GRANTS): the settings are
# the owner's; the payments' record is read by the assistant too.
api_router = APIRouter(prefix="/api/admin", tags=["admin"])
SETTINGS_API = [Depends(require_api(Permission.SETTINGS))]
SETTINGS_PAGE = [Depends(require_page(Permission.SETTINGS))]


def _policy(ctx: PaymentsContext) -> SettingsPolicy:
    """What the environment allows; PayPal is allowed once its processor is configured."""
    if ctx.policy.paypal_configured or ctx.processors.get("paypal") is None:
        return ctx.policy
    return replace(ctx.policy, paypal_configured=True)


@api_router.get("/settings", responses=error_responses(401, 403), dependencies=SETTINGS_API)
async def get_settings(ctx: Ctx) -> PaymentSettingsRead:
    async with ctx.transaction() as repos:
        return PaymentSettingsRead.of(await current_settings(repos, ctx.policy))


@api_router.put(
    "/settings", responses=error_responses(400, 401, 403, 413, 422), dependencies=SETTINGS_API
)
async def put_settings(ctx: Ctx, body: PaymentSettingsUpdate) -> PaymentSettingsRead:
    """422 naming the setting at fault (nothing saved): a processor that cannot work here,
    listed twice, an offline method without a name or instructions, two methods of one
    name, more than 10 methods, text too long."""
    async with ctx.transaction() as repos:
        current = await current_settings(repos, ctx.policy)
        saved = await update_settings(repos, body.apply_to(current), _policy(ctx))
    return PaymentSettingsRead.of(saved)


@api_router.get(
    "/payments",
    responses=error_responses(401, 403, 422),
    dependencies=[Depends(require_api(Permission.RECORDS_READ))],
)
async def list_payments(
    ctx: Ctx,
    request: Request,
    response: Response,
    order_id: Annotated[uuid.UUID | None, Query()] = None,
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR, description="a page's `next_cursor`")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_PAGE)] = None,
) -> list[PaymentRead] | PaymentPage:
    """Payments, newest first (issue 14: keyset paging). With `cursor` or `limit` the answer
    is a page, `{"payments", "next_cursor"}` (`limit` 1..200, default 50; pass `next_cursor`
    back with the same `order_id`). Without them it stays the plain list (200 at most), and
    when more exist a `Link: <...>; rel="next"` header names the next page. A cursor this
    list did not give is 422."""
    paged = cursor is not None or limit is not None
    size = (limit or DEFAULT_PAGE) if paged else MAX_PAGE
    async with ctx.transaction() as repos:
        found = await payments.page_payments(repos, order_id, cursor=cursor, limit=size)
    listed = [PaymentRead.of(p) for p in found.items]
    if paged:
        return PaymentPage(payments=listed, next_cursor=found.next_cursor)
    if found.next_cursor is not None:
        following = request.url.include_query_params(cursor=found.next_cursor, limit=size)
        response.headers["Link"] = f'<{following}>; rel="next"'
    return listed


page_router = APIRouter(tags=["admin pages"])


BLANK_METHOD_ROWS = 2  # empty rows under the methods, to add new ones


def _method_rows(methods: tuple[OfflineMethod, ...]) -> list[OfflineMethod]:
    """The methods, then empty rows to add more (up to the limit)."""
    blanks = min(BLANK_METHOD_ROWS, MAX_OFFLINE_METHODS - len(methods))
    return [*methods, *(OfflineMethod("", "", "") for _ in range(max(blanks, 0)))]


def _processor_rows(ctx: PaymentsContext, settings: PaymentSettings) -> list[dict[str, object]]:
    """Every processor, those enabled first (in their order: the page's order), with what
    it needs when it cannot work here."""
    enabled = list(settings.card_processors)
    policy = _policy(ctx)
    needs = {
        "stripe": None if policy.stripe_configured else "STRIPE_SECRET_KEY not set",
        "paypal": None if policy.paypal_configured else "PAYPAL_CLIENT_ID/SECRET not set",
        "sandbox": None if policy.development else "development only",
        "paypal_sandbox": None if policy.development else "development only",
    }
    names = enabled + [name for name in CARD_PROCESSORS if name not in enabled]
    return [
        {
            "name": name,
            "label": PROCESSOR_LABELS[name],
            "checked": name in enabled,
            "needs": needs.get(name),
        }
        for name in names
    ]


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
        "processors": _processor_rows(ctx, current),
        "methods": _method_rows(current.offline_methods),
        "default_label": DEFAULT_BUTTON_LABEL,
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
    responses={**redirect("not logged in: to the admin login page"), **error_responses(403, 422)},
    dependencies=SETTINGS_PAGE,
)
async def settings_page(request: Request, ctx: Ctx, saved: bool = False) -> Response:
    async with ctx.transaction() as repos:
        current = await current_settings(repos, ctx.policy)
    return await _settings_page(request, ctx, current, saved=saved)


def _form_processors(
    listed: bool, card_processor: str, card_processors: list[str]
) -> list[CardProcessorName]:
    """The checked processors (`listed`: the form with a box per processor), or the one of
    the form before there could be several (`card_processor`, "" for none)."""
    names = card_processors if listed else [card_processor]
    return [name for name in names if name in CARD_PROCESSORS]  # type: ignore[misc]


def _form_methods(
    names: list[str], instructions: list[str], labels: list[str]
) -> list[OfflineMethod]:
    """The methods' rows as typed; a row left empty is no method (the way to remove one)."""
    rows = zip_longest(names, instructions, labels, fillvalue="")
    return [
        OfflineMethod(name, text, label)
        for name, text, label in rows
        if name.strip() or text.strip()
    ]


@page_router.post(
    "/admin/settings",
    response_class=HTMLResponse,
    responses={
        **redirect("saved (or not logged in: to the login page)"),
        **error_responses(400, 401, 403, 413),
        **page_errors(422),
    },
    dependencies=SETTINGS_PAGE,
)
async def save_settings(
    request: Request,
    ctx: Ctx,
    csrf: Annotated[str, Form()] = "",
    card_processor: Annotated[str, Form()] = "",
    processors_listed: Annotated[str, Form()] = "",
    card_processors: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies it)
    payment_instructions: Annotated[str, Form()] = "",
    method_name: Annotated[list[str], Form()] = [],  # noqa: B006
    method_instructions: Annotated[list[str], Form()] = [],  # noqa: B006
    method_button_label: Annotated[list[str], Form()] = [],  # noqa: B006
) -> Response:
    ctx.auth.check_csrf(request, csrf)
    wanted = PaymentSettings(
        _form_processors(bool(processors_listed), card_processor, card_processors),
        payment_instructions,
        _form_methods(method_name, method_instructions, method_button_label),
    )
    refusal = settings_refusal(wanted, _policy(ctx))
    if refusal is not None:  # the form again, as typed, with the reason
        return await _settings_page(request, ctx, wanted, refusal=refusal)
    async with ctx.transaction() as repos:
        await update_settings(repos, wanted, _policy(ctx))
    return RedirectResponse("/admin/settings?saved=true", status_code=303)
