"""The composition root: settings -> engine, sessions, repositories, router, runtime, app.

Tests build the same object graph with their own settings (a throwaway database).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import ClassVar

from fastapi import FastAPI

from shop_kernel.root import ServiceRoot
from shop_kernel.unit_of_work import SqlTransaction
from shop_messaging.consumer import MessageRouter
from shop_messaging.runtime import MessagingRuntime
from shop_orders.api.app import create_app
from shop_orders.api.branding import StoredBranding
from shop_orders.api.context import WebContext
from shop_orders.api.system_probe import SystemProbe
from shop_orders.config import OrdersSettings
from shop_orders.consumers.handlers import build_router
from shop_orders.db.abandoned import SqlAbandonedClaims, abandoned_unit
from shop_orders.db.export_queries import SqlExportSource
from shop_orders.db.unit_of_work import repositories
from shop_orders.service.abandoned import AbandonedOrdersWorker
from shop_orders.service.admin_sessions import StoredAdminSessions
from shop_orders.service.links import Links
from shop_orders.service.ports import Repositories
from shop_platform.auth import AdminAuth, set_admin_auth
from shop_platform.client_address import parse_networks
from shop_platform.db import make_engine, make_session_factory
from shop_platform.order_emails import RemoteOrderEmails
from shop_platform.ratelimit import LOGIN_LOCKOUT_S, RateLimiter
from shop_web import SiteLinks, Web

SERVICE = "orders"
LOGIN_URL = "/admin/login"  # where a page sends someone not signed in
ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


@dataclass(kw_only=True)
class OrdersRoot(ServiceRoot):
    name: ClassVar[str] = SERVICE
    settings: OrdersSettings
    transaction: SqlTransaction[Repositories]
    links: Links
    router: MessageRouter
    action_wait_s: float = 3.0  # see WebContext

    def http_app(self) -> FastAPI:
        settings = self.settings
        branding = StoredBranding(self.transaction)  # the photographer's, from the settings
        web = Web("shop_orders", links=SiteLinks.of(settings), branding=branding, area="orders")
        auth = AdminAuth(settings, StoredAdminSessions(self.transaction))
        context = WebContext(
            settings=settings,
            transaction=self.transaction,
            links=self.links,
            web=web,
            branding=branding,
            auth=auth,
            order_limit=RateLimiter(settings.rate_limit_per_minute, what="orders"),
            login_limit=RateLimiter(
                settings.login_rate_limit_per_minute,
                what="failed logins",
                lockout_s=LOGIN_LOCKOUT_S,
            ),
            trusted_proxies=parse_networks(settings.trusted_proxies),
            action_wait_s=self.action_wait_s,
            exports=SqlExportSource(self.engine),
            order_emails=RemoteOrderEmails(settings.notifications_public_url, settings.secret_key),
            system=SystemProbe(
                settings.amqp_url,
                self.engine,
                {
                    "orders": settings.orders_public_url,
                    "catalog": settings.catalog_public_url,
                    "payments": settings.payments_public_url,
                    "delivery": settings.delivery_public_url,
                    "notifications": settings.notifications_public_url,
                },
            ),
        )
        app = create_app(self, context)
        # issue 14: where require_api / require_page find the auth, and the login form
        set_admin_auth(app, auth, LOGIN_URL)
        # the public account steps (accept an invitation, reset a password), per address
        app.state.account_limit = RateLimiter(
            settings.login_rate_limit_per_minute, what="account requests"
        )
        return app


def bootstrap(settings: OrdersSettings | None = None) -> OrdersRoot:
    settings = settings or OrdersSettings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    repositories_on = partial(
        repositories,
        default_seller_email=settings.seller_email,
        default_currency=settings.currency,
    )
    links = Links(
        secret_key=settings.secret_key,
        orders_public_url=settings.orders_public_url,
        payments_public_url=settings.payments_public_url,
    )
    router = build_router(sessions, repositories_on, links=links)
    # Issue 13: unpaid orders reminded, then cancelled (the shared leased loop).
    abandoned = AbandonedOrdersWorker(
        SqlTransaction(sessions, partial(abandoned_unit, repositories=repositories_on)),
        SqlAbandonedClaims(engine),
        links,
    )
    return OrdersRoot(
        settings=settings,
        engine=engine,
        sessions=sessions,
        transaction=SqlTransaction(sessions, repositories_on),
        links=links,
        router=router,
        runtime=MessagingRuntime(SERVICE, settings.amqp_url, engine, router=router),
        workers={"abandoned_orders": abandoned},
    )
