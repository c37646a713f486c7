"""Composition root: engine, sessions, renderer, transport, sender loop, consumer, runtime.

Tests call `bootstrap()` with their own settings and, when they want, their own transport.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from fastapi import FastAPI

from shop_kernel.root import ServiceRoot
from shop_messaging.consumer import MessageRouter
from shop_messaging.runtime import MessagingRuntime
from shop_notifications.api.app import create_app
from shop_notifications.config import NotificationsSettings
from shop_notifications.consumers.handlers import CONSUMER, build_router
from shop_notifications.db.invoices import InvoiceRepository
from shop_notifications.db.orders import OrderRepository
from shop_notifications.db.repository import EmailRepository
from shop_notifications.mail.invoice_pdf import InvoicePdfRenderer
from shop_notifications.mail.render import EmailRenderer
from shop_notifications.mail.sender import EmailSender, SenderPolicy
from shop_notifications.mail.smtp import Transport, make_transport
from shop_notifications.service.email_log import EmailLog
from shop_notifications.service.ports import InvoicePdf
from shop_platform.auth import AdminSessions, RemoteAdminSessions
from shop_platform.db import make_engine, make_session_factory
from shop_web import Branding, BrandingSource, RemoteBranding, SiteLinks, Web

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


@dataclass(kw_only=True)
class NotificationsRoot(ServiceRoot):
    name: ClassVar[str] = CONSUMER
    settings: NotificationsSettings
    renderer: EmailRenderer
    sender: EmailSender
    router: MessageRouter
    branding: BrandingSource  # the shop's name and contact details, set in orders

    def http_app(self, admin_sessions: AdminSessions | None = None) -> FastAPI:
        """`admin_sessions`: where admin sessions are checked (default: ask orders, which
        owns them); tests of this service alone hand in their own."""
        settings = self.settings
        sessions = admin_sessions or RemoteAdminSessions(
            settings.orders_public_url, settings.secret_key
        )
        web = Web(
            "shop_notifications",
            links=SiteLinks.of(settings),
            branding=self.branding,
            area="notifications",
        )
        return create_app(self, settings, sessions, email_log=self.email_log, web=web)

    @asynccontextmanager
    async def email_log(self) -> AsyncIterator[EmailLog]:
        """The email log, read in one session (the admin's pages and API)."""
        async with self.sessions() as session:
            yield EmailRepository(session)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def bootstrap(
    settings: NotificationsSettings | None = None,
    *,
    transport: Transport | None = None,
    sender_policy: SenderPolicy | None = None,
    branding: BrandingSource | None = None,
    clock: Callable[[], datetime] | None = None,
    invoice_pdf: InvoicePdf | None = None,
) -> NotificationsRoot:
    """`branding`: where the shop's name and contact details come from (default: orders).
    `clock`: the time a held delivery email's wait for its invoice is measured in (tests
    move it); `invoice_pdf`: the invoice's PDF (default: `shop_invoices`)."""
    clock = clock or _utc_now
    settings = settings or NotificationsSettings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    branding = branding or RemoteBranding(
        settings.orders_public_url, fallback=Branding(name=settings.shop_name)
    )
    renderer = EmailRenderer(shop_name=settings.shop_name, branding=branding)
    policy = sender_policy or SenderPolicy(
        connections=settings.smtp_connections,
        max_attempts=settings.email_max_attempts,
        retry_base_s=settings.email_retry_base_s,
    )
    transport = transport or make_transport(
        settings.smtp_url,
        mail_from=settings.mail_from,
        shop_name=settings.shop_name,
        timeout_s=settings.smtp_timeout_s,
        connections=policy.connections,
    )
    sender = EmailSender(engine, sessions, transport, policy, clock=clock)
    router = build_router(
        sessions,
        EmailRepository,
        renderer,
        orders=OrderRepository,
        invoices=InvoiceRepository,
        invoice_pdf=invoice_pdf or InvoicePdfRenderer(),
        branding=branding,
        orders_public_url=settings.orders_public_url,
        default_seller_email=settings.seller_email,
        clock=clock,
    )
    return NotificationsRoot(
        settings=settings,
        engine=engine,
        sessions=sessions,
        runtime=MessagingRuntime(CONSUMER, settings.amqp_url, engine, router=router),
        workers={"sender": sender},  # started with the service, independent of the broker
        renderer=renderer,
        sender=sender,
        router=router,
        branding=branding,
    )
