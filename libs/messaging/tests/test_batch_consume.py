"""Batch consumption (issue 15): messages already waiting are applied in one transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert

from shop_contracts import PaymentFailed
from shop_contracts.envelope import Envelope
from shop_contracts.routing import EVENTS_EXCHANGE, SUBSCRIPTIONS
from shop_kernel.metrics import count_db_statements
from shop_messaging.broker import make_broker, publish_envelope
from shop_messaging.consumer import MessageRouter, PoisonMessageError
from shop_messaging.runtime import MessagingRuntime
from shop_messaging.topology import declare_topology
from shop_testkit.waiting import eventually

from .conftest import effects
from .test_messaging_integration import count_effects, queue_depth


def payment_failed(order_id: uuid.UUID) -> Envelope:
    return PaymentFailed(order_id=order_id, reason="card declined").envelope(
        correlation_id=order_id
    )


async def publish_waiting(amqp_url: str, envelopes: list[Envelope]) -> None:
    """Publish before any consumer runs: the messages wait in the queue together."""
    broker = make_broker(amqp_url)
    await broker.connect()
    try:
        await declare_topology(broker)
        for envelope in envelopes:
            await publish_envelope(
                broker, envelope, exchange_name=EVENTS_EXCHANGE, routing_key=envelope.type
            )
    finally:
        await broker.stop()


def router_with(sessions: Any, *, batch_max: int, poison: uuid.UUID | None = None) -> MessageRouter:
    router = MessageRouter("orders", sessions, batch_max=batch_max)
    order: list[tuple[int, uuid.UUID]] = []  # (the transaction's session, the message)

    @router.on(PaymentFailed)
    async def on_payment_failed(session, payload: PaymentFailed, envelope: Envelope) -> None:  # type: ignore[no-untyped-def]
        if payload.order_id == poison:
            raise PoisonMessageError("never handled")
        # after the statement: a duplicate alone stops at it (its claim rides on it)
        await session.execute(insert(effects).values(order_id=str(payload.order_id)))
        order.append((id(session), payload.order_id))

    router.applied_order = order  # type: ignore[attr-defined]
    return router


async def test_waiting_messages_are_applied_in_batches_once_each(
    engine: Any, sessions: Any, amqp_url: str
) -> None:
    order_ids = [uuid.uuid4() for _ in range(24)]
    envelopes = [payment_failed(o) for o in order_ids]
    duplicate = envelopes[3]
    await publish_waiting(amqp_url, [*envelopes[:10], duplicate, *envelopes[10:], duplicate])
    router = router_with(sessions, batch_max=16)
    runtime = MessagingRuntime("orders", amqp_url, engine, router=router)
    await runtime.start()
    try:

        async def all_applied() -> bool:
            return all([await count_effects(sessions, o) == 1 for o in order_ids])

        await eventually(all_applied, timeout=30, what="every message applied")

        async def drained() -> bool:
            return await queue_depth(amqp_url, "shop.orders") == 0

        await eventually(drained, timeout=10, what="every message acknowledged")
        assert all([await count_effects(sessions, o) == 1 for o in order_ids]), "once each"
        assert router.batches >= 1, "they were waiting together: at least one batch"
        assert router.batch_failures == 0
        applied: list[tuple[int, uuid.UUID]] = router.applied_order  # type: ignore[attr-defined]
        assert sorted(o for _, o in applied) == sorted(order_ids)
        for transaction in {t for t, _ in applied}:  # batches run side by side, each in order
            in_it = [o for t, o in applied if t == transaction]
            assert in_it == sorted(in_it, key=order_ids.index), "a batch's effects in arrival order"
    finally:
        await runtime.stop()


async def test_a_poison_message_in_a_batch_is_dead_lettered_alone(
    engine: Any, sessions: Any, amqp_url: str
) -> None:
    order_ids = [uuid.uuid4() for _ in range(8)]
    poison = order_ids[4]
    await publish_waiting(amqp_url, [payment_failed(o) for o in order_ids])
    router = router_with(sessions, batch_max=16, poison=poison)
    runtime = MessagingRuntime("orders", amqp_url, engine, router=router)
    await runtime.start()
    try:
        good = [o for o in order_ids if o != poison]

        async def applied() -> bool:
            return all([await count_effects(sessions, o) == 1 for o in good])

        await eventually(applied, timeout=30, what="the good messages applied")
        dlq = SUBSCRIPTIONS["orders"].dead_letter_queue

        async def dead_lettered() -> bool:
            return await queue_depth(amqp_url, dlq) == 1

        await eventually(dead_lettered, timeout=30, what="the poison message in the DLQ")
        assert await count_effects(sessions, poison) == 0
        assert router.batch_failures >= 1, "the batch failed and was replayed one at a time"
        assert all([await count_effects(sessions, o) == 1 for o in good]), "once each"
    finally:
        await runtime.stop()


async def test_a_batch_costs_fewer_statements_and_commits_than_one_message_each(
    engine: Any, sessions: Any, amqp_url: str
) -> None:
    """The measurement behind docs/performance.md ("Lean hot path"): 16 waiting messages."""
    from prometheus_client import CollectorRegistry

    figures: dict[int, tuple[int, int]] = {}
    for batch_max in (0, 16):
        order_ids = [uuid.uuid4() for _ in range(16)]
        await publish_waiting(amqp_url, [payment_failed(o) for o in order_ids])
        router = router_with(sessions, batch_max=batch_max)
        runtime = MessagingRuntime("orders", amqp_url, engine, router=router)
        counter = count_db_statements(engine, CollectorRegistry())
        await runtime.start()
        try:

            async def applied(ids: list[uuid.UUID] = order_ids) -> bool:
                return all([await count_effects(sessions, o) == 1 for o in ids])

            await eventually(applied, timeout=30, what="applied")
            await runtime.publisher.stop()
            await runtime.relay.stop()
            # the counting engine also ran count_effects' reads: count them out
            figures[batch_max] = (counter.statements, counter.commits)
        finally:
            await runtime.stop()
    print(f"\n16 waiting messages, (statements, commits) incl. polls: {figures}")
    assert figures[16][1] < figures[0][1]
