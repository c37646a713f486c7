"""The HTTP app factory (the consumer is built separately, in `consumers/`)."""

from __future__ import annotations

from fastapi import FastAPI

from shop_messaging.health import health_router
from shop_notifications.api.emails import emails_api
from shop_notifications.api.errors import install_notifications_error_handlers
from shop_notifications.api.pages import emails_pages
from shop_notifications.bootstrap import Notifications
from shop_platform.auth import AdminAuth, AdminSessions, RemoteAdminSessions
from shop_platform.body_limit import BodySizeLimitMiddleware
from shop_platform.web_security import install_http_security


def create_app(app: Notifications, admin_sessions: AdminSessions | None = None) -> FastAPI:
    """`admin_sessions`: where admin sessions are checked (default: ask orders, which owns
    them); tests of this service alone hand in their own."""
    settings = app.settings
    http = FastAPI(
        title="Photo license shop: notifications",
        version="1.0.0",
        description="The email log: what was sent to whom, for which message.",
        docs_url=None,
        redoc_url=None,
    )
    install_http_security(http, public_url=settings.notifications_public_url)
    install_notifications_error_handlers(http)
    http.add_middleware(BodySizeLimitMiddleware)
    http.include_router(health_router(app.runtime))
    http.include_router(emails_api(app.sessions, admin_token=settings.admin_token))
    sessions = admin_sessions or RemoteAdminSessions(
        settings.orders_public_url, settings.secret_key
    )
    http.include_router(
        emails_pages(
            app.sessions,
            auth=AdminAuth(settings, sessions),
            login_url=f"{settings.orders_public_url.rstrip('/')}/admin/login",
            shop_name=settings.shop_name,
        )
    )
    return http
