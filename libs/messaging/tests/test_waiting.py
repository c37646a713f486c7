"""Messages that arrive before what they refer to are kept and replayed through the same
router, once, in the transaction of the message they waited for."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Column, MetaData, String, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.common import ClientContact
from shop_contracts.envelope import Envelope
from shop_contracts.events import OrderCancelled, OrderValidated
from shop_messaging.consumer import MessageRouter
from shop_messaging.waiting import count_waiting, keep_waiting, waiting_metadata

known = MetaData()
orders_seen = Table("orders_seen", known, Column("order_id", String, primary_key=True))
applied = Table("applied", known, Column("what", String, nullable=False))


@pytest.fixture
async def router(engine, sessions) -> MessageRouter:  # type: ignore[no-untyped-def]
    async with engine.begin() as conn:
        await conn.run_sync(waiting_metadata.create_all)
        await conn.run_sync(known.create_all)
    router = MessageRouter("waiting-test", sessions)

    async def seen(session: AsyncSession, order_id: uuid.UUID) -> bool:
        found = await session.execute(
            select(orders_seen).where(orders_seen.c.order_id == str(order_id))
        )
        return found.first() is not None

    @router.on(OrderValidated)  # plays "the order arrives"
    async def on_validated(session: AsyncSession, msg: OrderValidated, env: Envelope) -> None:
        await session.execute(insert(orders_seen).values(order_id=str(msg.order_id)))
        await session.execute(insert(applied).values(what=f"validated {msg.number}"))
        await router.replay_waiting(session, str(msg.order_id))

    @router.on(OrderCancelled)  # plays "a message about that order"
    async def on_cancelled(session: AsyncSession, msg: OrderCancelled, env: Envelope) -> None:
        if not await seen(session, msg.order_id):
            await keep_waiting(session, router.consumer, str(msg.order_id), env)
            return
        await session.execute(insert(applied).values(what=f"cancelled {msg.reason}"))

    return router


def _messages(order_id: uuid.UUID) -> tuple[Envelope, OrderValidated, Envelope, OrderCancelled]:
    client = ClientContact(name="Ada", email="ada@example.com")
    validated = OrderValidated(
        order_id=order_id,
        number="N1",
        client=client,
        total=100,
        currency="EUR",
        payment_url="http://pay.test/x",
    )
    cancelled = OrderCancelled(order_id=order_id, number="N1", client=client, reason="early")
    return (
        validated.envelope(correlation_id=order_id),
        validated,
        cancelled.envelope(correlation_id=order_id),
        cancelled,
    )


async def _applied(sessions) -> list[str]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return [row.what for row in await session.execute(select(applied))]


async def test_an_early_message_is_kept_and_applied_once_when_its_order_arrives(
    router, sessions
) -> None:
    order_id = uuid.uuid4()
    v_env, validated, c_env, cancelled = _messages(order_id)
    assert await router.handle(c_env, cancelled)  # early: kept, not applied
    assert await _applied(sessions) == []
    async with sessions() as session:
        assert await count_waiting(session, router.consumer, str(order_id)) == 1
    assert not await router.handle(c_env, cancelled)  # a redelivery is a duplicate

    assert await router.handle(v_env, validated)
    assert await _applied(sessions) == ["validated N1", "cancelled early"]
    async with sessions() as session:
        assert await count_waiting(session, router.consumer, str(order_id)) == 0
    assert not await router.handle(v_env, validated)
    assert not await router.handle(c_env, cancelled)
    assert await _applied(sessions) == ["validated N1", "cancelled early"]


async def test_a_crash_while_replaying_keeps_everything_for_the_redelivery(
    router, sessions
) -> None:
    order_id = uuid.uuid4()
    v_env, validated, c_env, cancelled = _messages(order_id)
    await router.handle(c_env, cancelled)
    original = router._handlers[OrderCancelled.TYPE]

    async def crashing(session: AsyncSession, msg: OrderCancelled, env: Envelope) -> None:
        raise RuntimeError("the process died mid-replay")

    router._handlers[OrderCancelled.TYPE] = (OrderCancelled, crashing)
    with pytest.raises(RuntimeError):
        await router.handle(v_env, validated)
    router._handlers[OrderCancelled.TYPE] = original
    assert await _applied(sessions) == []  # the late message's own effect rolled back too
    async with sessions() as session:
        assert await count_waiting(session, router.consumer, str(order_id)) == 1

    assert await router.handle(v_env, validated)  # the broker redelivers it
    assert await _applied(sessions) == ["validated N1", "cancelled early"]
