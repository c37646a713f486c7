"""One real PostgreSQL database per test session (migrated once), emptied between tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from shop_notifications.bootstrap import NotificationsRoot, bootstrap
from shop_notifications.config import NotificationsSettings
from shop_notifications.mail.sender import SenderPolicy
from shop_notifications.service.ports import InvoicePdf
from shop_platform.db import make_engine
from shop_platform.settings import DEV_ADMIN_TOKEN, DEV_SECRET_KEY
from shop_testkit.databases import database_at
from shop_testkit.smtp import SmtpServer
from shop_web import Branding
from shop_web.branding import FixedBranding

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"

MakeService = Callable[..., NotificationsRoot]
# The shop's settings in orders (not running here), as `RemoteBranding` would read them.
SHOP = Branding(
    name="Ana Berg Photography",
    contact_email="ana@photos.example",
    contact_phone="+33 1 23 45 67 89",
)


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    async with database_at("shop_notifications_test", ALEMBIC_INI) as url:
        yield url


@pytest.fixture(autouse=True)
async def _empty_tables(database_url: str) -> AsyncIterator[None]:
    yield
    engine = make_engine(database_url, pool_size=1)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "TRUNCATE emails, email_attachments, invoices, orders, waiting_messages, "
                "outbox, inbox"
            )
        )
    await engine.dispose()


@pytest.fixture
async def make_service(database_url: str) -> AsyncIterator[MakeService]:
    """`make_service(smtp_url=..., max_attempts=...)`: the composition root on the test DB."""
    built: list[NotificationsRoot] = []

    def make(
        smtp_url: str | None = None,
        *,
        amqp_url: str | None = None,
        branding: Branding = SHOP,
        clock: Callable[[], datetime] | None = None,
        invoice_pdf: InvoicePdf | None = None,
        **policy: Any,
    ) -> NotificationsRoot:
        values: dict[str, Any] = {
            "database_url": database_url,
            "smtp_url": smtp_url,
            "mail_from": "shop@photos.example",
            "orders_public_url": "http://orders.test",
            "smtp_timeout_s": 5,
            "admin_token": DEV_ADMIN_TOKEN,
            "secret_key": DEV_SECRET_KEY,
        }
        if amqp_url:
            values["amqp_url"] = amqp_url
        settings = NotificationsSettings(_env_file=None, **values)
        sender_policy = SenderPolicy(**{"retry_base_s": 0, **policy})
        service = bootstrap(
            settings,
            sender_policy=sender_policy,
            branding=FixedBranding(branding),
            clock=clock,
            invoice_pdf=invoice_pdf,
        )
        built.append(service)
        return service

    yield make
    for service in built:
        await service.aclose()


Query = Callable[[str], Awaitable[list[dict[str, object]]]]


@pytest.fixture
async def query(database_url: str) -> AsyncIterator[Query]:
    engine = make_engine(database_url, pool_size=1)

    async def run(sql: str) -> list[dict[str, object]]:
        async with engine.begin() as conn:
            return [dict(r) for r in (await conn.execute(text(sql))).mappings().all()]

    yield run
    await engine.dispose()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server
