"""The composition root: engine, sessions, processors, consumer and HTTP app, wired once.

Tests call `bootstrap()` with their own settings and swap the parts that leave the
process (the sandbox's webhook poster, the Stripe processor).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_messaging.consumer import MessageRouter
from shop_messaging.runtime import MessagingRuntime
from shop_payments.config import PaymentsSettings
from shop_payments.consumers import build_router
from shop_payments.db.repositories import sql_repositories
from shop_payments.db.sandbox import SqlSandboxStore
from shop_payments.processors.base import CardProcessor
from shop_payments.processors.registry import ProcessorRegistry
from shop_payments.processors.sandbox import SandboxProcessor
from shop_payments.processors.stripe_processor import StripeProcessor
from shop_payments.service.ports import Repositories
from shop_payments.service.settings import SettingsPolicy
from shop_payments.webhooks.poster import HttpxWebhookPoster, WebhookPoster
from shop_platform.auth import AdminSessions
from shop_platform.db import make_engine, make_session_factory
from shop_platform.security import order_access_token

SERVICE = "payments"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Container:
    settings: PaymentsSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    sandbox: SandboxProcessor
    processors: ProcessorRegistry
    policy: SettingsPolicy
    clock: Callable[[], datetime]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repositories]:
        """One transaction (committed on success, rolled back on any error)."""
        async with self.sessions.begin() as session:
            yield sql_repositories(session)

    def router(self) -> MessageRouter:
        return build_router(self.sessions, self.clock)

    def runtime(self) -> MessagingRuntime:
        return MessagingRuntime(SERVICE, self.settings.amqp_url, self.engine, router=self.router())

    def http_app(
        self, runtime: MessagingRuntime | None = None, admin_sessions: AdminSessions | None = None
    ) -> FastAPI:
        from shop_payments.api.app import create_app

        return create_app(self, runtime, admin_sessions)

    async def close(self) -> None:
        await self.engine.dispose()


def bootstrap(
    settings: PaymentsSettings | None = None,
    *,
    webhook_poster: WebhookPoster | None = None,
    stripe_processor: CardProcessor | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Container:
    settings = settings or PaymentsSettings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    sandbox = SandboxProcessor(
        SqlSandboxStore(sessions),
        webhook_poster or HttpxWebhookPoster(),
        public_url=settings.payments_public_url,
        webhook_secret=settings.webhook_secret,
        access_token=lambda order_id: order_access_token(settings.secret_key, order_id),
    )
    development = settings.environment == "development"
    if stripe_processor is None and settings.stripe_secret_key:
        stripe_processor = StripeProcessor.from_secret_key(settings.stripe_secret_key)
    return Container(
        settings=settings,
        engine=engine,
        sessions=sessions,
        sandbox=sandbox,
        processors=ProcessorRegistry(
            sandbox=sandbox if development else None, stripe=stripe_processor
        ),
        policy=SettingsPolicy(
            stripe_configured=stripe_processor is not None, development=development
        ),
        clock=clock,
    )
