"""Notifications alone: the CPU, statements and commits one order costs it.

    uv run python benchmarks/notifications_cpu.py [--orders 200] [--runs 3] [--profile]

Drives the service's own code on a throwaway PostgreSQL database (migrated), with the real
invoice PDF (`shop_invoices`) and an SMTP sink in a child process (its CPU is not counted):
per order the messages notifications gets in the shop's flow, each through the consumer's
router (inbox included, no broker): `order.placed` of an agency's order (the shop's "New
order" and a photographer's "your photos sold"), `payment.requested` (the client's "how to
pay"), `order.invoice_issued` (kept) then `delivery.completed` (the delivery email with the
invoice PDF attached); then the sender loop sends the order's 4 emails over its one SMTP
connection and settles them.

Reports, per order (after one warm-up order): process CPU-ms (`time.process_time`, the PDF's
worker thread included) split into handlers and sender, statements and commits (SQLAlchemy's
engine events, as `shop_db_statements_total`/`shop_db_commits_total` count them) and, with
`--profile`, cProfile's top functions by cumulative and by own time. Not a pytest test.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import pstats
import socket
import statistics
import subprocess
import sys
import time
import types
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "services" / "notifications"
# The contract messages' factories, the service's tests' own (a package of no name of ours).
_tests = types.ModuleType("notifications_tests")
_tests.__path__ = [str(SERVICE / "tests")]
sys.modules["notifications_tests"] = _tests

from notifications_tests.agency import agency_order  # type: ignore[import-not-found]  # noqa: E402
from notifications_tests.factories import (  # type: ignore[import-not-found]  # noqa: E402
    delivery_completed,
    invoice_issued,
    payment_requested,
)

from shop_contracts.envelope import Envelope, MessageBody  # noqa: E402
from shop_contracts.events import Invoice  # noqa: E402
from shop_invoices.pdf import render_invoice_pdf  # noqa: E402
from shop_notifications.bootstrap import NotificationsRoot, bootstrap  # noqa: E402
from shop_notifications.config import NotificationsSettings  # noqa: E402
from shop_notifications.mail.sender import SenderPolicy  # noqa: E402
from shop_platform.db import migrate  # noqa: E402
from shop_platform.settings import DEV_ADMIN_TOKEN, DEV_SECRET_KEY  # noqa: E402
from shop_testkit.databases import create_database, remove_database  # noqa: E402
from shop_web import Branding  # noqa: E402
from shop_web.branding import FixedBranding  # noqa: E402

EMAILS_PER_ORDER = 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _smtp_sink(port: int) -> subprocess.Popen[bytes]:
    """aiosmtpd's discarding sink, in its own process (its CPU is not ours)."""
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    sink = subprocess.Popen([*command, "-c", "aiosmtpd.handlers.Sink"])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return sink
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise RuntimeError("the SMTP sink did not start")


def order_messages() -> list[tuple[Envelope, MessageBody]]:
    placed = agency_order()
    # One photographer of the agency; a client of its own (the unvouched emails' hourly limit
    # counts by address).
    client = placed.client.model_copy(update={"email": f"client-{uuid.uuid4().hex}@example.com"})
    placed = placed.model_copy(update={"photographers": placed.photographers[:1], "client": client})
    order_id = placed.order_id
    messages: list[MessageBody] = [
        placed,
        payment_requested(placed),
        invoice_issued(order_id),
        delivery_completed(order_id, forced=False),
    ]
    return [(m.envelope(correlation_id=order_id), m) for m in messages]


class InlinePdf:
    """The real invoice PDF, drawn on the calling thread (for the profile)."""

    async def render(self, invoice: Invoice) -> bytes:
        return render_invoice_pdf(invoice)


@dataclass
class Counts:
    statements: int = 0
    commits: int = 0


@dataclass
class Result:
    handlers_ms: float
    sender_ms: float
    statements: float
    commits: float
    handler_statements: float
    handler_commits: float

    @property
    def total_ms(self) -> float:
        return self.handlers_ms + self.sender_ms


async def _send_all(service: NotificationsRoot) -> int:
    sent = 0
    while count := await service.sender.run_once():
        sent += count
    return sent


async def _one_order(service: NotificationsRoot) -> None:
    for envelope, payload in order_messages():
        assert await service.router.handle(envelope, payload)


async def one_run(
    database_url: str, smtp_url: str, orders: int, profiler: cProfile.Profile | None
) -> Result:
    settings = NotificationsSettings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        smtp_url=smtp_url,
        mail_from="shop@photos.example",
        orders_public_url="http://orders.test",
        admin_token=DEV_ADMIN_TOKEN,
        secret_key=DEV_SECRET_KEY,
    )
    service = bootstrap(
        settings,
        sender_policy=SenderPolicy(),
        branding=FixedBranding(Branding(name="Ana Berg Photography")),
        # Profiled, the PDF is drawn on the loop's thread: cProfile sees one thread only.
        invoice_pdf=InlinePdf() if profiler else None,
    )
    counts = Counts()

    def on_statement(*_: Any) -> None:
        counts.statements += 1

    def on_commit(*_: Any) -> None:
        counts.commits += 1

    sync_engine = service.engine.sync_engine
    try:
        await _one_order(service)  # warm-up: connections, prepared statements, fonts
        assert await _send_all(service) == EMAILS_PER_ORDER
        event.listen(sync_engine, "before_cursor_execute", on_statement)
        event.listen(sync_engine, "commit", on_commit)
        handlers_s = sender_s = 0.0
        handler_counts = Counts()
        for _ in range(orders):
            if profiler:
                profiler.enable()
            before = (counts.statements, counts.commits)
            started = time.process_time()
            await _one_order(service)
            handled = time.process_time()
            handler_counts.statements += counts.statements - before[0]
            handler_counts.commits += counts.commits - before[1]
            sent = await _send_all(service)
            done = time.process_time()
            if profiler:
                profiler.disable()
            assert sent == EMAILS_PER_ORDER, sent
            handlers_s += handled - started
            sender_s += done - handled
        event.remove(sync_engine, "before_cursor_execute", on_statement)
        event.remove(sync_engine, "commit", on_commit)
    finally:
        await service.aclose()
    return Result(
        handlers_ms=handlers_s * 1000 / orders,
        sender_ms=sender_s * 1000 / orders,
        statements=counts.statements / orders,
        commits=counts.commits / orders,
        handler_statements=handler_counts.statements / orders,
        handler_commits=handler_counts.commits / orders,
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the last run")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--only", default="", help="profile: a regex on the functions shown")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger().setLevel(logging.WARNING)
    port = _free_port()
    sink = _smtp_sink(port)
    database_url = await create_database("bench_notifications_cpu")
    # CPU time, not wall time (an idle event loop's poll is not ours).
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    try:
        await asyncio.to_thread(migrate, SERVICE / "alembic.ini", database_url)
        results = []
        for run in range(args.runs):
            last = run == args.runs - 1
            results.append(
                await one_run(
                    database_url,
                    f"smtp://127.0.0.1:{port}",
                    args.orders,
                    profiler if last else None,
                )
            )
    finally:
        await remove_database(database_url)
        sink.terminate()
        sink.wait()
    for i, r in enumerate(results, 1):
        print(
            f"run {i}: {r.total_ms:.1f} CPU-ms/order (handlers {r.handlers_ms:.1f}, "
            f"sender {r.sender_ms:.1f}), {r.statements:.1f} statements ({r.handler_statements:.1f} in handlers), "
            f"{r.commits:.1f} commits ({r.handler_commits:.1f} in handlers)"
        )
    if profiler is not None:
        for sort in ("cumulative", "tottime"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(sort)
            stats.print_stats(*([args.only] if args.only else []), args.top)
            print(out.getvalue())
    median = statistics.median(r.total_ms for r in results)
    print(
        f"notifications_cpu: orders={args.orders} runs={args.runs} median_cpu_ms={median:.1f} "
        f"handlers_ms={statistics.median(r.handlers_ms for r in results):.1f} "
        f"sender_ms={statistics.median(r.sender_ms for r in results):.1f} "
        f"statements={results[-1].statements:.1f} commits={results[-1].commits:.1f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
