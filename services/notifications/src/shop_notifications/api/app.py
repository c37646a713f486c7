"""The HTTP app: the kernel's app with the email log's routers and error table."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from shop_kernel.errors import ErrorAnswer, ErrorMap
from shop_kernel.http import service_app
from shop_kernel.root import ServiceRoot
from shop_notifications.api import emails, internal, pages
from shop_notifications.api.context import NotificationsContext
from shop_notifications.config import NotificationsSettings
from shop_notifications.domain.model import EmailNotFoundError
from shop_notifications.service.email_log import EmailLog
from shop_platform.auth import AdminAuth, AdminSessions, set_admin_auth
from shop_web import Web

ERRORS: ErrorMap = {EmailNotFoundError: ErrorAnswer(404, "not_found")}


def create_app(
    root: ServiceRoot,
    settings: NotificationsSettings,
    admin_sessions: AdminSessions,
    *,
    email_log: Callable[[], AbstractAsyncContextManager[EmailLog]],
    web: Web,
) -> FastAPI:
    context = NotificationsContext(
        settings=settings,
        email_log=email_log,
        auth=AdminAuth(settings, admin_sessions),
        web=web,
    )
    app = service_app(
        root,
        title="Photo license shop: notifications",
        description="The email log: what was sent to whom, for which message.",
        public_url=settings.notifications_public_url,
        context=context,
        routers=[emails.router, pages.router, internal.router],
        errors=ERRORS,
        web=web,
    )
    # The email log is the shop's records (require_api / require_page name the permission);
    # not signed in, a page sends them to orders' login, which serves every service.
    set_admin_auth(app, context.auth, context.login_url)
    return app
