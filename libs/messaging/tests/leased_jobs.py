"""A small use of the leased work loop for its tests: `jobs` rows, each with an effect.

The effect is written by `process` in its own transaction, keyed by the job (as an email
keeps its Message-ID and a consumer its inbox row), so doing a job twice has one effect;
`runs` counts how often it was done. `settle` marks jobs done. Hooks let a test block or fail
a job at a chosen point. Run as a script (see `crash_child`) it is a worker to SIGKILL.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_messaging.leased_loop import LeasedWorkLoop, LoopPolicy, claim_statement
from shop_platform.db import make_engine

metadata = MetaData()
jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String, nullable=False),
    Column("claimed_until", DateTime(timezone=True)),
    Column("done_at", DateTime(timezone=True)),
    Column("runs", Integer, nullable=False, server_default="0"),
)
job_effects = Table("job_effects", metadata, Column("job_id", Integer, primary_key=True))
JOBS_CHANNEL = "jobs_ready"

_CLAIM = claim_statement("jobs", ready="done_at IS NULL", order_by="id", returning="id, name")
_EFFECT = text(
    """
    WITH run AS (UPDATE jobs SET runs = runs + 1 WHERE id = :id)
    INSERT INTO job_effects (job_id) VALUES (:id) ON CONFLICT DO NOTHING
    """
)
_DONE = text("UPDATE jobs SET done_at = now(), claimed_until = NULL WHERE id = ANY(:ids)")
_RELEASE = text("UPDATE jobs SET claimed_until = NULL WHERE id = ANY(:ids) AND done_at IS NULL")

Hook = Callable[[Any], Awaitable[None]]


async def _nothing(_: Any) -> None:
    return None


class JobWork:
    def __init__(
        self,
        engine: AsyncEngine,
        *,
        before_effect: Hook = _nothing,
        before_settle: Hook = _nothing,
    ) -> None:
        self.engine = engine
        self.before_effect = before_effect
        self.before_settle = before_settle
        self.processed: list[int] = []
        self.settled: list[list[int]] = []  # one list per settle call
        self.given_back: list[int] = []

    async def claim(self, *, lease_s: float, limit: int) -> Sequence[Any]:
        async with self.engine.begin() as conn:
            return (await conn.execute(_CLAIM, {"lease_s": lease_s, "limit": limit})).all()

    def key(self, item: Any) -> Hashable:
        return int(item.id)

    async def process(self, item: Any) -> str:
        await self.before_effect(item)
        async with self.engine.begin() as conn:
            await conn.execute(_EFFECT, {"id": item.id})
        self.processed.append(item.id)
        return "done"

    async def settle(self, outcomes: Sequence[tuple[Any, str]]) -> None:
        await self.before_settle(outcomes)
        ids = [item.id for item, _ in outcomes]
        async with self.engine.begin() as conn:
            await conn.execute(_DONE, {"ids": ids})
        self.settled.append(ids)

    async def give_back(self, items: Sequence[Any]) -> int:
        ids = [item.id for item in items]
        async with self.engine.begin() as conn:
            result = await conn.execute(_RELEASE, {"ids": ids})
        self.given_back.extend(ids)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def add_jobs(engine: AsyncEngine, count: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(jobs.insert(), [{"name": f"job {n}"} for n in range(count)])


async def job_rows(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        query = text(
            "SELECT j.id, j.runs, j.done_at, j.claimed_until, "
            "j.claimed_until > now() AS leased, e.job_id IS NOT NULL AS effect "
            "FROM jobs j LEFT JOIN job_effects e ON e.job_id = j.id ORDER BY j.id"
        )
        return list((await conn.execute(query)).all())


async def crash_child(database_url: str, crash_point: str, lease_s: float) -> None:
    """A worker that claims, then hangs at `crash_point` ("process": before the effect;
    "settle": after the effect, before the job is marked done) for its parent to SIGKILL."""

    async def hang(_: Any) -> None:
        print(f"hanging at {crash_point}", flush=True)
        await asyncio.sleep(3600)

    engine = make_engine(database_url)
    hooks = {"before_effect" if crash_point == "process" else "before_settle": hang}
    work = JobWork(engine, **hooks)
    loop = LeasedWorkLoop("jobs", work, LoopPolicy(lease_s=lease_s, batch_size=10))
    await loop.run_once()


if __name__ == "__main__":
    asyncio.run(crash_child(sys.argv[1], sys.argv[2], float(sys.argv[3])))
