"""The sandbox processor's sessions, each write in its own transaction (a remote API's), a read
outside any (autocommit)."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_payments.db.refunds import record_sandbox_refund
from shop_payments.service.ports import SandboxLine, SandboxRefund, SandboxSession
from shop_platform.fastpath import as_json, raw

_COLUMNS = ("id", "order_id", "number", "amount", "currency", "status", "success_url", "cancel_url")

# Raw statements (shop_platform.fastpath, issue 15): a card payment's checkout, page and Pay.
_NEW_COLUMNS = (*_COLUMNS, "idempotency_key", "lines")
_NAMES = ", ".join(f'"{name}"' for name in _NEW_COLUMNS)
# The session of this key: the new one, or the one created before with the same key.
_CREATE = f"""
WITH created AS (
    INSERT INTO sandbox_checkout_sessions ({_NAMES})
    SELECT {", ".join(f'r."{name}"' for name in _NEW_COLUMNS)}
    FROM jsonb_populate_record(NULL::sandbox_checkout_sessions, $1::jsonb) AS r
    ON CONFLICT (idempotency_key) DO NOTHING RETURNING *)
SELECT * FROM created
UNION ALL
SELECT * FROM sandbox_checkout_sessions WHERE idempotency_key = $2 AND NOT EXISTS (
    SELECT 1 FROM created)
"""  # noqa: S608 - constant names
_BY_KEY = "SELECT * FROM sandbox_checkout_sessions WHERE idempotency_key = $1"
_BY_ID = "SELECT * FROM sandbox_checkout_sessions WHERE id = $1"
_COMPLETE = "UPDATE sandbox_checkout_sessions SET status = 'complete' WHERE id = $1"


def _session(row: Any) -> SandboxSession:
    lines = tuple(SandboxLine(**line) for line in row["lines"] or ())
    return SandboxSession(**{name: row[name] for name in _COLUMNS}, lines=lines)


class SqlSandboxStore:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        reads: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        """`reads`: sessions for `get`, in autocommit (shop_platform.db.autocommit_sessions)."""
        self._sessions = sessions
        self._reads = reads or sessions

    async def create(self, session: SandboxSession, idempotency_key: str) -> SandboxSession:
        values: dict[str, Any] = {name: getattr(session, name) for name in _COLUMNS}
        values["idempotency_key"] = idempotency_key
        values["lines"] = [dataclasses.asdict(line) for line in session.lines]
        async with self._sessions.begin() as db:
            connection = await raw(db)
            row = await connection.fetchrow(_CREATE, as_json(values), idempotency_key)
            if row is None:  # its key's session committed by another while this one waited
                row = await connection.fetchrow(_BY_KEY, idempotency_key)
        assert row is not None
        return _session(row)

    async def get(self, session_id: str) -> SandboxSession | None:
        async with self._reads() as db:
            row = await (await raw(db)).fetchrow(_BY_ID, session_id)
        return _session(row) if row else None

    async def complete(self, session_id: str) -> None:
        async with self._sessions.begin() as db:
            await (await raw(db)).execute(_COMPLETE, session_id)

    async def refund(self, refund: SandboxRefund) -> tuple[SandboxRefund, ...] | None:
        return await record_sandbox_refund(self._sessions, refund)
