"""Statements and transactions per order, from PostgreSQL's own statement log.

`ALTER DATABASE <ours> SET log_min_duration_statement = 0` (our four databases only, before
the services connect) makes the server log every statement the services run, with the
database in the line prefix (`%u@%d`). asyncpg uses the extended protocol: one `execute`
entry per statement (a `parse` entry too when the prepared-statement cache misses);
BEGIN/COMMIT and the pool's pre-ping (`;`) are simple queries (`statement:`).
"""

from __future__ import annotations

import glob
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

_ENTRY = re.compile(
    r"^\S+ \S+ \S+ \[(?P<pid>\d+)\] \S*@(?P<db>\S+) LOG:  duration: [\d.]+ ms  "
    r"(?P<kind>statement|execute [^:]*|parse [^:]*|bind [^:]*): (?P<sql>.*)$"
)
_SPACES = re.compile(r"\s+")
_LITERAL_LIST = re.compile(r"\$\d+(?:::[A-Z]+)?(?:, \$\d+(?:::[A-Z]+)?)+")


def server_log() -> Path | None:
    candidates = sorted(glob.glob("/var/log/postgresql/postgresql-*-main.log"))
    for c in reversed(candidates):
        path = Path(c)
        try:
            with path.open("rb"):
                return path
        except OSError:
            continue
    return None


async def enable(conn: asyncpg.Connection, databases: list[str], on: bool) -> None:
    for db in databases:
        if on:
            await conn.execute(f'ALTER DATABASE "{db}" SET log_min_duration_statement = 0')
        else:
            await conn.execute(f'ALTER DATABASE "{db}" RESET log_min_duration_statement')


def normalize(sql: str) -> str:
    sql = _SPACES.sub(" ", sql).strip()
    sql = _LITERAL_LIST.sub("$n, ...", sql)
    return sql[:110]


@dataclass
class DbCensus:
    statements: int = 0  # executed statements (round trips, roughly)
    parses: int = 0  # prepared-statement cache misses (an extra round trip each)
    commits: int = 0
    pings: int = 0  # BEGIN directly followed by ROLLBACK: the pool's pre-ping
    by_statement: Counter[str] = field(default_factory=Counter)


def parse(path: Path, offset: int, databases: dict[str, str]) -> dict[str, DbCensus]:
    """{service: DbCensus} for the log written after `offset`."""
    by_db = {db: service for service, db in databases.items()}
    result = {service: DbCensus() for service in databases}
    with path.open("rb") as f:
        f.seek(offset)
        text = f.read().decode(errors="replace")
    entries: list[tuple[str, str, str, str]] = []
    for line in text.splitlines():
        if line.startswith("\t") and entries:
            db, kind, sql, pid = entries[-1]
            entries[-1] = (db, kind, sql + " " + line.strip(), pid)
            continue
        m = _ENTRY.match(line)
        if m and m.group("db") in by_db:
            entries.append((m.group("db"), m.group("kind"), m.group("sql"), m.group("pid")))
    last: dict[str, str] = {}  # backend pid -> its previous statement
    for db, kind, sql, pid in entries:
        census = result[by_db[db]]
        if kind.startswith("parse"):
            census.parses += 1
            continue
        if kind.startswith("bind"):
            continue
        census.statements += 1
        norm = normalize(sql)
        if norm.upper().startswith("COMMIT"):
            census.commits += 1
        # SQLAlchemy's asyncpg pre-ping is BEGIN; ";" (an empty query, not logged); ROLLBACK.
        if norm.upper().startswith("ROLLBACK") and last.get(pid, "").upper().startswith("BEGIN"):
            census.pings += 1
        last[pid] = norm
        census.by_statement[norm] += 1
    return result
