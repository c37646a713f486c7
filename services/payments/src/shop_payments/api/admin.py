"""Admin API (bearer) and the admin settings page (cookie from the orders login, or bearer)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from shop_payments.api.rendering import Pages, page_errors, redirect
from shop_payments.api.schemas import PaymentRead, PaymentSettingsRead, PaymentSettingsUpdate
from shop_payments.domain.errors import InvalidSettingsError
from shop_payments.domain.settings import CARD_PROCESSORS, CardProcessorName, PaymentSettings
from shop_payments.service.settings import current_settings, update_settings
from shop_platform.auth import AdminAuth, require_admin_token
from shop_platform.errors import error_responses

if TYPE_CHECKING:
    from shop_payments.bootstrap import Container


def admin_api_router(container: Container) -> APIRouter:
    settings = container.settings
    admin = Depends(require_admin_token(settings.admin_token))
    router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[admin])

    @router.get("/settings", responses=error_responses(401))
    async def get_settings() -> PaymentSettingsRead:
        async with container.transaction() as repos:
            return PaymentSettingsRead.of(await current_settings(repos, container.policy))

    @router.put("/settings", responses=error_responses(400, 401, 413, 422))
    async def put_settings(body: PaymentSettingsUpdate) -> PaymentSettingsRead:
        async with container.transaction() as repos:
            current = await current_settings(repos, container.policy)
            saved = await update_settings(repos, body.apply_to(current), container.policy)
        return PaymentSettingsRead.of(saved)

    @router.get("/payments", responses=error_responses(401, 422))
    async def list_payments(
        order_id: Annotated[uuid.UUID | None, Query()] = None,
    ) -> list[PaymentRead]:
        async with container.transaction() as repos:
            found = await repos.payments.list(order_id)
        return [PaymentRead.of(p) for p in found]

    return router


def admin_page_router(container: Container, pages: Pages, auth: AdminAuth) -> APIRouter:
    router = APIRouter(tags=["admin pages"])
    settings = container.settings
    login_url = f"{settings.orders_public_url.rstrip('/')}/admin/login"
    own_url = f"{settings.payments_public_url.rstrip('/')}/admin/settings"

    def login_redirect() -> RedirectResponse:
        return RedirectResponse(f"{login_url}?next={quote(own_url)}", status_code=303)

    def render(request: Request, current: PaymentSettings, **extra: object) -> HTMLResponse:
        status_code = 422 if extra.get("error") else 200
        return pages.render(
            "admin_settings.html",
            status_code=status_code,
            settings=current,
            processors=CARD_PROCESSORS,
            stripe_configured=container.policy.stripe_configured,
            csrf=auth.csrf_token(request),
            **extra,
        )

    @router.get(
        "/admin/settings",
        response_class=HTMLResponse,
        responses={**redirect("not logged in: to the admin login page"), **error_responses(422)},
    )
    async def settings_page(request: Request, saved: bool = False) -> Response:
        if not await auth.is_admin(request):
            return login_redirect()
        async with container.transaction() as repos:
            current = await current_settings(repos, container.policy)
        return render(request, current, saved=saved)

    @router.post(
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
        csrf: Annotated[str, Form()] = "",
        card_processor: Annotated[str, Form()] = "",
        payment_instructions: Annotated[str, Form()] = "",
    ) -> Response:
        if not await auth.is_admin(request):
            return login_redirect()
        auth.check_csrf(request, csrf)
        processor: CardProcessorName | None = None
        if card_processor in CARD_PROCESSORS:
            processor = card_processor  # type: ignore[assignment]
        wanted = PaymentSettings(processor, payment_instructions)
        try:
            async with container.transaction() as repos:
                await update_settings(repos, wanted, container.policy)
        except InvalidSettingsError as exc:
            return render(request, wanted, error=exc.reason)
        return RedirectResponse("/admin/settings?saved=true", status_code=303)

    return router
