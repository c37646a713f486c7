"""What the admin's System page reads: each service's /health (and the shop_* numbers of its
/metrics when it serves them), every queue's and DLQ's depth (passive declares), the orders
outbox; and its Replay button (shop_messaging.dead_letters: the same code as `make dlq`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop_contracts.routing import SUBSCRIPTIONS
from shop_messaging.dead_letters import QueueDepth, queue_depths, replay_dlq
from shop_messaging.relay import replay_parked

SERVICES = ("orders", "catalog", "payments", "delivery", "notifications")
# The other services' numbers, read from their /metrics when they serve it (summed over labels).
METRICS = {
    "shop_outbox_waiting_rows": "outbox waiting",
    "shop_outbox_parked_rows": "outbox parked",
    "shop_outbox_oldest_waiting_age_seconds": "oldest outbox row (s)",
    "shop_emails_waiting": "emails waiting",
}
_OUTBOX = text(
    "SELECT count(*) FILTER (WHERE parked_at IS NULL) AS waiting, "
    "count(*) FILTER (WHERE parked_at IS NOT NULL) AS parked, "
    "coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL)), 0) "
    "AS oldest FROM outbox"
)


@dataclass
class ServiceStatus:
    name: str
    url: str
    healthy: bool
    detail: str  # the failed checks, or why /health did not answer
    queue: QueueDepth | None = None
    dlq: QueueDepth | None = None
    numbers: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Outbox:
    waiting: int
    parked: int
    oldest_s: float


def _metric_sums(body: str) -> dict[str, float]:
    sums: dict[str, float] = {}
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name in METRICS:
            try:
                sums[METRICS[name]] = sums.get(METRICS[name], 0.0) + float(line.rsplit(" ", 1)[1])
            except (ValueError, IndexError):
                continue
    return sums


@dataclass(frozen=True)
class SystemProbe:
    amqp_url: str
    engine: AsyncEngine
    urls: dict[str, str]  # service -> where this process reaches it (its public URL)
    timeout_s: float = 2.0

    async def _service(self, client: httpx.AsyncClient, name: str) -> ServiceStatus:
        url = self.urls[name].rstrip("/")
        try:
            response = await client.get(f"{url}/health")
            body: Any = response.json()
            checks = body.get("checks", {}) if isinstance(body, dict) else {}
            failed = [str(k) for k, ok in checks.items() if not ok]
            status = ServiceStatus(
                name, url, response.status_code == 200, ", ".join(failed) or "all checks pass"
            )
        except (httpx.HTTPError, ValueError) as exc:
            return ServiceStatus(name, url, False, f"no answer ({type(exc).__name__})")
        try:
            metrics = await client.get(f"{url}/metrics")
            if metrics.status_code == 200:
                status.numbers = _metric_sums(metrics.text)
        except httpx.HTTPError:
            pass
        return status

    async def services(self) -> list[ServiceStatus]:
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            found = list(await asyncio.gather(*(self._service(client, s) for s in SERVICES)))
        names = [n for s in SERVICES for n in (SUBSCRIPTIONS[s].queue, dead_letter_queue(s))]
        try:
            depths = {d.name: d for d in await queue_depths(self.amqp_url, names)}
        except Exception as exc:
            broken = QueueDepth("", None, None, f"broker: {type(exc).__name__}")
            depths = {n: broken for n in names}
        for status in found:
            status.queue = depths.get(SUBSCRIPTIONS[status.name].queue)
            status.dlq = depths.get(dead_letter_queue(status.name))
        return found

    async def outbox(self) -> Outbox:
        async with self.engine.connect() as conn:
            row = (await conn.execute(_OUTBOX)).one()
        return Outbox(int(row.waiting), int(row.parked), float(row.oldest))

    async def replay(self, service: str) -> tuple[int, int]:
        """`make dlq replay <service>`: the DLQ back to its exchange; for orders, its parked
        outbox rows un-parked too (the other services' rows: `make dlq` on their database)."""
        moved = await replay_dlq(self.amqp_url, dead_letter_queue(service))
        unparked = await replay_parked(self.engine) if service == "orders" else 0
        return moved, unparked


def dead_letter_queue(service: str) -> str:
    return SUBSCRIPTIONS[service].dead_letter_queue
