"""`python -m shop_devtools.dlq list | replay <service|queue>` (`make dlq`).

list:   for each service, its dead-letter queue (count; each message's type, event_id, x-death
        reason and count, first queue) and its parked outbox rows (with last_error).
replay: moves the service's DLQ messages back to the exchange they were first published to,
        with their routing key and unchanged message_id (the consumers' inboxes still drop a
        message already applied), and un-parks its outbox rows (the relay publishes them).

It reads the same environment as `make run` (AMQP_URL, <SERVICE>_DATABASE_URL, `.env`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from shop_contracts.routing import SUBSCRIPTIONS
from shop_devtools.config import SERVICES, ShopConfig
from shop_messaging.dead_letters import (  # noqa: F401  (make dlq's names, kept)
    DLQ_BROWSE_LIMIT,
    DeadMessage,
    browse_dlq,
    dead_message,
    replay_dlq,
)


@dataclass
class ParkedRow:
    id: int
    event_id: str
    message_type: str
    attempts: int
    last_error: str


@dataclass
class ServiceReport:
    service: str
    dlq: str
    dead: list[DeadMessage] = field(default_factory=list)
    parked: list[ParkedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _pg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def parked_rows(database_url: str) -> list[ParkedRow]:
    conn = await asyncpg.connect(_pg_dsn(database_url), timeout=10)
    try:
        rows = await conn.fetch(
            "SELECT id, event_id, message_type, attempts, coalesce(last_error, '') AS last_error "
            "FROM outbox WHERE parked_at IS NOT NULL ORDER BY id"
        )
    finally:
        await conn.close()
    return [
        ParkedRow(r["id"], str(r["event_id"]), r["message_type"], r["attempts"], r["last_error"])
        for r in rows
    ]


async def report(config: ShopConfig, services: list[str]) -> list[ServiceReport]:
    reports = []
    for service in services:
        sub = SUBSCRIPTIONS[service]
        r = ServiceReport(service, sub.dead_letter_queue)
        try:
            r.dead = await browse_dlq(config.amqp_url, sub.dead_letter_queue)
        except Exception as exc:
            r.errors.append(f"broker: {exc!r}"[:300])
        try:
            r.parked = await parked_rows(config.database_urls[service])
        except Exception as exc:
            r.errors.append(f"database: {exc!r}"[:300])
        reports.append(r)
    return reports


def format_report(reports: list[ServiceReport]) -> str:
    lines = []
    for r in reports:
        lines.append(
            f"{r.service}: {r.dlq}: {len(r.dead)} messages; parked outbox rows: {len(r.parked)}"
        )
        for d in r.dead:
            lines.append(
                f"  dead  {d.type:<22} {d.event_id}  reason={d.reason} count={d.count} "
                f"first_queue={d.first_queue} route={d.exchange or '(default)'}:{d.routing_key}"
            )
        for p in r.parked:
            lines.append(
                f"  parked #{p.id} {p.message_type:<20} {p.event_id} attempts={p.attempts} "
                f"last_error={p.last_error[:160]!r}"
            )
        for e in r.errors:
            lines.append(f"  (cannot read: {e})")
    return "\n".join(lines)


async def unpark(database_url: str) -> int:
    from shop_messaging.relay import replay_parked
    from shop_platform.db import make_engine

    engine = make_engine(database_url)
    try:
        return await replay_parked(engine)
    finally:
        await engine.dispose()


def _service_of(name: str) -> str:
    for service, sub in SUBSCRIPTIONS.items():
        if name in (service, sub.queue, sub.dead_letter_queue):
            return service
    raise SystemExit(f"unknown service or queue {name!r}; one of {', '.join(SERVICES)}")


async def replay(config: ShopConfig, service: str) -> tuple[int, int]:
    sub = SUBSCRIPTIONS[service]
    moved = await replay_dlq(config.amqp_url, sub.dead_letter_queue)
    unparked = await unpark(config.database_urls[service])
    return moved, unparked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop_devtools.dlq")
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="DLQ messages and parked outbox rows")
    listing.add_argument("service", nargs="?", help="one service (default: all)")
    again = commands.add_parser("replay", help="DLQ back to its exchange; un-park outbox rows")
    again.add_argument("service", help="service, or its queue or DLQ name")
    args = parser.parse_args(argv)

    import os

    from shop_devtools.runner import load_dotenv

    load_dotenv(Path.cwd() / ".env")
    config = ShopConfig.from_environ(os.environ)
    if args.command == "list":
        services = [_service_of(args.service)] if args.service else list(SERVICES)
        print(format_report(asyncio.run(report(config, services))))
        return 0
    service = _service_of(args.service)
    moved, unparked = asyncio.run(replay(config, service))
    print(f"{service}: {moved} DLQ messages replayed, {unparked} outbox rows un-parked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
