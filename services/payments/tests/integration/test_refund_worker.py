"""The refund worker on the leased loop: woken by the recorded refund's NOTIFY, replicas
never ask twice, a processor away is asked again later; migration 0008 down and up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text, update

from shop_payments.db.refunds import REFUNDS_CHANNEL, SqlRefundClaims, sandbox_refunds
from shop_payments.db.refunds import refunds as refunds_table
from shop_payments.service.ports import ProcessorUnavailableError
from shop_payments.service.refunds import RefundWorker, RefundWorkerPolicy
from shop_platform.db import make_engine
from shop_testkit.databases import database_at

from .conftest import ALEMBIC_INI
from .test_refunds import ask, failed, paid_by_sandbox, refund_rows, refunded

pytestmark = pytest.mark.timeout(60)


async def eventually(check: Any, timeout_s: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "not in time"
        await asyncio.sleep(0.05)


def worker_of(root, **policy: Any) -> RefundWorker:
    return RefundWorker(
        root.transaction,
        root.processors,
        SqlRefundClaims(root.engine),
        root.clock,
        RefundWorkerPolicy(**policy) if policy else None,
        listen=(root.engine.url, REFUNDS_CHANNEL),
    )


async def test_a_running_worker_is_woken_by_the_recorded_refund(root, router) -> None:
    placed = await paid_by_sandbox(root, router)
    worker = worker_of(root, poll_interval_s=30.0)  # only NOTIFY can wake it in time
    worker.start()
    try:
        await asyncio.sleep(0.3)  # listening
        await ask(router, placed.order_id, 900)

        async def done() -> bool:
            return len(await refunded(root, placed.order_id)) == 1

        await eventually(done)
    finally:
        await worker.stop()


async def test_two_workers_ask_each_refund_once(root, router) -> None:
    orders = [await paid_by_sandbox(root, router) for _ in range(4)]
    commands = [await ask(router, placed.order_id, 1000) for placed in orders]
    first, second = worker_of(root, batch_size=2), worker_of(root, batch_size=2)
    while sum(await asyncio.gather(first.run_once(), second.run_once())):
        pass
    for placed in orders:
        assert len(await refunded(root, placed.order_id)) == 1
    async with root.sessions() as session:
        made = (
            await session.execute(
                select(sandbox_refunds.c.refund_id).where(
                    sandbox_refunds.c.refund_id.in_([c.refund_id for c in commands])
                )
            )
        ).all()
    assert len(made) == len(commands)


class Away:
    name = "sandbox"

    def __init__(self) -> None:
        self.calls = 0

    async def refund(self, payment, amount, refund_id):
        self.calls += 1
        raise ProcessorUnavailableError("connection refused")


async def test_a_processor_away_is_asked_again_later_then_given_up(root, router) -> None:
    placed = await paid_by_sandbox(root, router)
    command = await ask(router, placed.order_id, 400)
    away = Away()
    worker = worker_of(root, max_attempts=2)
    worker.processors = type(root.processors)(sandbox=away)
    assert await worker.run_once() == 1
    (row,) = await refund_rows(root, placed.order_id)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["retry_at"] is not None
    assert await worker.run_once() == 0  # not before its time
    async with root.sessions.begin() as session:
        await session.execute(
            update(refunds_table)
            .where(refunds_table.c.refund_id == command.refund_id)
            .values(retry_at=text("now() - interval '1 second'"))
        )
    assert await worker.run_once() == 1
    (row,) = await refund_rows(root, placed.order_id)
    assert row["status"] == "failed"
    (refusal,) = await failed(root, placed.order_id)
    assert "could not be reached" in str(refusal["reason"])
    assert away.calls == 2
    assert await refunded(root, placed.order_id) == []


@pytest.fixture
async def fresh_database() -> AsyncIterator[str]:
    async with database_at("shop_payments_refunds_0008", ALEMBIC_INI) as url:
        yield url


def _alembic(url: str, action: str, revision: str) -> None:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    getattr(command, action)(config, revision)


async def test_migration_0008_down_and_up(fresh_database: str) -> None:
    async def tables() -> set[str]:
        engine = make_engine(fresh_database)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                )
                return {row.tablename for row in rows}
        finally:
            await engine.dispose()

    assert {"refunds", "sandbox_refunds"} <= await tables()
    await asyncio.to_thread(_alembic, fresh_database, "downgrade", "0007")
    assert not {"refunds", "sandbox_refunds"} & await tables()
    await asyncio.to_thread(_alembic, fresh_database, "upgrade", "head")
    assert {"refunds", "sandbox_refunds"} <= await tables()
