"""Composition root: engine, sessions, renderer, transport, sender loop, consumer, runtime.

Tests call `bootstrap()` with their own settings and, when they want, their own transport.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_messaging.consumer import MessageRouter
from shop_messaging.runtime import MessagingRuntime
from shop_notifications.config import NotificationsSettings
from shop_notifications.consumers.router import CONSUMER, build_router
from shop_notifications.mail.render import EmailRenderer
from shop_notifications.mail.sender import EmailSender, SenderPolicy
from shop_notifications.mail.smtp import Transport, make_transport
from shop_platform.db import make_engine, make_session_factory


@dataclass
class NotificationsRuntime(MessagingRuntime):
    """The shared runtime (consumer + outbox relay); its health also covers the sender."""

    sender: EmailSender | None = None

    async def health(self) -> dict[str, bool]:
        checks = await super().health()
        checks["sender"] = self.sender is not None and self.sender.running
        return checks


@dataclass
class Notifications:
    settings: NotificationsSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    renderer: EmailRenderer
    sender: EmailSender
    router: MessageRouter
    runtime: NotificationsRuntime

    async def aclose(self) -> None:
        await self.sender.stop()
        await self.engine.dispose()


def bootstrap(
    settings: NotificationsSettings | None = None,
    *,
    transport: Transport | None = None,
    sender_policy: SenderPolicy | None = None,
) -> Notifications:
    settings = settings or NotificationsSettings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    renderer = EmailRenderer(shop_name=settings.shop_name)
    transport = transport or make_transport(
        settings.smtp_url,
        mail_from=settings.mail_from,
        shop_name=settings.shop_name,
        timeout_s=settings.smtp_timeout_s,
    )
    policy = sender_policy or SenderPolicy(
        max_attempts=settings.email_max_attempts, retry_base_s=settings.email_retry_base_s
    )
    sender = EmailSender(engine, sessions, transport, policy)
    router = build_router(sessions, renderer, orders_public_url=settings.orders_public_url)
    runtime = NotificationsRuntime(
        CONSUMER, settings.amqp_url, engine, router=router, sender=sender
    )
    return Notifications(settings, engine, sessions, renderer, sender, router, runtime)
