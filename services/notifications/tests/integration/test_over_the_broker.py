"""The whole path on real RabbitMQ, PostgreSQL and SMTP: message in, email out, and nothing
sent back to orders (no `email.sent` since issue 15: orders asks for an order's emails)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aio_pika
import pytest

from shop_contracts.routing import EVENTS_EXCHANGE, SUBSCRIPTIONS
from shop_messaging.broker import make_broker, publish_envelope
from shop_messaging.topology import declare_topology
from shop_notifications.bootstrap import NotificationsRoot
from shop_testkit.smtp import SmtpServer
from shop_testkit.vhosts import create_vhost, delete_vhost
from shop_testkit.waiting import eventually

from ..factories import SELLER, order_placed, wrap
from .conftest import MakeService


async def _sent(service: NotificationsRoot) -> bool | None:
    return service.sender.stats.delivered == 1 or None


@pytest.fixture
async def amqp_url() -> AsyncIterator[str]:
    name, url = await create_vhost("shop-notifications-test")
    yield url
    await delete_vhost(name)


async def test_an_order_placed_on_the_broker_emails_the_seller_and_tells_no_one(
    make_service: MakeService, smtp: SmtpServer, amqp_url: str
) -> None:
    publisher = make_broker(amqp_url)
    await publisher.connect()
    await declare_topology(publisher)  # every queue: orders' would receive an echo
    service = make_service(smtp.url, amqp_url=amqp_url)
    service.sender.start()
    await service.runtime.start()
    try:
        event = order_placed()
        envelope, _ = wrap(event, event.order_id)
        await publish_envelope(
            publisher, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
        )
        mail = await smtp.sink.wait_for(lambda m: SELLER in m.recipients, timeout=15)
        assert "2026-0042" in mail.subject
        assert (await service.health())["sender"] is True

        connection = await aio_pika.connect(amqp_url)
        async with connection:
            channel = await connection.channel()
            queue = await channel.declare_queue(SUBSCRIPTIONS["orders"].queue, passive=True)

            await eventually(lambda: _sent(service), timeout=15, what="the email settled as sent")
            assert await queue.get(fail=False, timeout=1) is None
    finally:
        await service.runtime.stop()
        await service.sender.stop()
        await publisher.stop()
