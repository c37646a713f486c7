"""The RabbitMQ broker, configured so that no message vanishes silently.

FastStream's defaults are unsafe for us (see ARCHITECTURE.md, known traps): publishes are
transient, have no timeout, and a returned (unroutable) message does not raise.
"""

from __future__ import annotations

from typing import Any

import orjson
from faststream.rabbit import Channel, ExchangeType, RabbitBroker, RabbitExchange

from shop_contracts.envelope import Envelope
from shop_contracts.routing import COMMANDS_EXCHANGE, DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE
from shop_messaging import tracing
from shop_messaging.failover import CONNECT_TIMEOUT_S, FailoverConnection, amqp_urls

PUBLISH_TIMEOUT_S = 10.0


# Each delivered message runs its handler at once (aiormq starts a task per delivery), and each
# handler holds a database connection: keep this below the engine's pool (10 + 5 overflow),
# or a backlog after a restart starves the pool and every handler times out.
DEFAULT_PREFETCH = 8


def make_broker(amqp_url: str, *, prefetch: int = DEFAULT_PREFETCH) -> RabbitBroker:
    """`amqp_url`: one node's URL, or several comma-separated (a cluster, first = preferred):
    then each (re)connection goes to the first node that answers (failover.py)."""
    nodes = amqp_urls(amqp_url)
    broker = RabbitBroker(
        nodes[0],
        default_channel=Channel(
            prefetch_count=prefetch, publisher_confirms=True, on_return_raises=True
        ),
        graceful_timeout=15.0,
        reconnect_interval=2.0,
        # one node that does not answer must not hold up the next one (none by default)
        timeout=CONNECT_TIMEOUT_S if len(nodes) > 1 else None,
        logger=None,
    )
    if len(nodes) > 1:
        # FastStream hands these to aio-pika's connect_robust, whose `connection_class` is
        # the documented way to make the connection of our choice.
        broker._connection_kwargs["connection_class"] = FailoverConnection.factory(nodes)
    return broker


def exchange(name: str) -> RabbitExchange:
    """Our exchanges are all durable topics (the DLX too: routing key = source queue)."""
    return RabbitExchange(name, type=ExchangeType.TOPIC, durable=True)


EXCHANGES = {
    name: exchange(name) for name in (EVENTS_EXCHANGE, COMMANDS_EXCHANGE, DEAD_LETTER_EXCHANGE)
}


async def publish_envelope(
    broker: RabbitBroker, envelope: Envelope, *, exchange_name: str, routing_key: str
) -> None:
    """Persistent, mandatory, confirmed, bounded in time. Raises if the broker refuses it.
    With tracing on, the AMQP headers carry the trace context (`traceparent`)."""
    if not tracing.enabled():
        await _publish(broker, envelope, exchange_name, routing_key, None)
        return
    with tracing.publish_span(envelope.type, exchange_name, routing_key) as headers:
        await _publish(broker, envelope, exchange_name, routing_key, headers)


async def _publish(
    broker: RabbitBroker,
    envelope: Envelope,
    exchange_name: str,
    routing_key: str,
    headers: dict[str, Any] | None,
) -> None:
    await broker.publish(
        orjson.dumps(envelope.model_dump(mode="json")),
        headers=headers or None,
        exchange=EXCHANGES[exchange_name],
        routing_key=routing_key,
        persist=True,
        mandatory=True,
        timeout=PUBLISH_TIMEOUT_S,
        message_id=str(envelope.event_id),
        correlation_id=str(envelope.correlation_id),
        message_type=envelope.type,
        content_type="application/json",
        timestamp=envelope.occurred_at,
    )
