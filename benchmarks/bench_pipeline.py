"""Pipeline benchmark: orders per second through the whole flow, against the raw limits.

    uv run python benchmarks/bench_pipeline.py [--quick] [--rates 10,25,50] [--step-seconds 20]
                                               [--no-profile] [--no-census] [--snapshot REV]

1. The limits: raw RabbitMQ (persistent, confirmed publishes + acked consumes, aio-pika) and
   raw PostgreSQL (single-row committed INSERTs, asyncpg) at a few concurrency levels.
2. A private shop (own databases, vhost, SMTP sink, ports; the five services as processes via
   shop_devtools.ShopStack), warmed up.
3. (full mode) A statement census at 20 orders/s with PostgreSQL's statement log on our
   databases: statements, commits and prepared-statement misses per order and per service.
4. Open-loop steps at rising rates (order i sent at t0 + i/rate, whatever the answers), each
   order paid (half by the sandbox's signed webhook, half by Mark as paid). Per step: accepted
   orders/s; placed->paid and placed->delivered from the orders service's history timestamps
   (`order_history.at` of `placed`, `paid`, `delivered`: server clock, written when orders
   applies each event); placed->delivery email arrival at the SMTP sink; errors; queue depths
   and outbox rows when the last order has been answered; seconds to drain; CPU seconds and
   peak RSS per process. The steps stop rising after the first rate that does not drain.
5. (full mode) py-spy on each service for 15 s at the highest rate that drained, and at the
   same time `perf record -a` (when perf is installed): the whole machine's CPU per order by
   process (the services, PostgreSQL, RabbitMQ) and by what runs (interpreter, kernel, ...).

Sustained = the highest rate that drained its backlog within 5 s of the end of the step, with
no errors, >= 95% of the rate accepted, and p99 placed->delivered under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from pipeline.snapshot import reexec_with_snapshot  # noqa: E402

FULL_RATES = "5,10,15,20,25,30,35,40,50,100,200,300"
QUICK_RATES = "10,20,40"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="short run (< 90 s): 3 short steps, no census, no profile",
    )
    p.add_argument(
        "--rates",
        help="comma-separated orders/s (default 5,10,15,20,25,30,35,40,50,100,200,300; quick 10,20,40)",
    )
    p.add_argument("--step-seconds", type=float, help="seconds per step (default 20; quick 4)")
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--no-census", action="store_true")
    p.add_argument("--all-rates", action="store_true", help="keep rising after a rate fails")
    p.add_argument("--profile-seconds", type=float, default=15.0)
    p.add_argument(
        "--no-perf",
        action="store_true",
        help="in the profile step, no `perf record -a` (the whole machine's CPU per order by "
        "process and by what runs: kernel, interpreter, C extensions; skipped without perf)",
    )
    p.add_argument(
        "--profile-rate", type=float, help="rate for the profile (default: highest drained)"
    )
    p.add_argument(
        "--snapshot", metavar="REV", help="run the shop as committed at REV (git archive)"
    )
    p.add_argument("--json", type=Path, help="also write the results as JSON here")
    p.add_argument("--keep", action="store_true", help="keep the run folder (logs, profiles)")
    p.add_argument(
        "--cluster",
        action="store_true",
        help="the shop on a 3-node RabbitMQ cluster of its own, 2 replicas of every service "
        "behind load balancers (README: Scaling)",
    )
    return p.parse_args()


ARGS = parse_args()
if ARGS.snapshot:
    reexec_with_snapshot(HERE.parent, ARGS.snapshot)

import orjson  # noqa: E402
from pipeline import census, floor, machine, perfprof, profiling, raw  # noqa: E402
from pipeline.driver import Driver  # noqa: E402
from pipeline.http import HttpPool  # noqa: E402
from pipeline.report import (  # noqa: E402
    SERVICE_ORDER,
    StepResult,
    latency_table,
    ms,
    percentile,
    resource_table,
)
from pipeline.shop import BenchShop, ProcessMonitor, vm_hwm_mb, wait_until  # noqa: E402

from shop_testkit.servers import amqp_server_url, postgres_server_url  # noqa: E402

DRAIN_LIMIT_S = 5.0
P99_LIMIT_S = 1.0
T_START = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - T_START:6.1f}s] {message}", flush=True)


async def catalog_items(shop: BenchShop) -> list[dict[str, str]]:
    assert shop.config is not None
    pool = HttpPool(shop.config.host, shop.config.ports["orders"], 1)
    try:
        data = orjson.loads((await pool.request("GET", "/api/catalog")).body)
    finally:
        await pool.aclose()
    items = [
        {"media_id": m["id"], "license_id": lic["id"]}
        for m in data["media"]
        if m["kind"] == "image"
        for lic in m["licenses"]
    ]
    if not items:
        raise SystemExit("the demo catalog has no image licenses")
    return items


async def drained(shop: BenchShop, order_ids: set[str]) -> bool:
    shop.read_emails()
    delivered = {
        e.order_id
        for e in shop.emails
        if e.order_id in order_ids and e.subject.startswith("Your files")
    }
    if len(delivered) < len(order_ids):
        return False
    return await shop.backlog() == 0


async def run_step(
    shop: BenchShop,
    driver: Driver,
    rate: float,
    seconds: float,
    tag: str,
    drain_timeout: float,
    during=None,  # type: ignore[no-untyped-def]
) -> tuple[StepResult, ProcessMonitor]:
    monitor = ProcessMonitor(shop)
    before = await shop.db_counters()
    monitor.begin()
    wall0 = time.time()
    drive_task = asyncio.create_task(
        driver.run(rate, seconds, tag=tag, max_inflight=max(200, int(rate * 3)))
    )
    if during is not None:
        await during()
    drive = await drive_task
    result = StepResult(rate=rate, duration=seconds, sent=len(drive.records))
    result.queues_at_end = await shop.queue_depths()
    result.outbox_at_end = await shop.outbox_rows()
    accepted = drive.accepted
    ids = {r.order_id for r in accepted if r.order_id}
    waited = await wait_until(lambda: drained(shop, ids), drain_timeout)
    result.drain_s = None if waited is None else time.time() - drive.ended - 0.0
    if waited is not None:
        result.drain_s = max(0.0, time.time() - drive.ended)
    result.procs = await monitor.end()
    result.wall_s = time.time() - wall0
    after = await shop.db_counters()
    result.counters = {s: {k: after[s][k] - before[s][k] for k in after[s]} for s in after}
    result.accepted = len(accepted)
    span = max(
        seconds,
        (max((r.accepted_at or 0) for r in accepted) - drive.started) if accepted else seconds,
    )
    result.accepted_per_s = len(accepted) / span
    result.errors = drive.errors()
    history = await shop.history(sorted(ids))
    delivery_email = {
        e.order_id: e.at
        for e in shop.emails
        if e.order_id in ids and e.subject.startswith("Your files")
    }
    result.delivery_emails = len(delivery_email)
    result.seller_emails = sum(
        1 for e in shop.emails if e.order_id in ids and e.subject.startswith("New order")
    )
    for r in accepted:
        h = history.get(r.order_id or "", {})
        placed = h.get("placed")
        if r.accepted_at is not None:
            result.post_latency.append(r.accepted_at - r.scheduled)
            if r.method == "webhook":
                ready = r.page_ready_at
                result.to_page.append(ready - r.accepted_at if ready is not None else math.inf)
        if placed is None:
            result.to_paid.append(math.inf)
            result.to_delivered.append(math.inf)
            result.to_email.append(math.inf)
            continue
        result.to_paid.append(h["paid"] - placed if "paid" in h else math.inf)
        result.to_delivered.append(h["delivered"] - placed if "delivered" in h else math.inf)
        at = delivery_email.get(r.order_id or "")
        result.to_email.append(at - placed if at is not None else math.inf)
    return result, monitor


def per_order(
    steps: list[StepResult], probes_per_step: dict[str, int]
) -> dict[str, dict[str, float]]:
    orders = sum(s.accepted for s in steps)
    totals: dict[str, dict[str, float]] = {}
    for s in steps:
        for service, c in s.counters.items():
            t = totals.setdefault(service, {"commits": 0, "outbox": 0, "inbox": 0})
            for k, v in c.items():
                t[k] += v
    for service, t in totals.items():
        t["commits"] -= probes_per_step.get(service, 0) * len(steps)
    return {s: {k: v / orders for k, v in t.items()} for s, t in totals.items()} if orders else {}


async def main() -> int:
    args = ARGS
    quick = args.quick
    rates = [float(r) for r in (args.rates or (QUICK_RATES if quick else FULL_RATES)).split(",")]
    step_s = args.step_seconds or (4.0 if quick else 20.0)
    drain_timeout = 10.0 if quick else 60.0
    do_census = not quick and not args.no_census
    do_profile = not quick and not args.no_profile
    amqp, pg = amqp_server_url(), postgres_server_url()

    info = await machine.describe(amqp, pg)
    if rev := os.environ.get("BENCH_SNAPSHOT_REV"):
        info["code"] = f"snapshot of {rev} (git archive), not the working tree"
    print("machine:")
    for k, v in info.items():
        print(f"  {k:10} {v}")

    say("raw limits: RabbitMQ (persistent, confirmed, acked; quorum queue) ...")
    raw_seconds = 1.5 if quick else 3.0
    rabbit = await raw.rabbitmq([16, 64] if quick else [1, 16, 64], raw_seconds)
    say("raw limits: PostgreSQL (single-row committed INSERTs) ...")
    postgres = await raw.postgres([4, 16] if quick else [1, 4, 16], raw_seconds)
    broker_best = max(r.rate for r in rabbit)
    pg_best = max(r.rate for r in postgres)
    for r in rabbit + postgres:
        unit = "msgs/s" if r.what == "rabbitmq" else "tx/s"
        print(f"  raw {r.what:10} concurrency {r.concurrency:3d}: {r.rate:8.0f} {unit}")

    say("floor: CPU per message, transaction, statement and request of the stack alone ...")
    floors = await floor.measure(200 if quick else 2000)
    for f in floors:
        print(f"  floor {f.what:45} {f.cpu_us_per_op:6.0f} us CPU")

    root = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    shop = BenchShop(root, cluster=args.cluster)
    steps: list[StepResult] = []
    census_result: dict[str, census.DbCensus] | None = None
    census_orders = 0
    profiles: dict[str, profiling.Profile] = {}
    perf_by_group: dict[str, Counter[str]] = {}
    profile_step: StepResult | None = None
    extra: dict[str, object] = {}
    try:
        say(f"private shop in {root}: databases, migrations, demo catalog ...")
        await shop.create()
        log_path = census.server_log() if do_census else None
        if do_census and log_path is None:
            print("  (no readable PostgreSQL server log: statement census skipped)")
            do_census = False
        admin = None
        if do_census:
            import asyncpg

            admin = await asyncpg.connect(machine.asyncpg_dsn(pg))
            await census.enable(admin, list(shop.database_names().values()), True)
        if args.cluster:
            assert shop.rabbit_cluster is not None
            say(f"topology: RabbitMQ cluster {shop.rabbit_cluster.names}, 2 replicas each")
        say("starting the five services (and waiting for the demo catalog in orders) ...")
        await shop.start()
        assert shop.config is not None
        pids = shop.service_pids()
        extra["uvloop_loaded"] = {s: profiling.uvloop_loaded(p) for s, p in pids.items()}
        items = await catalog_items(shop)
        driver = Driver(shop.config, items)
        say("warm-up: 3 s at 5 orders/s ...")
        await run_step(shop, driver, 5, 3 if not quick else 2, "warmup", drain_timeout)

        if do_census and log_path is not None and admin is not None:
            say("statement census: 5 s at 20 orders/s with log_min_duration_statement=0 ...")
            offset = log_path.stat().st_size
            step, _ = await run_step(shop, driver, 20, 5, "census", drain_timeout)
            census_orders = step.accepted
            await asyncio.sleep(1.0)
            census_result = census.parse(log_path, offset, shop.database_names())
            await census.enable(admin, list(shop.database_names().values()), False)
            await admin.close()
            say("restarting the services (their connections would keep logging) ...")
            await driver.aclose()
            await shop.restart_services()
            driver = Driver(shop.config, items)
            await run_step(shop, driver, 10, 2, "warmup2", drain_timeout)

        probes_before = dict(shop.probe_queries)
        for rate in rates:
            say(f"step: {rate:g} orders/s for {step_s:g} s ...")
            step, monitor = await run_step(shop, driver, rate, step_s, f"r{rate:g}", drain_timeout)
            steps.append(step)
            extra.setdefault("load_average_1min_after_step", {})[f"{rate:g}"] = round(
                os.getloadavg()[0], 1
            )  # type: ignore[index]
            extra.setdefault("max_backends", {})[f"{rate:g}"] = monitor.max_backends  # type: ignore[index]
            extra.setdefault("max_busy_backends", {})[f"{rate:g}"] = monitor.max_busy  # type: ignore[index]
            say(
                f"  accepted {step.accepted_per_s:.1f}/s, errors {step.error_count}, "
                f"p99 placed->delivered {ms(step.stat('to_delivered', 99))} ms, "
                f"drained in {'-' if step.drain_s is None else f'{step.drain_s:.1f}'} s"
            )
            if not step.drained(DRAIN_LIMIT_S) and not args.all_rates:
                break
        probes_per_step = {
            s: (shop.probe_queries.get(s, 0) - probes_before.get(s, 0)) // max(1, len(steps))
            for s in shop.probe_queries
        }

        if do_profile and steps:
            ok = [s.rate for s in steps if s.drained(DRAIN_LIMIT_S)]
            prate = args.profile_rate or (max(ok) if ok else steps[0].rate)
            say(
                f"profile: py-spy on each service for {args.profile_seconds:g} s at {prate:g} orders/s ..."
            )

            async def spy() -> None:
                await asyncio.sleep(2.0)
                recordings = [
                    profiling.record(shop.service_pids(), args.profile_seconds, root / "profiles")
                ]
                if not args.no_perf:
                    recordings.append(perfprof.record(args.profile_seconds, root / "perf.data"))
                spied, *perf_data = await asyncio.gather(*recordings)
                profiles.update(spied)  # type: ignore[arg-type]
                if perf_data and perf_data[0] is not None:
                    groups = perfprof.process_groups(shop.service_pids())
                    perf_by_group.update(await perfprof.summarize(perf_data[0], groups))  # type: ignore[arg-type]

            profile_step, _ = await run_step(
                shop,
                driver,
                prate,
                args.profile_seconds + 4,
                f"p{prate:g}",
                drain_timeout,
                during=spy,
            )

        extra["renditions"] = shop.rendition_counts()
        extra["vm_hwm_mb"] = {s: vm_hwm_mb(p) for s, p in shop.service_pids().items()}
        await driver.aclose()
    finally:
        say("cleaning up (services, databases, vhost) ...")
        await shop.close()
        if not args.keep:
            import shutil

            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"  run folder kept: {root}")

    # ---------------------------------------------------------------- report
    print()
    print("placed->paid / placed->delivered: orders' history timestamps (server clock), ms;")
    print("email p99: placed -> delivery email received by the SMTP sink, ms")
    print(
        "page ready: the order's 201 -> its payment page showing the card form (the half paid by card), ms"
    )
    print(latency_table(steps, DRAIN_LIMIT_S, P99_LIMIT_S))
    print()
    if args.cluster:
        print("CPU seconds per step (every replica, their PostgreSQL backends, the SMTP sink, this")
        print("driver, the load balancers' process, the 3 RabbitMQ nodes) and peak RSS (MB):")
    else:
        print("CPU seconds per step (the services, their PostgreSQL backends, the SMTP sink, this")
        print("driver; RabbitMQ is the machine's shared broker) and peak RSS (MB) of each service:")
    print(resource_table(steps))
    if profile_step is not None:
        print()
        print("with py-spy attached (profile step):")
        print(latency_table([profile_step], DRAIN_LIMIT_S, P99_LIMIT_S))
    for s in steps:
        if s.errors:
            print(f"  errors at {s.rate:g}/s: {s.errors}")

    counts = per_order(steps, probes_per_step)
    commits = sum(c["commits"] for c in counts.values())
    published = sum(c["outbox"] for c in counts.values())
    deliveries = sum(c["inbox"] for c in counts.values())
    print()
    print(
        "per order (pg_stat_database xact_commit and outbox/inbox inserts, deltas over the steps):"
    )
    for service in SERVICE_ORDER:
        c = counts.get(service)
        if c:
            print(
                f"  {service:14} commits {c['commits']:5.1f}  messages published {c['outbox']:4.1f}  consumed {c['inbox']:4.1f}"
            )
    print(
        f"  {'total':14} commits {commits:5.1f}  messages published {published:4.1f}  consumed {deliveries:4.1f}"
    )

    print()
    print(
        f"limits: raw RabbitMQ {broker_best:.0f} msgs/s, raw PostgreSQL {pg_best:.0f} tx/s (best concurrency)"
    )
    print(
        "| rate/s | accepted/s | broker msgs/s (consumed x orders/s) | of raw | PG commits/s | of raw |"
    )
    print("|---|---|---|---|---|---|")
    for s in steps:
        b = deliveries * s.accepted_per_s
        d = commits * s.accepted_per_s
        print(
            f"| {s.rate:g} | {s.accepted_per_s:.1f} | {b:.0f} | {100 * b / broker_best:.1f}% | {d:.0f} | {100 * d / pg_best:.1f}% |"
        )

    inbox_floor = next(f for f in floors if f.what.startswith("FastStream + inbox"))
    cpu_per_order = [s.cpu_ms_per_order for s in steps if s.cpu_ms_per_order]
    print(
        f"floor of the messages alone: {deliveries:.1f} consumed x {inbox_floor.cpu_us_per_op:.0f} us"
        f" (FastStream + inbox transaction, empty handler) = "
        f"{deliveries * inbox_floor.cpu_us_per_op / 1000:.0f} CPU ms per order"
        + (f", of {min(cpu_per_order):.0f} measured" if cpu_per_order else "")
    )

    if census_result is not None and census_orders:
        print()
        print(f"statement census ({census_orders} orders at 20/s; PostgreSQL statement log):")
        for service in SERVICE_ORDER:
            c = census_result.get(service)
            if c is None:
                continue
            n = census_orders
            print(
                f"  {service}: {c.statements / n:.1f} statements/order, {c.commits / n:.1f} commits, "
                f"{c.pings / n:.1f} pre-pings, {c.parses / n:.2f} prepares (cache misses)"
            )
            for sql, k in c.by_statement.most_common(8):
                print(f"      {k / n:5.2f}/order  {sql}")

    if profiles:
        print()
        print("profile (py-spy, on-CPU samples; self = innermost frame's library):")
        for service in SERVICE_ORDER:
            p = profiles.get(service)
            if p is None:
                continue
            if p.error:
                print(f"  {service}: {p.error}")
                continue
            top = ", ".join(f"{k} {p.pct(v):.0f}%" for k, v in p.self_by_category.most_common(7))
            incl = ", ".join(
                f"{k} {p.pct(v):.0f}%"
                for k, v in p.inclusive_by_category.most_common(9)
                if k not in ("shop code", "asyncio event loop", "stdlib other", "other")
            )
            print(
                f"  {service} ({p.samples} samples, asyncio loop in stacks: {p.standard_asyncio_loop}):"
            )
            print(f"    self:      {top}")
            print(f"    inclusive: {incl}")
            for e, v in p.entry_points.most_common(8):
                print(f"    ours  {p.pct(v):4.0f}%  {e}")
            for e, v in p.leaves.most_common(5):
                print(f"    leaf  {p.pct(v):4.0f}%  {e}")
        if (
            profile_step is not None
            and profile_step.accepted
            and any(p.samples for p in profiles.values())
        ):
            print()
            print(profiling.ms_per_order_table(profiles, profile_step, SERVICE_ORDER))
    if perf_by_group and profile_step is not None and profile_step.accepted:
        # orders placed during the perf recording: its seconds at the step's accepted rate
        orders_seen = round(args.profile_seconds * profile_step.accepted_per_s)
        print()
        print(perfprof.table(perf_by_group, orders_seen, SERVICE_ORDER))

    print()
    for k, v in extra.items():
        print(f"{k}: {v}")

    sustained = [s for s in steps if s.sustained(DRAIN_LIMIT_S, P99_LIMIT_S)]
    best = max(sustained, key=lambda s: s.rate) if sustained else None
    ref = best or (steps[0] if steps else None)
    drained_rates = [s.rate for s in steps if s.drained(DRAIN_LIMIT_S)]
    if best is None:
        print(
            f"no rate met p99 placed->delivered < 1 s; highest rate that drained: "
            f"{max(drained_rates) if drained_rates else 0:g}/s; p50/p99 below are at {ref.rate if ref else 0:g}/s"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "raw": [asdict(r) for r in rabbit + postgres],
                    "floor": [asdict(f) for f in floors],
                    "steps": [
                        {
                            "rate": s.rate,
                            "accepted_per_s": s.accepted_per_s,
                            "errors": s.errors,
                            "paid_ms": {
                                q: percentile(s.to_paid, q) * 1000 for q in (50, 95, 99, 100)
                            },
                            "delivered_ms": {
                                q: percentile(s.to_delivered, q) * 1000 for q in (50, 95, 99, 100)
                            },
                            "drain_s": s.drain_s,
                            "queues_at_end": s.queues_at_end,
                            "outbox_at_end": s.outbox_at_end,
                            "procs": {k: asdict(v) for k, v in s.procs.items()},
                        }
                        for s in steps
                    ],
                    "per_order": counts,
                },
                default=str,
                indent=1,
            )
        )
    p50 = ref.stat("to_delivered", 50) * 1000 if ref else math.nan
    p99 = ref.stat("to_delivered", 99) * 1000 if ref else math.nan
    print(
        f"bench: sustained={best.rate if best else 0:g} p50_ms={p50:.0f} p99_ms={p99:.0f} "
        f"broker_msgs_s={broker_best:.0f} pg_tx_s={pg_best:.0f}"
    )
    return 0


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    sys.exit(asyncio.run(main()))
