"""A private shop for test suites: its own databases, vhost, SMTP server, secrets and ports,
the five services started as processes like `make run`; everything removed afterwards."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from shop_devtools.client import ShopClient
from shop_devtools.config import SERVICES, ShopConfig
from shop_devtools.stack import ShopStack, free_port
from shop_testkit.databases import create_database, remove_database
from shop_testkit.smtp import SmtpServer, SmtpSink
from shop_testkit.vhosts import create_vhost, delete_vhost


@dataclass
class PrivateShop:
    """What a suite's `shop` fixture holds; suites subclass it with their own helpers."""

    stack: ShopStack
    client: ShopClient
    mail: SmtpSink

    @property
    def config(self) -> ShopConfig:
        return self.stack.config

    @property
    def webhook_secret(self) -> str:
        return self.config.stripe_webhook_secret or ""

    @staticmethod
    def new_email(tag: str) -> str:
        """A client address no other test uses."""
        return f"{tag}-{uuid.uuid4().hex[:8]}@client.example.com"


@contextlib.asynccontextmanager
async def private_shop(
    root: Path, prefix: str, seller: str, extra: dict[str, str] | None = None
) -> AsyncIterator[PrivateShop]:
    """`prefix` names the databases, the vhost and the secrets (e.g. "e2e", "hostile");
    `extra`: more environment variables for the services (limits, trusted proxies)."""
    databases: dict[str, str] = {}
    vhost: str | None = None
    with SmtpServer() as smtp:
        try:
            for service in SERVICES:
                databases[service] = await create_database(f"{prefix}_{service}")
            vhost, amqp_url = await create_vhost(prefix)
            config = ShopConfig(
                database_urls=databases,
                ports={s: free_port() for s in SERVICES},
                amqp_url=amqp_url,
                smtp_url=smtp.url,
                seller_email=seller,
                admin_token=f"{prefix}-admin-{uuid.uuid4().hex}",
                secret_key=f"{prefix}-secret-{uuid.uuid4().hex}",
                media_root=root / "media",
                rendition_root=root / "renditions",
                preview_dir=root / "previews",
                stripe_webhook_secret=f"whsec_{prefix}{uuid.uuid4().hex}",
                extra=dict(extra or {}),
            )
            stack = ShopStack(config, log_dir=root / "logs", cwd=root)
            await stack.prepare()
            await stack.start()
            client = ShopClient(config)
            try:
                yield PrivateShop(stack, client, smtp.sink)
            finally:
                await client.aclose()
                await stack.stop()
                print(f"\n{prefix} service logs: {root / 'logs'}")
        finally:
            for url in databases.values():
                with contextlib.suppress(Exception):
                    await remove_database(url)
            if vhost:
                with contextlib.suppress(Exception):
                    await delete_vhost(vhost)


async def dead_letter_one(amqp_url: str) -> str:
    """A payment.failed that orders' consumer rejected: it sits in `shop.orders.dlq` (the
    topology must be declared). Returns its event id."""
    import aio_pika

    from shop_contracts import PaymentFailed
    from shop_contracts.routing import EVENTS_EXCHANGE
    from shop_messaging.broker import make_broker, publish_envelope

    order_id = uuid.uuid4()
    envelope = PaymentFailed(order_id=order_id, reason="declined").envelope(correlation_id=order_id)
    broker = make_broker(amqp_url)
    await broker.connect()
    await publish_envelope(
        broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
    )
    await broker.stop()
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue("shop.orders", passive=True)
        message = await queue.get(timeout=5)
        assert message is not None
        await message.reject(requeue=False)
    return str(envelope.event_id)
