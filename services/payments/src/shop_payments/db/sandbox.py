"""The sandbox processor's sessions, each call in its own transaction (a remote API's)."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_payments.db.refunds import record_sandbox_refund
from shop_payments.db.tables import sandbox_sessions
from shop_payments.service.ports import SandboxLine, SandboxRefund, SandboxSession

_COLUMNS = ("id", "order_id", "number", "amount", "currency", "status", "success_url", "cancel_url")


def _session(row: Any) -> SandboxSession:
    lines = tuple(SandboxLine(**line) for line in row.lines or ())
    return SandboxSession(**{name: getattr(row, name) for name in _COLUMNS}, lines=lines)


class SqlSandboxStore:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def create(self, session: SandboxSession, idempotency_key: str) -> SandboxSession:
        values: dict[str, Any] = {name: getattr(session, name) for name in _COLUMNS}
        values["lines"] = [dataclasses.asdict(line) for line in session.lines]
        async with self._sessions.begin() as db:
            await db.execute(
                pg_insert(sandbox_sessions)
                .values(idempotency_key=idempotency_key, **values)
                .on_conflict_do_nothing(index_elements=[sandbox_sessions.c.idempotency_key])
            )
            row = (
                await db.execute(
                    select(sandbox_sessions).where(
                        sandbox_sessions.c.idempotency_key == idempotency_key
                    )
                )
            ).one()
        return _session(row)

    async def get(self, session_id: str) -> SandboxSession | None:
        async with self._sessions() as db:
            row = (
                await db.execute(
                    select(sandbox_sessions).where(sandbox_sessions.c.id == session_id)
                )
            ).first()
        return _session(row) if row else None

    async def complete(self, session_id: str) -> None:
        async with self._sessions.begin() as db:
            await db.execute(
                update(sandbox_sessions)
                .where(sandbox_sessions.c.id == session_id)
                .values(status="complete")
            )

    async def refund(self, refund: SandboxRefund) -> tuple[SandboxRefund, ...] | None:
        return await record_sandbox_refund(self._sessions, refund)
