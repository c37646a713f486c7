"""The composition root: engine, sessions, processors, consumer and HTTP app, wired once.

Tests call `bootstrap()` with their own settings and swap the parts that leave the
process (the sandbox's webhook poster, the Stripe processor, the clock, how long the payment
page waits; the admin sessions and the branding that orders answers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from fastapi import FastAPI

from shop_kernel.root import ServiceRoot
from shop_kernel.unit_of_work import SqlTransaction
from shop_messaging.consumer import MessageRouter
from shop_messaging.runtime import MessagingRuntime
from shop_payments.api.app import create_app
from shop_payments.api.context import PaymentsContext
from shop_payments.config import PaymentsSettings
from shop_payments.consumers.handlers import CONSUMER, build_router
from shop_payments.db.paypal_sandbox import SqlPaypalSandboxStore
from shop_payments.db.refunds import REFUNDS_CHANNEL, SqlRefundClaims
from shop_payments.db.sandbox import SqlSandboxStore
from shop_payments.db.unit_of_work import SqlLook, repositories
from shop_payments.processors.paypal import PaypalProcessor
from shop_payments.processors.paypal_sandbox import PaypalSandboxProcessor
from shop_payments.processors.sandbox import SandboxProcessor
from shop_payments.processors.stripe_processor import StripeProcessor
from shop_payments.service.offer import PaymentOptions
from shop_payments.service.payment_page import PageWait
from shop_payments.service.ports import CardProcessor, Look, ProcessorRegistry, Repositories
from shop_payments.service.refunds import RefundWorker
from shop_payments.service.settings import SettingsPolicy
from shop_payments.webhooks.paypal_api import paypal_client
from shop_payments.webhooks.paypal_verifier import PaypalWebhookVerifier
from shop_payments.webhooks.poster import HttpxWebhookPoster, WebhookPoster
from shop_payments.webhooks.verifier import StripeEventVerifier
from shop_platform.auth import AdminAuth, AdminSessions, RemoteAdminSessions
from shop_platform.db import autocommit_sessions, make_engine, make_session_factory
from shop_platform.security import order_access_token
from shop_web import BrandingSource, RemoteBranding, SiteLinks, Web

SERVICE = CONSUMER
ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True)
class PaymentsRoot(ServiceRoot):
    name: ClassVar[str] = SERVICE
    settings: PaymentsSettings
    transaction: SqlTransaction[Repositories]
    look: Look  # reads outside a transaction (the payment page)
    sandbox: SandboxProcessor  # its hosted page is served only when `processors` offer it
    paypal_sandbox: PaypalSandboxProcessor  # likewise (its approval page)
    paypal_verifier: PaypalWebhookVerifier
    processors: ProcessorRegistry
    policy: SettingsPolicy
    clock: Callable[[], datetime]
    router: MessageRouter
    page_wait: PageWait

    def http_app(
        self,
        admin_sessions: AdminSessions | None = None,
        branding: BrandingSource | None = None,
    ) -> FastAPI:
        """`admin_sessions`: where admin sessions are checked; `branding`: the shop's name and
        contact details (default for both: ask orders, which owns them); tests of this
        service alone hand in their own."""
        settings = self.settings
        sessions = admin_sessions or RemoteAdminSessions(
            settings.orders_public_url, settings.secret_key
        )
        web = Web(
            "shop_payments",
            links=SiteLinks.of(settings),
            branding=branding or RemoteBranding(settings.orders_public_url),
            area="payments",
        )
        context = PaymentsContext(
            settings=settings,
            transaction=self.transaction,
            look=self.look,
            processors=self.processors,
            policy=self.policy,
            clock=self.clock,
            verifier=StripeEventVerifier(settings.webhook_secret, settings.webhook_tolerance_s),
            sandbox=self.sandbox if self.processors.sandbox is not None else None,
            auth=AdminAuth(settings, sessions),
            web=web,
            page_wait=self.page_wait,
            paypal_verifier=self.paypal_verifier,
            paypal_sandbox=(
                self.paypal_sandbox if self.processors.paypal_sandbox is not None else None
            ),
        )
        return create_app(self, context)


def bootstrap(
    settings: PaymentsSettings | None = None,
    *,
    webhook_poster: WebhookPoster | None = None,
    stripe_processor: CardProcessor | None = None,
    paypal_base_url: str | None = None,
    clock: Callable[[], datetime] = utc_now,
    page_wait: PageWait | None = None,
) -> PaymentsRoot:
    settings = settings or PaymentsSettings()
    engine = make_engine(settings.database_url)
    sessions = make_session_factory(engine)
    sandbox = SandboxProcessor(
        SqlSandboxStore(sessions, autocommit_sessions(engine)),
        webhook_poster or HttpxWebhookPoster(),
        public_url=settings.payments_public_url,
        webhook_secret=settings.webhook_secret,
        access_token=lambda order_id: order_access_token(settings.secret_key, order_id),
    )
    paypal_sandbox = PaypalSandboxProcessor(
        SqlPaypalSandboxStore(sessions),
        sandbox.poster,
        public_url=settings.payments_public_url,
        secret=settings.paypal_sandbox_secret,
        access_token=lambda order_id: order_access_token(settings.secret_key, order_id),
    )
    development = settings.environment == "development"
    if stripe_processor is None and settings.stripe_secret_key:
        stripe_processor = StripeProcessor.from_secret_key(settings.stripe_secret_key)
    client = None
    if settings.paypal_client_id and settings.paypal_client_secret:
        # `paypal_base_url`: tests point the SDK at a local stub server
        client = paypal_client(
            settings.paypal_client_id,
            settings.paypal_client_secret,
            settings.paypal_environment,
            base_url=paypal_base_url,
        )
    paypal = (
        PaypalProcessor(
            client,
            public_url=settings.payments_public_url,
            access_token=lambda order_id: order_access_token(settings.secret_key, order_id),
        )
        if client is not None
        else None
    )
    processors = ProcessorRegistry(
        sandbox=sandbox if development else None,
        stripe=stripe_processor,
        paypal=paypal,
        paypal_sandbox=paypal_sandbox if development else None,
    )
    paypal_verifier = PaypalWebhookVerifier(
        client=client,
        webhook_id=settings.paypal_webhook_id,
        sandbox_secret=settings.paypal_sandbox_secret if development else None,
        tolerance_s=settings.webhook_tolerance_s,
    )
    policy = SettingsPolicy(
        stripe_configured=stripe_processor is not None,
        development=development,
        paypal_configured=paypal is not None,
    )
    router = build_router(sessions, repositories, clock, PaymentOptions(processors, policy))
    refunds = RefundWorker(  # asks the processors for the refunds the consumer recorded
        SqlTransaction(sessions, repositories),
        processors,
        SqlRefundClaims(engine),
        clock,
        listen=(engine.url, REFUNDS_CHANNEL),
    )
    return PaymentsRoot(
        settings=settings,
        engine=engine,
        sessions=sessions,
        runtime=MessagingRuntime(SERVICE, settings.amqp_url, engine, router=router),
        workers={"refunds": refunds},
        transaction=SqlTransaction(sessions, repositories),
        look=SqlLook(engine),
        sandbox=sandbox,
        paypal_sandbox=paypal_sandbox,
        paypal_verifier=paypal_verifier,
        processors=processors,
        policy=policy,
        clock=clock,
        router=router,
        page_wait=page_wait or PageWait(),
    )
