"""Dead-letter queues, as the operator sees and steers them: `make dlq` (shop_devtools.dlq) and
the admin's System page use this same code.

browse_dlq:   every dead message of a DLQ (type, event_id, x-death reason and count, first
              queue), without taking it;
replay_dlq:   moves them back to the exchange they were first published to, with their routing
              key and unchanged message_id (the consumers' inboxes drop one already applied);
queue_depths: messages and consumers of queues (passive declares: nothing is created).

`amqp_url` is the services' `AMQP_URL`: one node, or a comma-separated list (the first node
that answers is used, failover.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aio_pika
import aio_pika.abc

from shop_messaging.failover import connect_first

DLQ_BROWSE_LIMIT = 1000


@dataclass
class DeadMessage:
    event_id: str
    type: str
    reason: str
    count: int
    first_queue: str
    exchange: str
    routing_key: str


def dead_message(message: aio_pika.abc.AbstractIncomingMessage) -> DeadMessage:
    raw: Any = (message.headers or {}).get("x-death") or []
    deaths: list[Any] = list(raw)
    first: dict[str, Any] = dict(deaths[-1]) if deaths else {}  # the oldest death is last
    latest: dict[str, Any] = dict(deaths[0]) if deaths else {}
    keys = first.get("routing-keys") or [message.routing_key or ""]
    message_type = message.type or ""
    if not message_type:
        try:
            message_type = str(json.loads(message.body).get("type", "?"))
        except Exception:
            message_type = "(not JSON)"
    return DeadMessage(
        event_id=message.message_id or "(none)",
        type=message_type,
        reason=str(latest.get("reason", "?")),
        count=int(sum(int(d.get("count", 1)) for d in deaths) or 0),
        first_queue=str(first.get("queue", "?")),
        exchange=str(first.get("exchange", "")),
        routing_key=str(keys[0] if keys else ""),
    )


async def browse_dlq(amqp_url: str, queue_name: str) -> list[DeadMessage]:
    """Look at every message without taking it: get them all, then give them all back."""
    connection = await connect_first(amqp_url, timeout=10)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(queue_name, passive=True)
        seen: list[DeadMessage] = []
        held: list[aio_pika.abc.AbstractIncomingMessage] = []
        while len(held) < DLQ_BROWSE_LIMIT:
            message = await queue.get(fail=False, timeout=5)
            if message is None:
                break
            held.append(message)
            seen.append(dead_message(message))
        for message in held:
            await message.nack(requeue=True)
        return seen


async def replay_dlq(amqp_url: str, queue_name: str) -> int:
    """Move each dead message back to its first exchange and routing key, unchanged
    (same body, message_id and properties; the x-death history is kept for the record).
    Each is published with confirms and mandatory before it is acked in the DLQ."""
    moved = 0
    connection = await connect_first(amqp_url, timeout=10)
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        queue = await channel.declare_queue(queue_name, passive=True)
        while (message := await queue.get(fail=False, timeout=5)) is not None:
            dead = dead_message(message)
            exchange = (
                await channel.get_exchange(dead.exchange, ensure=False)
                if dead.exchange
                else channel.default_exchange
            )
            routing_key = dead.routing_key or dead.first_queue
            copy = aio_pika.Message(
                message.body,
                headers=dict(message.headers or {}),
                content_type=message.content_type,
                content_encoding=message.content_encoding,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                message_id=message.message_id,
                correlation_id=message.correlation_id,
                type=message.type,
                timestamp=message.timestamp,
                app_id=message.app_id,
            )
            try:
                await exchange.publish(copy, routing_key=routing_key, mandatory=True, timeout=10)
            except Exception:
                await message.nack(requeue=True)
                raise
            await message.ack()
            moved += 1
    return moved


@dataclass(frozen=True)
class QueueDepth:
    name: str
    messages: int | None  # None: the queue could not be read (see error)
    consumers: int | None
    error: str = ""


async def queue_depths(amqp_url: str, names: list[str]) -> list[QueueDepth]:
    """Messages waiting and consumers attached, per queue (a passive declare each: a missing
    queue is reported, never created)."""
    depths: list[QueueDepth] = []
    connection = await connect_first(amqp_url, timeout=5)
    async with connection:
        for name in names:
            channel = await connection.channel()  # a failed passive declare closes its channel
            try:
                queue = await channel.declare_queue(name, passive=True, timeout=5)
                result = queue.declaration_result
                depths.append(QueueDepth(name, result.message_count, result.consumer_count))
            except Exception as exc:
                depths.append(QueueDepth(name, None, None, f"{type(exc).__name__}: {exc}"[:200]))
            finally:
                if not channel.is_closed:
                    await channel.close()
    return depths
