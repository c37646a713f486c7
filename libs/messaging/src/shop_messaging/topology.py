"""Exchanges, each service's quorum queue with its dead-letter queue, and the bindings."""

from __future__ import annotations

from typing import Any

from faststream.rabbit import QueueType, RabbitBroker, RabbitQueue

from shop_contracts.routing import (
    DEAD_LETTER_EXCHANGE,
    DELIVERY_LIMIT,
    SUBSCRIPTIONS,
    Subscription,
    exchange_for,
)
from shop_messaging.broker import EXCHANGES


def service_queue(subscription: Subscription) -> RabbitQueue:
    arguments: dict[str, Any] = {
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": subscription.queue,
        # RabbitMQ 3.x has no default limit: without it a poison message loops for ever.
        "x-delivery-limit": DELIVERY_LIMIT,
        # at-least-once dead-lettering needs reject-publish overflow; it never drops.
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }
    # QuorumQueueArgs is a TypedDict without the dead-letter strategy keys: pass a plain dict.
    return RabbitQueue(subscription.queue, QueueType.QUORUM, arguments=arguments)  # type: ignore[call-overload,no-any-return]


def dead_letter_queue(subscription: Subscription) -> RabbitQueue:
    return RabbitQueue(subscription.dead_letter_queue, QueueType.QUORUM)


async def declare_topology(broker: RabbitBroker, service: str | None = None) -> None:
    """Declare everything (idempotent); with `service`, only that service's queues."""
    declared = {name: await broker.declare_exchange(ex) for name, ex in EXCHANGES.items()}
    subs = [SUBSCRIPTIONS[service]] if service else list(SUBSCRIPTIONS.values())
    for sub in subs:
        queue = await broker.declare_queue(service_queue(sub))
        for message in sub.messages:
            await queue.bind(declared[exchange_for(message)], routing_key=message.TYPE)
        dlq = await broker.declare_queue(dead_letter_queue(sub))
        await dlq.bind(declared[DEAD_LETTER_EXCHANGE], routing_key=sub.queue)
