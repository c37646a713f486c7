"""One service process: its HTTP app, its consumer and its outbox relay, started together.

The HTTP app and the consumer are built by separate factories over the service's composition
root (FastStream's FastAPI plugin is deprecated); this module only runs them side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import structlog
import uvicorn
from faststream.middlewares import AckPolicy
from faststream.rabbit import RabbitBroker
from faststream.rabbit.annotations import RabbitMessage
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_contracts.envelope import Envelope
from shop_contracts.routing import SUBSCRIPTIONS
from shop_messaging import tracing
from shop_messaging.broker import DEFAULT_PREFETCH, make_broker, publish_envelope
from shop_messaging.consumer import MessageRouter
from shop_messaging.inbox_purge import DEFAULT_INBOX_RETENTION, InboxPurger
from shop_messaging.metrics import ServiceMetrics
from shop_messaging.outbox import OutboxPublisher
from shop_messaging.relay import OutboxRelay
from shop_messaging.topology import declare_topology, service_queue
from shop_platform.http_server import server_limits

log = structlog.get_logger()


@dataclass
class MessagingRuntime:
    """Broker connection, the service's subscriber, its relay and (with a subscriber) the
    purge of inbox rows older than `inbox_retention` (`inbox_purge.py`)."""

    service: str
    amqp_url: str
    engine: AsyncEngine
    router: MessageRouter | None = None
    prefetch: int = DEFAULT_PREFETCH
    inbox_retention: timedelta = DEFAULT_INBOX_RETENTION
    broker: RabbitBroker = field(init=False)
    relay: OutboxRelay = field(init=False)
    publisher: OutboxPublisher = field(init=False)
    inbox_purger: InboxPurger = field(init=False)
    started: bool = field(default=False, init=False)
    subscriber: Any = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.broker = make_broker(self.amqp_url, prefetch=self.prefetch)
        self.relay = OutboxRelay(self.engine, self._publish, broker_up=self.broker_connected)
        # The writers' own publishes (outbox.py); the relay sweeps what they leave.
        self.publisher = OutboxPublisher(self.engine, self._publish)
        self.inbox_purger = InboxPurger(self.engine, retention=self.inbox_retention)
        if self.router is not None:
            router = self.router
            queue = service_queue(SUBSCRIPTIONS[self.service])

            subscriber = self.broker.subscriber(queue, ack_policy=AckPolicy.NACK_ON_ERROR)

            if tracing.enabled():  # the handler continues the trace of the AMQP headers

                @subscriber
                async def on_traced_message(body: Any, message: RabbitMessage) -> None:
                    await router.handle_raw(body, headers=message.headers)

            else:

                @subscriber
                async def on_message(body: Any) -> None:
                    await router.handle_raw(body)

            self.subscriber = subscriber

    async def _publish(self, envelope: Envelope, exchange: str, routing_key: str) -> None:
        await publish_envelope(
            self.broker, envelope, exchange_name=exchange, routing_key=routing_key
        )

    def bind_metrics(self, metrics: ServiceMetrics) -> None:
        """`shop_outbox_published_total{by="writer"|"relay"}`: who published the outbox rows
        (the writers right after their commits; the relay sweeps what they left), and
        `shop_consume_batches_total{outcome}` (consumer.py's batch consumption)."""
        metrics.registry.register(_PublishedCollector(self))

    async def broker_connected(self) -> bool:
        """The broker connection is open right now (FastStream's ping, without waiting for a
        reconnection): the relay asks it to tell an outage from a message that fails."""
        return await self.broker.ping(timeout=0.01)

    async def start(self) -> None:
        await self.broker.connect()
        # The whole topology, not only our queue: a publish must find every route even when
        # the consuming service has not started yet (else NO_ROUTE, backoff, parking).
        await declare_topology(self.broker)
        await self.broker.start()
        self.publisher.start()
        self.relay.start()
        if self.router is not None:  # only a consumer writes inbox rows
            self.inbox_purger.start()
        self.started = True
        log.info("service.messaging_started", service=self.service)

    async def stop(self) -> None:
        """Graceful: the relay finishes its current batch; the consumer stops taking messages,
        lets the handlers in flight finish (graceful_timeout) and closes its channel, which
        returns the messages it had prefetched but not started to the queue."""
        await self.inbox_purger.stop()
        await self.publisher.stop()  # later commits' rows wait for the relay (next start)
        await self.relay.stop()
        await self.broker.stop()  # waits for in-flight handlers (graceful_timeout)
        self.started = False

    async def health(self) -> dict[str, bool]:
        checks = {"database": False, "broker": False, "relay": self.relay.running}
        with contextlib.suppress(Exception):
            async with self.engine.connect() as conn:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), timeout=2)
            checks["database"] = True
        with contextlib.suppress(Exception):
            checks["broker"] = self.started and await self.broker.ping(timeout=2)
        if self.router is not None:
            checks["consumer"] = checks["broker"] and await self.consumer_ok()
        return checks

    async def consumer_ok(self, timeout: float = 2.0) -> bool:
        """This process consumes its queue right now.

        aio-pika restores consumers after a reconnection, but not always (aio-pika #231,
        FastStream #2758): check that our consumer tag is registered on the subscriber's open
        channel (the tag is only added there once the broker answered ConsumeOk, and removed
        when the broker cancels it), and that the broker counts at least one consumer on the
        queue (asked on a separate channel: a failed passive declare closes its channel).
        """
        try:
            return await asyncio.wait_for(self._consumer_ok(), timeout)
        except Exception:
            return False

    async def _consumer_ok(self) -> bool:
        sub = self.subscriber
        queue = getattr(sub, "_queue_obj", None)
        tag = getattr(sub, "_consumer_tag", None)
        if sub is None or not getattr(sub, "running", False) or queue is None or tag is None:
            return False
        channel = queue.channel
        if channel.is_closed:
            return False
        underlay = await channel.get_underlay_channel()
        if underlay.is_closed or tag not in underlay.consumers:
            return False
        connection = underlay.connection
        probe = await connection.channel()
        try:
            declared = await probe.queue_declare(queue.name, passive=True)
        finally:
            with contextlib.suppress(Exception):
                await probe.close()
        return int(declared.consumer_count or 0) >= 1


class _PublishedCollector(Collector):
    def __init__(self, runtime: MessagingRuntime) -> None:
        self._runtime = runtime

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "shop_outbox_published",
            "Outbox rows published, by who: the writer after its commit, or the relay.",
            labels=["by"],
        )
        family.add_metric(["writer"], self._runtime.publisher.published)
        family.add_metric(["relay"], self._runtime.relay.stats.published)
        yield family
        router = self._runtime.router
        if router is not None:
            batches = CounterMetricFamily(
                "shop_consume_batches",
                "Batches of waiting messages applied in one transaction (committed), or rolled "
                "back and replayed one message at a time (replayed).",
                labels=["outcome"],
            )
            batches.add_metric(["committed"], router.batches)
            batches.add_metric(["replayed"], router.batch_failures)
            yield batches


async def serve(
    http_app: Any, port: int, runtime: MessagingRuntime, host: str = "127.0.0.1"
) -> None:
    """Run the HTTP server and the messaging runtime until SIGTERM/SIGINT."""
    config = uvicorn.Config(
        http_app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=10,
        **server_limits(),  # header size and count, read timeouts, connection cap
    )
    server = uvicorn.Server(config)
    # uvicorn handles SIGTERM/SIGINT itself, then re-raises the signal under the handler it
    # found once HTTP is down: with the default one the process dies before the consumer and
    # the relay stop. A no-op Python handler makes that second signal harmless.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    starter = asyncio.create_task(_start_with_retry(runtime))
    try:
        await server.serve()  # returns on SIGTERM/SIGINT
    finally:
        starter.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await starter
        await runtime.stop()


async def _start_with_retry(runtime: MessagingRuntime) -> None:
    """The broker may come up after us: keep trying; /health answers 503 meanwhile."""
    delay = 0.5
    while True:
        try:
            await runtime.start()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("service.broker_unavailable", error=repr(exc)[:300])
            with contextlib.suppress(Exception):
                await runtime.broker.stop()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
