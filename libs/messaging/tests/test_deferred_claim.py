"""The inbox claim rides on the handler's first statement (issue 15): with the order's lock
when the handler takes it first, else just before its first statement, else at its end."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from prometheus_client import CollectorRegistry
from sqlalchemy import func, insert, select

from shop_contracts import PaymentFailed
from shop_contracts.envelope import Envelope
from shop_kernel.metrics import count_db_statements
from shop_messaging.consumer import MessageRouter
from shop_messaging.locks import lock_order
from shop_messaging.tables import inbox

from .conftest import effects
from .test_messaging_integration import count_effects


def payment_failed(order_id: uuid.UUID) -> tuple[Envelope, PaymentFailed]:
    payload = PaymentFailed(order_id=order_id, reason="card declined")
    return payload.envelope(correlation_id=order_id), payload


async def inbox_rows(sessions: Any) -> int:
    async with sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(inbox)) or 0)


async def test_a_handler_that_locks_first_claims_with_its_lock_in_one_statement(
    engine: Any, sessions: Any
) -> None:
    router = MessageRouter("orders", sessions)

    @router.on(PaymentFailed)
    async def locks_first(session, payload: PaymentFailed, envelope: Envelope) -> None:  # type: ignore[no-untyped-def]
        await lock_order(session, "orders", payload.order_id)
        await lock_order(session, "orders", payload.order_id)  # held: no second round trip
        await session.execute(insert(effects).values(order_id=str(payload.order_id)))

    counter = count_db_statements(engine, CollectorRegistry())
    order_id = uuid.uuid4()
    envelope, payload = payment_failed(order_id)
    assert await router.handle(envelope, payload) is True
    assert (counter.statements, counter.commits) == (2, 1), "claim+lock, the effect; one commit"
    assert await router.handle(envelope, payload) is False, "the duplicate"
    assert counter.commits == 1, "a duplicate rolls back"
    assert await count_effects(sessions, order_id) == 1
    assert await inbox_rows(sessions) == 1


async def test_a_handler_that_does_not_lock_first_is_claimed_before_its_first_statement(
    engine: Any, sessions: Any
) -> None:
    router = MessageRouter("orders", sessions)
    seen: list[int] = []

    @router.on(PaymentFailed)
    async def reads_first(session, payload: PaymentFailed, envelope: Envelope) -> None:  # type: ignore[no-untyped-def]
        seen.append(int(await session.scalar(select(func.count()).select_from(inbox)) or 0))
        await session.execute(insert(effects).values(order_id=str(payload.order_id)))

    order_id = uuid.uuid4()
    envelope, payload = payment_failed(order_id)
    assert await router.handle(envelope, payload) is True
    assert seen == [1], "the claim ran before the handler's first statement"
    assert await router.handle(envelope, payload) is False
    assert seen == [1], "a duplicate stops at its first statement"
    assert await count_effects(sessions, order_id) == 1


async def test_a_handler_without_statements_or_that_swallows_the_duplicate_is_still_once(
    engine: Any, sessions: Any
) -> None:
    router = MessageRouter("orders", sessions)
    calls: list[str] = []

    @router.on(PaymentFailed)
    async def odd(session, payload: PaymentFailed, envelope: Envelope) -> None:  # type: ignore[no-untyped-def]
        calls.append("called")
        if payload.reason == "swallow":
            with contextlib.suppress(Exception):
                await lock_order(session, "orders", payload.order_id)
            await session.execute(insert(effects).values(order_id=str(payload.order_id)))

    silent, silent_payload = payment_failed(uuid.uuid4())
    assert await router.handle(silent, silent_payload) is True
    assert await router.handle(silent, silent_payload) is False, "claimed at the end"
    order_id = uuid.uuid4()
    swallow_payload = PaymentFailed(order_id=order_id, reason="swallow")
    swallow = swallow_payload.envelope(correlation_id=order_id)
    assert await router.handle(swallow, swallow_payload) is True
    assert await router.handle(swallow, swallow_payload) is False, "remembered, rolled back"
    assert await count_effects(sessions, order_id) == 1
    assert await inbox_rows(sessions) == 2
