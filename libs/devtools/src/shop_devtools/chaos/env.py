"""The fault suite's private world: its own RabbitMQ node, PostgreSQL cluster, SMTP sink,
TCP proxies between the services and both servers, and the five services as processes.

The cluster topology (`start_env(cluster=True)`): a 3-node RabbitMQ cluster instead of the
single node (shop_devtools.rabbit_cluster, data under var/rabbit-cluster/), two replicas of
every service, each replica given the three nodes' AMQP URLs, its preferred one first (the two of
a service prefer different nodes; a replica whose node dies fails over to the next one),
and a load balancer in front of each service's replicas (shop_devtools.balancer): the
workload, the public URLs and the services' calls to each other all go through it.

Nothing here touches the machine's shared servers: the broker and the database are private
instances stopped and killed by their own pid (shop_testkit.private_servers).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aio_pika
import asyncpg

from shop_contracts.routing import SUBSCRIPTIONS
from shop_devtools.balancer import Balancer
from shop_devtools.client import ShopClient
from shop_devtools.config import SERVICES, ShopConfig
from shop_devtools.rabbit_cluster import RabbitCluster
from shop_devtools.stack import ShopStack, free_port
from shop_testkit.private_servers import PrivatePostgres, PrivateRabbitMQ
from shop_testkit.proxy import TcpProxy
from shop_testkit.smtp import SmtpServer

SELLER = "seller@chaos.example.com"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class ChaosEnv:
    base: Path
    rabbit: PrivateRabbitMQ
    pg: PrivatePostgres
    smtp: SmtpServer
    amqp_proxy: TcpProxy
    pg_proxy: TcpProxy
    stack: ShopStack
    client: ShopClient
    webhook_secret: str
    notes: list[str] = field(default_factory=list)
    cluster: RabbitCluster | None = None  # the cluster topology: its broker nodes
    balancers: dict[str, Balancer] = field(default_factory=dict)  # ... and load balancers

    @property
    def config(self) -> ShopConfig:
        return self.stack.config

    @property
    def broker_url(self) -> str:
        """The suite's own way to the broker (not through the proxy): a live node's."""
        return self.cluster.url if self.cluster is not None else self.rabbit.url

    # --- direct access (not through the proxies) --------------------------------------

    def db_dsn(self, service: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg.port}/shop_{service}"

    async def db(self, service: str) -> asyncpg.Connection:
        return await asyncpg.connect(self.db_dsn(service), timeout=5)

    async def fetch(self, service: str, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await self.db(service)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    async def amqp(self) -> aio_pika.abc.AbstractRobustConnection:
        return await aio_pika.connect_robust(self.broker_url, timeout=5)

    async def queue_counts(self) -> dict[str, tuple[int, int]]:
        """{queue: (ready messages, consumers)} for every service queue and DLQ."""
        counts: dict[str, tuple[int, int]] = {}
        connection = await aio_pika.connect(self.broker_url, timeout=5)
        async with connection:
            for sub in SUBSCRIPTIONS.values():
                for name in (sub.queue, sub.dead_letter_queue):
                    channel = await connection.channel()
                    q = await channel.declare_queue(name, passive=True)
                    res = q.declaration_result
                    counts[name] = (int(res.message_count or 0), int(res.consumer_count or 0))
                    await channel.close()
        return counts

    # --- broker operations ------------------------------------------------------------

    async def rabbit_stop(self) -> None:
        await asyncio.to_thread(self.rabbit.stop)

    async def rabbit_kill(self) -> None:
        await asyncio.to_thread(self.rabbit.kill)

    async def rabbit_start(self) -> None:
        await asyncio.to_thread(self.rabbit.start)
        needed = await asyncio.to_thread(self.rabbit.recover_quorum_queues)
        if needed:
            self.note(f"leaderless quorum queues after restart, elections triggered: {needed}")

    def note(self, text: str) -> None:
        log(f"  note: {text}")
        self.notes.append(text)


# Demo media are generated once (tens of seconds) and reused by later runs.
MEDIA_CACHE = Path("var/chaos/media")


def _absolute(path: Path) -> Path:
    return path.absolute()


def preferred_node(cluster: RabbitCluster, amqp_url: str) -> int:
    """The node (0-based) an instance's AMQP_URL lists first: the one it connects to while
    that node is up."""
    return cluster.urls.index(amqp_url.split(",")[0])


CLUSTER_BASE = Path("var/rabbit-cluster")
REPLICAS = 2  # of every service in the cluster topology


async def start_env(
    *,
    base: Path | None = None,
    log_dir: Path | None = None,
    media_cache: Path = MEDIA_CACHE,
    cluster: bool = False,
) -> ChaosEnv:
    base = base or Path(tempfile.mkdtemp(prefix="shop-chaos-"))
    media_cache = _absolute(media_cache)
    log(f"work folder {base}")
    rabbit = PrivateRabbitMQ(base / "rabbit")
    (base / "rabbit").mkdir(parents=True, exist_ok=True)
    nodes = (
        RabbitCluster(CLUSTER_BASE / f"chaos-{time.strftime('%Y%m%d-%H%M%S')}-{rabbit.port}")
        if cluster
        else None
    )
    pg = PrivatePostgres()
    smtp = SmtpServer()
    started: list[Any] = []
    balancers: dict[str, Balancer] = {}
    try:
        t = time.monotonic()
        if nodes is not None:
            await asyncio.gather(asyncio.to_thread(nodes.start), asyncio.to_thread(pg.start))
            started += [nodes, pg]
            rabbit = nodes.nodes[0]
            ports = ", ".join(f":{n.port}" for n in nodes.nodes)
            log(
                f"RabbitMQ cluster {nodes.names} (AMQP {ports}; data {nodes.base}), "
                f"PostgreSQL :{pg.port} up in {time.monotonic() - t:.0f}s"
            )
        else:
            await asyncio.gather(asyncio.to_thread(rabbit.start), asyncio.to_thread(pg.start))
            started += [rabbit, pg]
            log(
                f"private RabbitMQ {rabbit.node} :{rabbit.port}, PostgreSQL :{pg.port} up in "
                f"{time.monotonic() - t:.0f}s"
            )
        smtp.__enter__()
        started.append(smtp)
        amqp_proxy = TcpProxy("127.0.0.1", rabbit.port)
        pg_proxy = TcpProxy("127.0.0.1", pg.port)
        await amqp_proxy.start()
        await pg_proxy.start()
        secret = f"whsec_chaos{uuid.uuid4().hex}"
        config = ShopConfig(
            database_urls={
                s: f"postgresql+asyncpg://postgres@127.0.0.1:{pg_proxy.port}/shop_{s}"
                for s in SERVICES
            },
            ports={s: free_port() for s in SERVICES},
            amqp_url=f"amqp://guest:guest@127.0.0.1:{amqp_proxy.port}/",
            smtp_url=smtp.url,
            seller_email=SELLER,
            admin_token=f"chaos-admin-{uuid.uuid4().hex}",
            secret_key=f"chaos-secret-{uuid.uuid4().hex}",
            media_root=media_cache,
            rendition_root=base / "renditions",
            preview_dir=base / "previews",
            stripe_webhook_secret=secret,
            # the workload places orders from one address, faster than a client would
            extra={"LOG_LEVEL": "WARNING", "ORDERS_RATE_LIMIT_PER_MINUTE": "0"},
        )
        if nodes is not None:
            config.amqp_url = nodes.urls[0]  # migrations and seed; each replica gets its own
        stack = ShopStack(
            config,
            log_dir=log_dir or base / "logs",
            cwd=base,
            start_timeout=90,
            replicas=dict.fromkeys(SERVICES, REPLICAS) if nodes is not None else None,
            broker_urls=nodes.urls if nodes is not None else None,
            own_ports=nodes is not None,
        )
        if nodes is not None:  # the config's ports are the load balancers'
            for service in SERVICES:
                balancers[service] = Balancer(
                    functools.partial(stack.replica_addresses, service), port=config.ports[service]
                )
                await balancers[service].start()
                started.append(balancers[service])
        t = time.monotonic()
        await stack.prepare()
        log(f"databases, migrations and demo catalog in {time.monotonic() - t:.0f}s")
        t = time.monotonic()
        await stack.start()
        log(
            f"{len(stack.instances)} service processes healthy, the demo catalog in orders, in "
            f"{time.monotonic() - t:.0f}s (logs: {stack.log_dir})"
        )
        if nodes is not None:
            where = {
                name: f":{stack.port_of(i)} -> node{preferred_node(nodes, i.env['AMQP_URL']) + 1}"
                for name, i in stack.instances.items()
            }
            log(f"  replicas (HTTP port -> preferred broker node, the others next): {where}")
            log(f"  load balancers: { {s: b.port for s, b in balancers.items()} }")
        client = ShopClient(config)
        await client.settings("payments", card_processor="sandbox")
        return ChaosEnv(
            base,
            rabbit,
            pg,
            smtp,
            amqp_proxy,
            pg_proxy,
            stack,
            client,
            secret,
            cluster=nodes,
            balancers=balancers,
        )
    except BaseException:
        for thing in reversed(started):
            with contextlib.suppress(Exception):
                if isinstance(thing, SmtpServer):
                    thing.__exit__(None, None, None)
                elif isinstance(thing, Balancer):
                    await thing.stop()
                else:
                    thing.close()
        raise


async def stop_env(env: ChaosEnv, *, keep: bool = False) -> None:
    with contextlib.suppress(Exception):
        await env.client.aclose()
    with contextlib.suppress(Exception):
        await env.stack.stop()
    for proxy in (env.amqp_proxy, env.pg_proxy, *env.balancers.values()):
        with contextlib.suppress(Exception):
            await proxy.stop()
    with contextlib.suppress(Exception):
        env.smtp.__exit__(None, None, None)
    with contextlib.suppress(Exception):
        if env.cluster is not None:
            env.cluster.close(keep=keep)
        else:
            env.rabbit.close()
    with contextlib.suppress(Exception):
        env.pg.close()
    if not keep:
        shutil.rmtree(env.base, ignore_errors=True)
