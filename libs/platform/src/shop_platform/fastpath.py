"""Raw asyncpg statements on a session's own connection and transaction: the hot path (issue 15).

SQLAlchemy costs ~1.1 ms of CPU per transaction and ~0.55 ms per further statement where
asyncpg alone costs ~0.36 and ~0.13 (benchmarks/pipeline, "floor"). The order flow's hottest
statements therefore go to asyncpg directly, while the transaction stays the session's: what
the kernel consumer, the inbox, the order's lock and the outbox arranged on the session (the
commit, `after_commit`'s publish, the rollback) is untouched. `raw(session)`:

- begins the transaction if SQLAlchemy has not yet. Its asyncpg adapter sends BEGIN lazily,
  with the first SQLAlchemy statement: a raw statement before that would run in autocommit,
  outside the session's transaction.
- runs the hooks registered with `before_raw_statements` first (the messaging library's: the
  message's deferred inbox claim, which raw statements would otherwise pass by, since they
  bypass the session's `do_orm_execute` event).
- counts each statement as SQLAlchemy's own: the engine's `before_cursor_execute` event is
  fired with the SQL, so `shop_db_statements_total` (the statement budget) and every other
  listener see one round trip per raw statement too.
- runs each statement prepared: asyncpg's statement cache keeps one prepared statement per SQL
  text and connection (the pool keeps its connections, so each is prepared once per
  connection; no pgbouncer in between). SQLAlchemy's own `prepared_statement_cache` is a
  different cache and unaffected.
- reports a failure as SQLAlchemy does (`sqlalchemy.exc.DBAPIError` and its subclasses,
  `connection_invalidated` when the connection was lost), so the callers' error handling and
  `db.database_unavailable` see no difference.

Statements are written with asyncpg's `$1, $2` placeholders; values go as asyncpg takes them
(jsonb as text: SQLAlchemy's codecs for json and jsonb are installed on every connection).
Rows to write to several tables at once go as one jsonb parameter each (`as_json`), read back
by `jsonb_populate_record(NULL::<table>, $n)` / `jsonb_populate_recordset`: one statement with
a CTE per table, one round trip.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ClauseElement

RawHook = Callable[[AsyncSession, "RawConnection"], Awaitable[None]]

_hooks: list[RawHook] = []


def before_raw_statements(hook: RawHook) -> RawHook:
    """Register `hook`, awaited by `raw(session)` before it hands the connection out (every
    time: a hook must do its work once per transaction itself, e.g. by taking it off the
    session's `info`). Usable as a decorator."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]


class Compiled:
    """A SQLAlchemy Core statement compiled once (at import) to asyncpg's SQL, to run raw:
    `db.fetch(c.sql, *c.args(order_id=...))`. Its result columns are named as SQLAlchemy
    names them (labels included)."""

    __slots__ = ("_defaults", "names", "sql")

    def __init__(self, statement: ClauseElement) -> None:
        compiled = statement.compile(dialect=_DIALECT)
        self.sql = str(compiled)
        self.names: tuple[str, ...] = tuple(getattr(compiled, "positiontup", None) or ())
        self._defaults = compiled.params  # values bound in the statement itself

    def args(self, **params: Any) -> list[Any]:
        return [params[n] if n in params else self._defaults[n] for n in self.names]


def _json_default(value: Any) -> Any:
    if isinstance(value, uuid.UUID):  # asyncpg's own UUID type, which orjson does not know
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, frozenset | set | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def as_json(value: Any) -> str:
    """`value` (a row's dict, or a list of them) as a JSON text parameter for
    `jsonb_populate_record(set)`: UUIDs as text, datetimes in ISO 8601 (a naive one read as
    UTC, as asyncpg reads it), enums as their values, Decimals as exact text."""
    options = orjson.OPT_NAIVE_UTC | orjson.OPT_NON_STR_KEYS  # keys as json.dumps writes them
    return orjson.dumps(value, default=_json_default, option=options).decode()


def column_list(columns: Sequence[str], prefix: str = "") -> str:
    """The columns quoted and comma-separated, each after `prefix` (`r.` for a source's)."""
    return ", ".join(f'{prefix}"{name}"' for name in columns)


def insert_rows_from(table: str, columns: Sequence[str], source: str, tail: str = "") -> str:
    """`INSERT INTO table (columns) SELECT r.columns FROM source AS r tail`: the rows of a
    jsonb parameter (`source`: `jsonb_populate_record(set)(NULL::<table>, $n::jsonb)`), every
    column named, so none is left to a default; `tail` adds WHERE, ON CONFLICT, RETURNING."""
    return (
        f"INSERT INTO {table} ({column_list(columns)}) "  # noqa: S608 - names, not values
        f"SELECT {column_list(columns, 'r.')} FROM {source} AS r {tail}"
    )


class RawConnection:
    """The session's asyncpg connection, inside its transaction; statements counted."""

    __slots__ = ("_adapted", "_sync", "driver")

    def __init__(self, sync: Connection, adapted: Any, driver: asyncpg.Connection) -> None:
        self._sync = sync
        self._adapted = adapted
        self.driver = driver  # the asyncpg connection itself: uncounted, use with care

    def _count(self, sql: str, args: Sequence[Any]) -> None:
        conn = self._sync
        if conn._has_events or conn.engine._has_events:
            conn.dispatch.before_cursor_execute(conn, None, sql, args, None, False)

    async def _run(
        self, call: Callable[..., Awaitable[Any]], sql: str, args: Sequence[Any], *more: Any
    ) -> Any:
        """`call(sql, *more)` on the driver, counted, its failure as SQLAlchemy's."""
        self._count(sql, args)
        try:
            return await call(sql, *more)
        except Exception as error:
            raise self._translated(error, sql, args) from error

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        rows: list[asyncpg.Record] = await self._run(self.driver.fetch, sql, args, *args)
        return rows

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        row: asyncpg.Record | None = await self._run(self.driver.fetchrow, sql, args, *args)
        return row

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self._run(self.driver.fetchval, sql, args, *args)

    async def execute(self, sql: str, *args: Any) -> str:
        """The statement's status ("UPDATE 1"); `args` bound as in `fetch` (prepared)."""
        status: str = await self._run(self.driver.execute, sql, args, *args)
        return status

    async def executemany(self, sql: str, args: Sequence[Sequence[Any]]) -> None:
        """One statement, many parameter sets, in one round trip (counted once, as
        SQLAlchemy's `executemany` is)."""
        await self._run(self.driver.executemany, sql, args, args)

    def _translated(self, error: Exception, sql: str, args: Sequence[Any]) -> Exception:
        """`error` as SQLAlchemy would have raised it for this statement."""
        dialect = self._sync.dialect
        try:
            self._adapted._handle_exception(error)  # raises the dialect's DBAPI error
        except Exception as dbapi_error:
            closed = dialect.is_disconnect(dbapi_error, self._adapted, None)  # type: ignore[arg-type]
            invalidated = bool(closed)
            return DBAPIError.instance(
                sql,
                list(args),
                dbapi_error,
                dialect.loaded_dbapi.Error,
                connection_invalidated=invalidated,
                dialect=dialect,
            )
        return error  # pragma: no cover - _handle_exception always raises


async def raw(session: AsyncSession) -> RawConnection:
    """The session's asyncpg connection, its transaction begun and the registered hooks (the
    deferred inbox claim) run: statements on it are the session's, committed or rolled back
    with it."""
    connection = await session.connection()
    fairy = await connection.get_raw_connection()
    adapted: Any = fairy.dbapi_connection
    if adapted._transaction is None and not adapted.autocommit:
        async with adapted._execute_mutex:
            if adapted._transaction is None:
                await adapted._start_transaction()
    handle = RawConnection(connection.sync_connection, adapted, fairy.driver_connection)  # type: ignore[arg-type]
    for hook in _hooks:
        await hook(session, handle)
    return handle
