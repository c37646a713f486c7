"""The whole path on real RabbitMQ, PostgreSQL and SMTP: message in, email out, EmailSent out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aio_pika
import pytest

from shop_contracts.routing import EVENTS_EXCHANGE, SUBSCRIPTIONS
from shop_messaging.broker import make_broker, publish_envelope
from shop_messaging.topology import declare_topology
from shop_testkit.smtp import SmtpServer
from shop_testkit.vhosts import create_vhost, delete_vhost
from shop_testkit.waiting import eventually

from ..factories import SELLER, order_placed, wrap
from .conftest import MakeService


@pytest.fixture
async def amqp_url() -> AsyncIterator[str]:
    name, url = await create_vhost("shop-notifications-test")
    yield url
    await delete_vhost(name)


async def test_an_order_placed_on_the_broker_emails_the_seller_and_reports_it(
    make_service: MakeService, smtp: SmtpServer, amqp_url: str
) -> None:
    publisher = make_broker(amqp_url)
    await publisher.connect()
    await declare_topology(publisher)  # every queue, so orders' queue receives email.sent
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

            async def email_sent() -> aio_pika.abc.AbstractIncomingMessage | None:
                return await queue.get(fail=False, timeout=2)

            message = await eventually(email_sent, timeout=15, what="email.sent on shop.orders")
            body = json.loads(message.body)
            assert body["type"] == "email.sent"
            assert body["causation_id"] == str(envelope.event_id)
            assert body["payload"]["to"] == SELLER
            await message.ack()
    finally:
        await service.runtime.stop()
        await service.sender.stop()
        await publisher.stop()
