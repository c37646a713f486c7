"""The payments HTTP app: pages, checkout, webhooks, admin, health."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from shop_messaging.health import health_router
from shop_messaging.runtime import MessagingRuntime
from shop_payments.api.admin import admin_api_router, admin_page_router
from shop_payments.api.errors import install_payments_error_handlers
from shop_payments.api.pages import pay_router
from shop_payments.api.rendering import Pages
from shop_payments.api.sandbox import sandbox_router
from shop_payments.api.webhooks import webhook_router
from shop_platform.auth import AdminAuth, AdminSessions, RemoteAdminSessions
from shop_platform.body_limit import BodySizeLimitMiddleware
from shop_platform.web_security import install_http_security

if TYPE_CHECKING:
    from shop_payments.bootstrap import Container


def create_app(
    container: Container,
    runtime: MessagingRuntime | None = None,
    admin_sessions: AdminSessions | None = None,
) -> FastAPI:
    """`admin_sessions`: where admin sessions are checked (default: ask orders, which owns
    them); tests of this service alone hand in their own."""
    app = FastAPI(
        title="Payments",
        version="1.0.0",
        description="The client's payment page, card checkout (Stripe or the built-in "
        "sandbox), processor webhooks and payment settings.",
        docs_url=None,
        redoc_url=None,
    )
    install_http_security(app, public_url=container.settings.payments_public_url)
    install_payments_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware)  # Stripe events are well under 1 MB
    pages = Pages()
    app.include_router(pay_router(container, pages))
    app.include_router(sandbox_router(container, pages))
    app.include_router(webhook_router(container))
    app.include_router(admin_api_router(container))
    settings = container.settings
    sessions = admin_sessions or RemoteAdminSessions(
        settings.orders_public_url, settings.secret_key
    )
    app.include_router(admin_page_router(container, pages, AdminAuth(settings, sessions)))
    if runtime is not None:
        app.include_router(health_router(runtime))
    return app
