from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from shop_contracts import MarkOrderPaid, OrderCancelled, OrderPlaced
from shop_contracts.common import ClientContact
from shop_contracts.envelope import Envelope, MessageBody
from shop_messaging.consumer import MessageRouter
from shop_messaging.tables import outbox
from shop_payments.bootstrap import PaymentsRoot, bootstrap
from shop_payments.config import PaymentsSettings
from shop_payments.db.tables import payments, processor_events
from shop_payments.domain.settings import PaymentSettings
from shop_payments.service.payment_page import PageWait
from shop_payments.webhooks.poster import HttpxWebhookPoster
from shop_platform.security import order_access_token
from shop_testkit.admin_sessions import KnownAdminSessions
from shop_testkit.databases import database_at
from shop_web import Branding
from shop_web.branding import FixedBranding

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"
SECRET = "payments-tests-Qm3v8KzR1xT7wLp4NdYh"  # strong: one test runs as production
ADMIN = "payments-admin-Hs9cJ2eVq6TfZb0WrK5u"
PUBLIC = "http://payments.test"
ORDERS_PUBLIC = "http://orders.test"
ADMIN_SESSIONS = KnownAdminSessions()  # orders keeps them in production; not running here
# What orders' GET /api/shop would answer (orders is not running here).
BRANDING = FixedBranding(
    Branding(
        name="Lumen Photo", contact_email="hello@lumen.test", contact_phone="+33 1 23 45 67 89"
    )
)
# The payment page waits for order.placed; shorter here, where it never comes for some tests.
PAGE_WAIT = PageWait(timeout_s=1.0, every_s=0.05)
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what Chromium sends


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with database_at("shop_payments_test", ALEMBIC_INI) as url:
        yield url


def make_settings(database_url: str, **overrides: object) -> PaymentsSettings:
    values: dict[str, object] = {
        "payments_database_url": database_url,
        "secret_key": SECRET,
        "admin_token": ADMIN,
        "payments_public_url": PUBLIC,
        "orders_public_url": ORDERS_PUBLIC,
        "stripe_secret_key": None,
        "stripe_webhook_secret": None,
        "environment": "development",
        **overrides,
    }
    return PaymentsSettings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
async def root(database_url: str) -> AsyncIterator[PaymentsRoot]:
    root = bootstrap(make_settings(database_url), page_wait=PAGE_WAIT)
    app = root.http_app(admin_sessions=ADMIN_SESSIONS, branding=BRANDING)
    # the sandbox's self-POST reaches the app in-process
    root.sandbox.poster = HttpxWebhookPoster(transport=httpx.ASGITransport(app=app))
    root.app = app  # type: ignore[attr-defined]
    yield root
    await root.aclose()


@pytest.fixture(scope="session")
async def client(root: PaymentsRoot) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=root.app)  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        yield client


@pytest.fixture(scope="session")
def router(root: PaymentsRoot) -> MessageRouter:
    return root.router


async def use_settings(
    root: PaymentsRoot, processor: str | None, instructions: str | None = None
) -> None:
    async with root.transaction() as repos:
        await repos.settings.put(PaymentSettings(processor, instructions))  # type: ignore[arg-type]


def token(order_id: uuid.UUID) -> str:
    return order_access_token(SECRET, order_id)


def envelope_of(message: MessageBody, order_id: uuid.UUID) -> Envelope:
    return message.envelope(correlation_id=order_id)


def order_placed(
    order_id: uuid.UUID | None = None,
    *,
    manual_validation: bool = False,
    total: int = 4500,
    currency: str = "EUR",
) -> OrderPlaced:
    order_id = order_id or uuid.uuid4()
    line = {
        "line_id": uuid.uuid4(),
        "media_id": uuid.uuid4(),
        "media_title": "Sunrise",
        "media_kind": "image",
        "media_key": "sunrise.jpg",
        "license_id": uuid.uuid4(),
        "license_name": "Web",
        "price": total,
        "delivery": {"mode": "original"},
    }
    return OrderPlaced.model_validate(
        {
            "order_id": order_id,
            "number": f"N-{str(order_id)[:6]}",
            "placed_at": datetime.now(UTC),
            "client": {
                "name": "Ada Client",
                "email": "ada@example.com",
                "address": {
                    "line1": "1 Rue X",
                    "city": "Paris",
                    "postal_code": "75001",
                    "country": "FR",
                },
            },
            "lines": [line],
            "total": total,
            "currency": currency,
            "manual_validation": manual_validation,
            "seller_email": "seller@example.com",
            "payment_url": f"{PUBLIC}/pay/{order_id}?token={token(order_id)}",
            "order_url": f"{ORDERS_PUBLIC}/orders/{order_id}?token={token(order_id)}",
        }
    )


async def place(router: MessageRouter, **kwargs: object) -> OrderPlaced:
    placed = order_placed(**kwargs)  # type: ignore[arg-type]
    assert await router.handle(envelope_of(placed, placed.order_id), placed)
    return placed


async def send(router: MessageRouter, message: MessageBody, order_id: uuid.UUID) -> bool:
    return await router.handle(envelope_of(message, order_id), message)


async def published(
    root: PaymentsRoot, order_id: uuid.UUID, message_type: str
) -> list[dict[str, object]]:
    """The payloads of the messages of `message_type` in the outbox for this order."""
    async with root.sessions() as session:
        rows = await session.execute(
            select(outbox.c.envelope).where(
                outbox.c.correlation_id == order_id,
                outbox.c.message_type == message_type,
            )
        )
        return [row.envelope["payload"] for row in rows]


async def confirmations(root: PaymentsRoot, order_id: uuid.UUID) -> list[dict[str, object]]:
    return await published(root, order_id, "payment.confirmed")


async def payment_rows(root: PaymentsRoot, order_id: uuid.UUID) -> list[dict[str, object]]:
    async with root.sessions() as session:
        rows = await session.execute(select(payments).where(payments.c.order_id == order_id))
        return [dict(row._mapping) for row in rows]


async def event_rows(root: PaymentsRoot, event_id: str) -> list[dict[str, object]]:
    async with root.sessions() as session:
        rows = await session.execute(
            select(processor_events).where(processor_events.c.event_id == event_id)
        )
        return [dict(row._mapping) for row in rows]


async def request_status(root: PaymentsRoot, order_id: uuid.UUID) -> str | None:
    async with root.transaction() as repos:
        request = await repos.requests.get(order_id)
    return request.status.value if request else None


async def mark_paid(router: MessageRouter, order_id: uuid.UUID, amount: int = 4500) -> bool:
    command = MarkOrderPaid(order_id=order_id, amount=amount, currency="EUR")
    return await send(router, command, order_id)


async def cancel(router: MessageRouter, order_id: uuid.UUID) -> bool:
    client = ClientContact(name="Ada", email="ada@example.com")
    return await send(
        router, OrderCancelled(order_id=order_id, number="N", client=client), order_id
    )
