"""The faults, one per scenario, injected while the workload runs."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aio_pika
import httpx
import orjson

from shop_contracts.routing import DEAD_LETTER_EXCHANGE, EVENTS_EXCHANGE
from shop_devtools.chaos.check import Verdict
from shop_devtools.chaos.env import ChaosEnv, log, preferred_node
from shop_devtools.chaos.refunds import refund_race
from shop_devtools.chaos.workload import (
    CANCEL,
    CARD_PAGE,
    CARD_WEBHOOK,
    DEFAULT_MIX,
    FORCE,
    FORCE_VS_PAY,
    MARK_PAID,
    WEBHOOK_TWICE_LATE,
    WEBHOOK_VS_MARK_PAID,
    Workload,
)
from shop_devtools.config import SERVICES


@dataclass
class Context:
    """What a fault leaves for the judge."""

    injected_paid: set[str] = field(default_factory=set)
    planted: dict[str, str] = field(default_factory=dict)  # event_id -> expected reason
    extra_settle_s: float = 0.0


Fault = Callable[[ChaosEnv, Workload, Context], Awaitable[None]]
# A phase after the workload's orders settled and were judged (the refund race): it adds to
# the verdict (its settle timeout given).
AfterPhase = Callable[[ChaosEnv, Workload, Verdict, float], Awaitable[None]]


@dataclass
class Scenario:
    name: str
    what: str
    fault: Fault | None = None
    mix: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_MIX))
    replicas: bool = False
    after: AfterPhase | None = None
    cluster: bool = False  # runs on the cluster topology (3 broker nodes, 2 replicas each)


# --- broker -------------------------------------------------------------------------------


async def _health_during_outage(env: ChaosEnv) -> None:
    """While the broker is down every instance must say so (/health 503)."""
    await asyncio.sleep(3)
    health = await env.stack.healthy()
    if any(health.values()):
        env.note(f"/health stayed 200 with the broker down: {health}")


async def _consumers_back(env: ChaosEnv, since: float) -> None:
    """/health is 200 again only once each instance consumes its queue again."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if all((await env.stack.healthy()).values()):
            env.note(
                f"consumers restored, every /health 200 {time.monotonic() - since:.0f}s "
                "after the broker came back"
            )
            return
        await asyncio.sleep(0.5)
    env.note("some consumers were not restored within 90 s")


async def rabbitmq_stop_15s(env: ChaosEnv, wl: Workload, ctx: Context) -> None:
    log("  fault: RabbitMQ clean stop for 15 s")
    t = time.monotonic()
    await env.rabbit_stop()
    await _health_during_outage(env)
    await asyncio.sleep(max(0.0, 15 - (time.monotonic() - t)))
    await env.rabbit_start()
    log("  fault: RabbitMQ back")
    await _consumers_back(env, time.monotonic())


async def rabbitmq_kill(env: ChaosEnv, wl: Workload, ctx: Context) -> None:
    log("  fault: RabbitMQ kill -9")
    await env.rabbit_kill()
    await asyncio.sleep(2)
    await env.rabbit_start()
    log("  fault: RabbitMQ back")
    await _consumers_back(env, time.monotonic())


async def rabbitmq_kill_backlog(env: ChaosEnv, wl: Workload, ctx: Context) -> None:
    """kill -9 while messages wait in queues: delivery and notifications are down (SIGKILL)
    for a few seconds first, so their queues hold a backlog when the broker dies."""
    log("  fault: SIGKILL delivery and notifications; backlog builds up")
    await env.stack.kill("delivery")
    await env.stack.kill("notifications")
    await asyncio.sleep(6)
    counts = await env.queue_counts()
    log(
        f"  fault: RabbitMQ kill -9 with {counts['shop.delivery'][0]} + "
        f"{counts['shop.notifications'][0]} messages waiting"
    )
    await env.rabbit_kill()
    await asyncio.sleep(2)
    await env.rabbit_start()
    counts = await env.queue_counts()
    log(
        f"  fault: RabbitMQ back with {counts['shop.delivery'][0]} + "
        f"{counts['shop.notifications'][0]} messages; delivery and notifications restart"
    )
    await asyncio.gather(env.stack.resume("delivery"), env.stack.resume("notifications"))
    await _consumers_back(env, time.monotonic())


# --- database -----------------------------------------------------------------------------


def _postgres_restart(mode: str) -> Fault:
    async def fault(env: ChaosEnv, wl: Workload, ctx: Context) -> None:
        log(f"  fault: PostgreSQL stop -m {mode}, 3 s down, start")
        await asyncio.to_thread(env.pg.stop, mode)
        await asyncio.sleep(3)
        await asyncio.to_thread(env.pg.start)
        log("  fault: PostgreSQL back")

    return fault


# --- services -----------------------------------------------------------------------------


async def _wait_until_busy(env: ChaosEnv, wl: Workload, queue: str) -> int:
    """Wait for "the middle of the work": an order placed meanwhile (its messages are being
    handled across the five services) or messages waiting in `queue`, 3 s at most; then a
    random 20-300 ms more. Returns the messages that were waiting."""
    before = len(wl.placed)
    ready = 0
    for _ in range(30):  # ≤3 s
        ready = (await env.queue_counts())[queue][0]
        if ready > 0 or len(wl.placed) > before:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(wl.random.uniform(0.02, 0.3))
    return ready


async def service_kill(env: ChaosEnv, wl: Workload, ctx: Context) -> None:
    """SIGKILL each service in turn in the middle of its work, then start it again (the next
    one is killed while the previous one is still starting).

    "In the middle": just after an order was placed (its messages are being handled across
    the five services), or as soon as the service's queue has messages waiting."""
    restarts = []
    for service in SERVICES:
        queue = f"shop.{service}"
        ready = await _wait_until_busy(env, wl, queue)
        log(f"  fault: SIGKILL {service} ({ready} messages waiting in {queue})")
        await env.stack.kill(service)
        await asyncio.sleep(1.0)
        restarts.append(asyncio.create_task(env.stack.resume(service)))
        await asyncio.sleep(2.0)
    await asyncio.gather(*restarts)
    log("  fault: all services back")


# --- the cluster topology (3 RabbitMQ nodes, two replicas of every service) ---------------


def _node_of(env: ChaosEnv, instance_name: str) -> int:
    """The instance's preferred broker node (the first of its AMQP_URL list)."""
    assert env.cluster is not None
    return preferred_node(env.cluster, env.stack.instances[instance_name].env["AMQP_URL"])


FAILOVER_LOG = "amqp.failover"  # shop_messaging.failover's line when it moved to another node


def _failovers_logged(env: ChaosEnv, name: str) -> int:
    with contextlib.suppress(OSError):
        text = env.stack.instances[name].log_file.read_text(errors="replace")
        return text.count(FAILOVER_LOG)
    return 0


async def _failed_over(
    env: ChaosEnv, orphans: list[str], since: float, logged: dict[str, int], timeout: float = 30
) -> dict[str, float]:
    """Seconds from `since` until each replica of the killed node logged its move to another
    node and answers /health 200 again (its consumer restored there)."""
    back: dict[str, float] = {}

    async def watch(client: httpx.AsyncClient, name: str) -> None:
        url = f"http://{env.stack.config.host}:{env.stack.port_of(env.stack.instances[name])}"
        while time.monotonic() - since < timeout:
            with contextlib.suppress(httpx.HTTPError):
                healthy = (await client.get(f"{url}/health")).status_code == 200
                if healthy and _failovers_logged(env, name) > logged[name]:
                    back[name] = time.monotonic() - since
                    return
            await asyncio.sleep(0.1)

    async with httpx.AsyncClient(timeout=2.0) as client:  # each replica watched on its own
        await asyncio.gather(*(watch(client, name) for name in orphans))
    return back


async def _queues_led_by_survivors(env: ChaosEnv, dead: str, timeout: float = 30.0) -> None:
    """Every quorum queue has a leader on a surviving node (Raft elected a new one)."""
    assert env.cluster is not None
    t = time.monotonic()
    queues: dict[str, dict[str, object]] = {}
    while time.monotonic() - t < timeout:
        with contextlib.suppress(Exception):
            queues = await asyncio.to_thread(env.cluster.quorum_queues)
            led = [n for n, q in queues.items() if q["leader"] in (None, "", dead)]
            if queues and not led:
                log(
                    f"  fault: all {len(queues)} quorum queues led by the two survivors after "
                    f"{time.monotonic() - t:.1f}s"
                )
                return
        await asyncio.sleep(0.5)
    env.note(f"quorum queues without a surviving leader after {timeout:.0f}s: {queues}")


async def cluster_node_kill(env: ChaosEnv, wl: Workload, ctx: Context) -> None:
    """SIGKILL the RabbitMQ node that leads the most quorum queues - and is the preferred node
    of three or four replicas - while orders flow; 20 s later start it again (it rejoins with
    its data). Its replicas fail over to the next node of their AMQP_URL list: each must log
    the move and answer /health 200 again (consumer restored) within 30 s; once the queues
    have new leaders, all ten replicas must answer 200 while the node is still down."""
    cluster = env.cluster
    assert cluster is not None
    leaders = await asyncio.to_thread(cluster.leaders)
    victim_name = max(leaders, key=lambda n: leaders[n])
    k = cluster.names.index(victim_name)
    orphans = sorted(n for n in env.stack.instances if _node_of(env, n) == k)
    if not orphans:
        env.note(f"no replica prefers node{k + 1}: the kill tests no failover")
    log(
        f"  fault: SIGKILL broker node{k + 1} {victim_name} (leads {leaders[victim_name]} of "
        f"{sum(leaders.values())} quorum queues; replicas connected to it: {orphans})"
    )
    logged = {name: _failovers_logged(env, name) for name in orphans}
    t = time.monotonic()
    watching = asyncio.create_task(_failed_over(env, orphans, t, logged))
    await asyncio.to_thread(cluster.kill, k)  # returns once the node's VM is gone
    back = await watching
    log(
        f"  fault: replicas of node{k + 1} on another node and healthy after: "
        + ", ".join(f"{name} {s:.1f}s" for name, s in sorted(back.items()))
    )
    stuck = sorted(set(orphans) - set(back))
    if stuck:
        env.note(f"replicas of node{k + 1} not failed over within 30 s: {stuck}")
    await _queues_led_by_survivors(env, victim_name)
    await asyncio.sleep(3)
    # unhealthy = in three checks a second apart (a busy process may miss one 2 s deadline)
    health = await env.stack.healthy()
    for _ in range(2):
        await asyncio.sleep(1)
        again = await env.stack.healthy()
        health = {name: ok or again.get(name, False) for name, ok in health.items()}
    down = sorted(n for n, ok in health.items() if not ok)
    log(
        f"  fault: {sum(health.values())}/{len(health)} instances healthy with node{k + 1} down"
        + (f"; unhealthy: {down}" if down else "")
    )
    if down:
        env.note(f"replicas unhealthy while node{k + 1} was down: {down}")
    await asyncio.sleep(max(0.0, 20 - (time.monotonic() - t)))
    log(f"  fault: restarting node{k + 1}")
    t = time.monotonic()
    await asyncio.to_thread(cluster.restart, k)
    needed = await asyncio.to_thread(cluster.recover_quorum_queues)
    if needed:
        env.note(f"leaderless quorum queues after the restart, elections triggered: {needed}")
    log(f"  fault: node{k + 1} back in the cluster after {time.monotonic() - t:.0f}s")
    await _consumers_back(env, time.monotonic())
    deadline = time.monotonic() + 60
    lagging: list[str] = []
    while time.monotonic() < deadline:
        lagging = await asyncio.to_thread(cluster.under_replicated)
        if not lagging:
            log("  fault: every quorum queue has its 3 replicas online again")
            break
        await asyncio.sleep(1.0)
    else:
        env.note(f"quorum queues not fully replicated 60 s after the restart: {lagging}")


async def cluster_replica_kill(env: ChaosEnv, wl: Workload, ctx: Context) -> None:
    """SIGKILL one replica of each service in turn (the first replica of one service, the
    second of the next) in the middle of its work, restart it 4 s later; the other replica
    (and the load balancer) carries the service meanwhile."""
    restarts = []
    for k, service in enumerate(SERVICES):
        name = service if k % 2 == 0 else f"{service}-2"
        queue = f"shop.{service}"
        ready = await _wait_until_busy(env, wl, queue)
        log(f"  fault: SIGKILL {name} ({ready} messages waiting in {queue})")
        await env.stack.kill_instance(name)
        await asyncio.sleep(4.0)
        restarts.append(asyncio.create_task(env.stack.resume_instance(name)))
        await asyncio.sleep(1.0)
    await asyncio.gather(*restarts)
    spread = {s: dict(b.connections) for s, b in env.balancers.items()}
    log("  fault: every replica back; connections per replica so far: " + _spread(env, spread))


def _spread(env: ChaosEnv, spread: dict[str, dict[tuple[str, int], int]]) -> str:
    port_to_name = {env.stack.port_of(i): n for n, i in env.stack.instances.items()}
    return ", ".join(
        f"{port_to_name.get(port, port)}={count}"
        for conns in spread.values()
        for (_, port), count in sorted(conns.items())
    )


# --- network ------------------------------------------------------------------------------


async def network(env: ChaosEnv, wl: Workload, ctx: Context) -> None:
    amqp, pg = env.amqp_proxy, env.pg_proxy
    log("  fault: broker link +50 ms latency (5 s)")
    amqp.latency_s = 0.05
    await asyncio.sleep(5)
    amqp.latency_s = 0.0
    log("  fault: broker connections cut")
    await amqp.cut()
    await asyncio.sleep(4)
    log("  fault: broker link stalled 8 s")
    amqp.stall()
    await asyncio.sleep(8)
    amqp.unstall()
    await asyncio.sleep(3)
    log("  fault: database link +30 ms latency (5 s)")
    pg.latency_s = 0.03
    await asyncio.sleep(5)
    pg.latency_s = 0.0
    log("  fault: database connections cut")
    await pg.cut()
    await asyncio.sleep(4)
    log("  fault: database link stalled 5 s")
    pg.stall()
    await asyncio.sleep(5)
    pg.unstall()
    log("  fault: broker and database links cut together")
    await asyncio.gather(amqp.cut(), pg.cut())


# --- messages -----------------------------------------------------------------------------

HOLD_QUEUE = "chaos.hold.order-placed"
TAP_QUEUE = "chaos.tap.payment-confirmed"


def _copy(message: aio_pika.abc.AbstractIncomingMessage) -> aio_pika.Message:
    """The same message (same message_id, so inboxes recognise it), persistent."""
    return aio_pika.Message(
        message.body,
        headers=dict(message.headers or {}),
        content_type=message.content_type,
        message_id=message.message_id,
        correlation_id=message.correlation_id,
        type=message.type,
        timestamp=message.timestamp,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


async def duplicates_and_reorder(env: ChaosEnv, wl: Workload, ctx: Context) -> None:
    """For ~12 s, order.placed for delivery is held back in a side queue while payments flow:
    delivery sees payment.confirmed (and force) before order.placed. Then every held
    order.placed is handed to delivery twice and published again to all its subscribers, and
    every payment.confirmed seen meanwhile is published a second time. Two poison messages are
    planted: they must end in the DLQs with their reason."""
    connection = await aio_pika.connect(env.broker_url, timeout=10)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        events = await channel.get_exchange(EVENTS_EXCHANGE)
        delivery = await channel.declare_queue("shop.delivery", passive=True)
        hold = await channel.declare_queue(HOLD_QUEUE, durable=True)
        tap = await channel.declare_queue(TAP_QUEUE, durable=True)
        await hold.bind(events, "order.placed")
        await tap.bind(events, "payment.confirmed")
        await delivery.unbind(events, "order.placed")
        log("  fault: order.placed held back from delivery for 12 s")
        await asyncio.sleep(12)
        await delivery.bind(events, "order.placed")
        await hold.unbind(events, "order.placed")
        await tap.unbind(events, "payment.confirmed")
        held = 0
        while (m := await hold.get(fail=False, timeout=5)) is not None:
            await channel.default_exchange.publish(_copy(m), routing_key="shop.delivery")
            await channel.default_exchange.publish(_copy(m), routing_key="shop.delivery")
            await events.publish(_copy(m), routing_key="order.placed")
            await m.ack()
            held += 1
        tapped = 0
        while (m := await tap.get(fail=False, timeout=5)) is not None:
            await events.publish(_copy(m), routing_key="payment.confirmed")
            await m.ack()
            tapped += 1
        await hold.delete(if_unused=False, if_empty=False)
        await tap.delete(if_unused=False, if_empty=False)
        log(f"  fault: {held} order.placed released late (x3), {tapped} payment.confirmed again")
        env.note(f"duplicates-and-reorder: {held} order.placed held, {tapped} payments re-sent")
        # Poison, planted on purpose.
        not_json = f"poison-{uuid.uuid4()}"
        await events.publish(
            aio_pika.Message(
                b"\x00not json{",
                content_type="application/octet-stream",
                message_id=not_json,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key="order.cancelled",
        )
        unknown = uuid.uuid4()
        body = {
            "event_id": str(unknown),
            "type": "order.exploded",
            "version": 1,
            "occurred_at": datetime.now(UTC).isoformat(),
            "correlation_id": str(uuid.uuid4()),
            "causation_id": None,
            "payload": {},
        }
        await events.publish(
            aio_pika.Message(
                orjson.dumps(body),
                content_type="application/json",
                message_id=str(unknown),
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key="order.cancelled",
        )
        ctx.planted[not_json] = "rejected"
        ctx.planted[str(unknown)] = "rejected"
        _ = DEAD_LETTER_EXCHANGE


async def plant_poison(env: ChaosEnv, ctx: Context) -> None:
    """Every scenario starts with one message no service can understand (an unknown type on
    a routing key three services consume): it must reach their DLQs, rejected, and stay
    there through the fault."""
    event_id = uuid.uuid4()
    body = {
        "event_id": str(event_id),
        "type": "order.teleported",
        "version": 1,
        "occurred_at": datetime.now(UTC).isoformat(),
        "correlation_id": str(uuid.uuid4()),
        "causation_id": None,
        "payload": {},
    }
    connection = await aio_pika.connect(env.broker_url, timeout=10)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        events = await channel.get_exchange(EVENTS_EXCHANGE)
        await events.publish(
            aio_pika.Message(
                orjson.dumps(body),
                content_type="application/json",
                message_id=str(event_id),
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ),
            routing_key="order.cancelled",
            mandatory=True,
        )
    ctx.planted[str(event_id)] = "rejected"


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("rabbitmq-stop-15s", "RabbitMQ stopped cleanly for 15 s", rabbitmq_stop_15s),
        Scenario("rabbitmq-kill", "RabbitMQ kill -9, restarted", rabbitmq_kill),
        Scenario(
            "rabbitmq-kill-backlog",
            "RabbitMQ kill -9 while two queues hold a backlog",
            rabbitmq_kill_backlog,
        ),
        Scenario("postgres-restart-fast", "PostgreSQL fast shutdown", _postgres_restart("fast")),
        Scenario(
            "postgres-restart-immediate",
            "PostgreSQL immediate shutdown (crash)",
            _postgres_restart("immediate"),
        ),
        Scenario("service-kill", "each service SIGKILLed while busy", service_kill),
        Scenario("network", "latency, cuts and stalls to the broker and DB", network),
        Scenario(
            "duplicates-and-reorder",
            "messages twice; payment before order.placed at delivery; poison",
            duplicates_and_reorder,
        ),
        Scenario(
            "webhook-twice-and-late",
            "the same card webhook twice at once and again 10-20 s later",
            mix={WEBHOOK_TWICE_LATE: 60, MARK_PAID: 15, FORCE: 10, CANCEL: 15},
        ),
        Scenario(
            "webhook-vs-mark-paid",
            "card webhook and Mark as paid at the same instant",
            mix={WEBHOOK_VS_MARK_PAID: 70, CARD_PAGE: 10, CANCEL: 20},
        ),
        Scenario(
            "force-vs-payment",
            "Force delivery and a payment at the same instant",
            mix={FORCE_VS_PAY: 70, CARD_WEBHOOK: 10, CANCEL: 20},
        ),
        Scenario("replicas", "two processes of every service", replicas=True),
        Scenario(
            "cluster-broker-node-kill",
            "3 RabbitMQ nodes, 2 replicas each: the node leading most queues kill -9, restarted",
            cluster_node_kill,
            cluster=True,
        ),
        Scenario(
            "cluster-replica-kill",
            "3 RabbitMQ nodes, 2 replicas each: one replica of each service SIGKILLed, restarted",
            cluster_replica_kill,
            cluster=True,
        ),
        Scenario(
            "refunds-and-webhooks",
            "refunds asked at once and processor webhooks replayed, broker and services down",
            mix={CARD_PAGE: 100},
            after=refund_race,
        ),
    )
}
QUICK = ("rabbitmq-stop-15s", "service-kill", "duplicates-and-reorder")
CLUSTER = tuple(name for name, s in SCENARIOS.items() if s.cluster)
