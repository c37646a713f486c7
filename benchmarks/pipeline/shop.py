"""The private shop under test, and what we read from it while it runs.

Its own databases (`bench_<service>_<random>`), RabbitMQ vhost, SMTP sink (its own process)
and ports, the five services started by `shop_devtools.ShopStack` exactly like `make run`.
Everything is removed by `close()`.

`cluster=True` (`bench_pipeline.py --cluster`): the topology past one machine, here on one: a
3-node RabbitMQ cluster of its own (shop_devtools.rabbit_cluster, data under
var/rabbit-cluster/) instead of a vhost on the machine's broker, two replicas of every
service (each on one node's AMQP URL, a service's two on different nodes) and a load balancer
process in front of each service's replicas (`python -m shop_devtools.balancer`): the driver,
the public URLs and the services' calls to each other go through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aio_pika
import asyncpg
import psutil
from sqlalchemy.engine import make_url

from pipeline.machine import asyncpg_dsn
from shop_contracts.routing import SUBSCRIPTIONS
from shop_devtools.config import SERVICES, ShopConfig
from shop_devtools.rabbit_cluster import RabbitCluster
from shop_devtools.stack import ShopStack, free_port
from shop_testkit.databases import create_database, remove_database
from shop_testkit.vhosts import create_vhost, delete_vhost

SELLER = "seller@bench.example.com"
HERE = Path(__file__).resolve().parent


@dataclass
class Email:
    at: float
    order_id: str
    recipients: str
    subject: str


@dataclass
class ProcSample:
    cpu_s: float = 0.0
    peak_rss_mb: float = 0.0


# Demo media are generated once (tens of seconds) and kept here between runs; originals are
# read-only for the shop, renditions go to the run's own folder.
MEDIA_CACHE = HERE.parent.parent / "var" / "bench-media"


@dataclass
class BenchShop:
    root: Path
    config: ShopConfig | None = None
    stack: ShopStack | None = None
    vhost: str | None = None
    databases: dict[str, str] = field(default_factory=dict)
    sink_proc: subprocess.Popen[bytes] | None = None
    sink_file: Path | None = None
    _sink_offset: int = 0
    emails: list[Email] = field(default_factory=list)
    _conns: dict[str, asyncpg.Connection] = field(default_factory=dict)
    _amqp: aio_pika.abc.AbstractConnection | None = None
    probe_queries: dict[str, int] = field(default_factory=dict)
    cluster: bool = False
    rabbit_cluster: RabbitCluster | None = None
    balancer_proc: subprocess.Popen[bytes] | None = None

    # --- lifecycle ---------------------------------------------------------------------

    async def create(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        MEDIA_CACHE.mkdir(parents=True, exist_ok=True)
        for service in SERVICES:
            self.databases[service] = await create_database(f"bench_{service}")
        if self.cluster:
            await self._check_connections()
            self.rabbit_cluster = RabbitCluster(
                HERE.parent.parent / "var" / "rabbit-cluster" / f"bench-{uuid.uuid4().hex[:8]}"
            )
            await asyncio.to_thread(self.rabbit_cluster.start)
            amqp_url = self.rabbit_cluster.urls[0]
        else:
            self.vhost, amqp_url = await create_vhost("bench")
        smtp_port = free_port()
        self.sink_file = self.root / "smtp-arrivals.tsv"
        self.sink_file.write_text("")
        self.sink_proc = subprocess.Popen(
            [sys.executable, str(HERE / "smtp_sink.py"), str(smtp_port), str(self.sink_file)],
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        assert self.sink_proc.stdout is not None
        await asyncio.to_thread(self.sink_proc.stdout.readline)  # "ready"
        self.config = ShopConfig(
            database_urls=dict(self.databases),
            ports={s: free_port() for s in SERVICES},
            amqp_url=amqp_url,
            smtp_url=f"smtp://127.0.0.1:{smtp_port}",
            seller_email=SELLER,
            admin_token=f"bench-admin-{uuid.uuid4().hex}",
            secret_key=f"bench-secret-{uuid.uuid4().hex}",
            media_root=MEDIA_CACHE,
            rendition_root=self.root / "renditions",
            preview_dir=self.root / "previews",
            stripe_webhook_secret=f"whsec_bench{uuid.uuid4().hex}",
            extra={"ORDERS_RATE_LIMIT_PER_MINUTE": "0"},  # the load comes from one address
        )
        c = self.rabbit_cluster
        self.stack = ShopStack(
            self.config,
            log_dir=self.root / "logs",
            cwd=self.root,
            replicas=dict.fromkeys(SERVICES, 2) if c else None,
            broker_urls=c.urls if c else None,
            own_ports=c is not None,
        )
        await self.stack.prepare()

    async def start(self) -> None:
        assert self.stack is not None
        assert self.config is not None
        if self.cluster:  # the load balancers need the replicas' ports: start them in between
            wait_for_catalog, self.stack.wait_for_catalog = self.stack.wait_for_catalog, False
            await self.stack.start()
            await self.start_balancers()
            if wait_for_catalog:
                await self.stack.wait_for_read_model()
        else:
            await self.stack.start()
        for service, url in self.databases.items():
            self._conns[service] = await asyncpg.connect(asyncpg_dsn(url))
        self._amqp = await aio_pika.connect(self.config.amqp_url)

    # Ten service processes open up to ~75 connections at once (the first cluster run's peak
    # backends: 72); a shared server with other work on it can run out ("too many clients").
    CLUSTER_CONNECTIONS = 80

    async def _check_connections(self) -> None:
        conn = await asyncpg.connect(asyncpg_dsn(next(iter(self.databases.values()))))
        try:
            limit = int(await conn.fetchval("SHOW max_connections"))
            used = int(await conn.fetchval("SELECT count(*) FROM pg_stat_activity"))
        finally:
            await conn.close()
        if limit - used < self.CLUSTER_CONNECTIONS:
            print(
                f"  warning: PostgreSQL has {limit - used} of {limit} connections free; the "
                f"cluster topology's ten service processes may need ~{self.CLUSTER_CONNECTIONS} "
                "(raise max_connections, or run when the server is quieter)",
                flush=True,
            )

    async def start_balancers(self) -> None:
        """One process with a load balancer per service on the config's port."""
        assert self.stack is not None
        assert self.config is not None
        self.stop_balancers()
        specs = [
            f"{self.config.ports[s]}="
            + ",".join(f"{h}:{p}" for h, p in self.stack.replica_addresses(s))
            for s in SERVICES
        ]
        self.balancer_proc = subprocess.Popen(
            [sys.executable, "-m", "shop_devtools.balancer", *specs],
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        assert self.balancer_proc.stdout is not None
        await asyncio.to_thread(self.balancer_proc.stdout.readline)  # "ready"

    def stop_balancers(self) -> None:
        if self.balancer_proc is not None:
            self.balancer_proc.terminate()
            with contextlib.suppress(Exception):
                self.balancer_proc.wait(5)
            self.balancer_proc = None

    async def restart_services(self) -> None:
        assert self.stack is not None
        await self.stack.stop()
        self.stack.instances.clear()
        if self.cluster:
            self.stack.wait_for_catalog = False
            await self.stack.start()
            await self.start_balancers()
        else:
            await self.stack.start()

    async def close(self) -> None:
        for conn in self._conns.values():
            with contextlib.suppress(Exception):
                await conn.close()
        if self._amqp is not None:
            with contextlib.suppress(Exception):
                await self._amqp.close()
        if self.stack is not None:
            with contextlib.suppress(Exception):
                await self.stack.stop()
        self.stop_balancers()
        if self.rabbit_cluster is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(self.rabbit_cluster.stop)
            self.rabbit_cluster.close()
        if self.sink_proc is not None:
            self.sink_proc.terminate()
            with contextlib.suppress(Exception):
                self.sink_proc.wait(5)
        for url in self.databases.values():
            with contextlib.suppress(Exception):
                await remove_database(url)
        if self.vhost:
            with contextlib.suppress(Exception):
                await delete_vhost(self.vhost)

    # --- processes ---------------------------------------------------------------------

    def service_pids(self) -> dict[str, int]:
        assert self.stack is not None
        return {name: i.pid for name, i in self.stack.instances.items() if i.pid is not None}

    def database_names(self) -> dict[str, str]:
        return {s: str(make_url(u).database) for s, u in self.databases.items()}

    # --- probes ------------------------------------------------------------------------

    async def _fetchval(self, service: str, sql: str, *args: object) -> object:
        self.probe_queries[service] = self.probe_queries.get(service, 0) + 1
        return await self._conns[service].fetchval(sql, *args)

    async def queue_depths(self) -> dict[str, int]:
        """Ready messages in each service queue and dead-letter queue (passive declare)."""
        assert self._amqp is not None
        depths: dict[str, int] = {}
        channel = await self._amqp.channel()
        try:
            for sub in SUBSCRIPTIONS.values():
                for name in (sub.queue, sub.dead_letter_queue):
                    queue = await channel.declare_queue(name, passive=True)
                    depths[name] = int(queue.declaration_result.message_count or 0)
        finally:
            await channel.close()
        return depths

    async def outbox_rows(self) -> dict[str, int]:
        rows = {
            s: int(await self._fetchval(s, "SELECT count(*) FROM outbox") or 0)  # type: ignore[call-overload]
            for s in SERVICES
        }
        rows["emails pending"] = int(
            await self._fetchval(  # type: ignore[call-overload]
                "notifications", "SELECT count(*) FROM emails WHERE status = 'pending'"
            )
            or 0
        )
        return rows

    async def backlog(self) -> int:
        depths = await self.queue_depths()
        outbox = await self.outbox_rows()
        return sum(v for k, v in depths.items() if not k.endswith(".dlq")) + sum(outbox.values())

    async def db_counters(self) -> dict[str, dict[str, int]]:
        """Per service: xact_commit (pg_stat_database), outbox and inbox inserts."""
        names = self.database_names()
        conn = self._conns["orders"]
        self.probe_queries["orders"] = self.probe_queries.get("orders", 0) + 1
        rows = await conn.fetch(
            "SELECT datname, xact_commit FROM pg_stat_database WHERE datname = ANY($1)",
            list(names.values()),
        )
        commits = {r["datname"]: int(r["xact_commit"]) for r in rows}
        result: dict[str, dict[str, int]] = {}
        for service, db in names.items():
            self.probe_queries[service] = self.probe_queries.get(service, 0) + 1
            tables = await self._conns[service].fetch(
                "SELECT relname, n_tup_ins FROM pg_stat_user_tables "
                "WHERE relname IN ('outbox', 'inbox')"
            )
            counts = {r["relname"]: int(r["n_tup_ins"]) for r in tables}
            result[service] = {
                "commits": commits.get(db, 0),
                "outbox": counts.get("outbox", 0),
                "inbox": counts.get("inbox", 0),
            }
        return result

    async def history(self, order_ids: list[str]) -> dict[str, dict[str, float]]:
        """{order id: {placed|paid|delivered: unix time}} from the orders service's history."""
        result: dict[str, dict[str, float]] = {}
        for start in range(0, len(order_ids), 5000):
            chunk = [uuid.UUID(i) for i in order_ids[start : start + 5000]]
            self.probe_queries["orders"] = self.probe_queries.get("orders", 0) + 1
            rows = await self._conns["orders"].fetch(
                "SELECT order_id, kind, at FROM order_history WHERE order_id = ANY($1::uuid[]) "
                "AND kind IN ('placed', 'paid', 'delivered')",
                chunk,
            )
            for r in rows:
                kinds = result.setdefault(str(r["order_id"]), {})
                kinds.setdefault(r["kind"], r["at"].timestamp())
        return result

    def read_emails(self) -> list[Email]:
        """New lines of the SMTP sink since the last call (also kept in `self.emails`)."""
        assert self.sink_file is not None
        with self.sink_file.open() as f:
            f.seek(self._sink_offset)
            data = f.read()
        end = data.rfind("\n") + 1
        self._sink_offset += len(data[:end].encode())
        new = []
        for line in data[:end].splitlines():
            at, order_id, rcpts, subject = ([*line.split("\t"), "", "", ""])[:4]
            new.append(Email(float(at), order_id, rcpts, subject))
        self.emails.extend(new)
        return new

    def rendition_counts(self) -> dict[str, int]:
        """How often delivery rendered a file and how often it reused the cache (its log)."""
        assert self.stack is not None
        counts = {"rendered": 0, "reused": 0}
        for instance in self.stack.instances.values():
            if instance.service != "delivery":
                continue
            with contextlib.suppress(OSError), instance.log_file.open(errors="replace") as f:
                for line in f:
                    if "rendition.rendered" in line:
                        counts["rendered"] += 1
                    elif "rendition.reused" in line:
                        counts["reused"] += 1
        return counts


class ProcessMonitor:
    """CPU seconds and peak RSS of the service processes (and the rest of the machine)."""

    def __init__(self, shop: BenchShop, interval: float = 0.25) -> None:
        self.shop = shop
        self.interval = interval
        self.samples: dict[str, ProcSample] = {}
        self._cpu0: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._procs: dict[str, list[psutil.Process]] = {}
        self._pg_cpu: dict[int, float] = {}
        self._pg_total = 0.0
        self.max_backends: dict[str, int] = {}  # per service: connections open at once
        self.max_busy: dict[str, int] = {}  # per service: connections not idle at once

    def _groups(self) -> dict[str, list[psutil.Process]]:
        groups: dict[str, list[psutil.Process]] = {}
        for name, pid in self.shop.service_pids().items():
            with contextlib.suppress(psutil.Error):
                groups[name] = [psutil.Process(pid)]
        if self.shop.sink_proc is not None:
            with contextlib.suppress(psutil.Error):
                groups["smtp sink"] = [psutil.Process(self.shop.sink_proc.pid)]
        groups["driver"] = [psutil.Process(os.getpid())]
        if self.shop.balancer_proc is not None:
            with contextlib.suppress(psutil.Error):
                groups["load balancers"] = [psutil.Process(self.shop.balancer_proc.pid)]
        if self.shop.rabbit_cluster is not None:
            nodes = []
            for node in self.shop.rabbit_cluster.nodes:
                with contextlib.suppress(psutil.Error, TypeError):
                    nodes.append(psutil.Process(node.pid))
            groups["rabbitmq (3 nodes)"] = nodes
            return groups
        rabbit = [p for p in psutil.process_iter(["name"]) if p.info["name"] == "beam.smp"]
        if rabbit:
            groups["rabbitmq (shared)"] = rabbit
        return groups

    def _pg_backends(self) -> float:
        """CPU seconds of the PostgreSQL backends serving this shop's databases (accumulated)."""
        by_db = {db: s for s, db in self.shop.database_names().items()}
        seen: set[int] = set()
        backends: dict[str, int] = {}
        busy: dict[str, int] = {}
        for p in psutil.process_iter(["cmdline"]):
            cmd = " ".join(p.info["cmdline"] or [])
            if not cmd.startswith("postgres: "):
                continue
            words = cmd.split()
            service = next((by_db[w] for w in words[1:5] if w in by_db), None)
            if service is None:
                continue
            backends[service] = backends.get(service, 0) + 1
            if words[-1] != "idle":
                busy[service] = busy.get(service, 0) + 1
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total = t.user + t.system
                self._pg_total += total - self._pg_cpu.get(p.pid, 0.0)
                self._pg_cpu[p.pid] = total
                seen.add(p.pid)
        for service, n in backends.items():
            self.max_backends[service] = max(self.max_backends.get(service, 0), n)
        for service, n in busy.items():
            self.max_busy[service] = max(self.max_busy.get(service, 0), n)
        return self._pg_total

    def _cpu(self, procs: list[psutil.Process]) -> float:
        total = 0.0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += t.user + t.system
        return total

    def begin(self) -> None:
        self._procs = self._groups()
        self._cpu0 = {name: self._cpu(procs) for name, procs in self._procs.items()}
        self._cpu0["postgres (this shop)"] = self._pg_backends()
        self.samples = {name: ProcSample() for name in self._cpu0}
        self.max_backends, self.max_busy = {}, {}
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            for name, procs in self._procs.items():
                if name.endswith("(shared)") or name == "driver":
                    continue
                rss = 0.0
                for p in procs:
                    with contextlib.suppress(psutil.Error):
                        rss += p.memory_info().rss / 2**20
                self.samples[name].peak_rss_mb = max(self.samples[name].peak_rss_mb, rss)
            self._pg_backends()
            await asyncio.sleep(self.interval)

    async def end(self) -> dict[str, ProcSample]:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for name, procs in self._procs.items():
            self.samples[name].cpu_s = self._cpu(procs) - self._cpu0[name]
        pg = "postgres (this shop)"
        self.samples[pg].cpu_s = self._pg_backends() - self._cpu0[pg]
        return self.samples


def vm_hwm_mb(pid: int) -> float:
    """A process's peak RSS since it started (/proc VmHWM)."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def wait_until(predicate, timeout: float, interval: float = 0.25) -> float | None:  # type: ignore[no-untyped-def]
    """Seconds until `await predicate()` is true, or None after `timeout`."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if await predicate():
            return time.monotonic() - t0
        await asyncio.sleep(interval)
    return None
