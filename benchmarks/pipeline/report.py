"""Per-rate results, exact percentiles, the tables and the last line."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pipeline.shop import ProcSample

SERVICE_ORDER = ("orders", "payments", "delivery", "notifications", "catalog")
# Processes that stand for the clients, not the shop: left out of issue 15's CPU per order.
LOAD_SIDE = ("driver", "smtp sink")


def percentile(values: list[float], q: float) -> float:
    """Exact nearest-rank percentile of the recorded values (inf = never happened)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def ms(value: float) -> str:
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return "never"
    return f"{value * 1000:.0f}"


@dataclass
class StepResult:
    rate: float
    duration: float
    sent: int = 0
    accepted: int = 0
    accepted_per_s: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    to_paid: list[float] = field(default_factory=list)  # seconds, inf when never paid
    to_delivered: list[float] = field(default_factory=list)
    to_email: list[float] = field(default_factory=list)  # placed -> delivery email at the sink
    post_latency: list[float] = field(default_factory=list)  # due -> 201 (client side)
    # 201 -> the payment page shows its card form (client side; the webhook-paid half)
    to_page: list[float] = field(default_factory=list)
    delivery_emails: int = 0
    seller_emails: int = 0
    queues_at_end: dict[str, int] = field(default_factory=dict)
    outbox_at_end: dict[str, int] = field(default_factory=dict)
    drain_s: float | None = None
    procs: dict[str, ProcSample] = field(default_factory=dict)
    counters: dict[str, dict[str, int]] = field(default_factory=dict)  # deltas
    wall_s: float = 0.0

    def stat(self, which: str, q: float) -> float:
        return percentile(getattr(self, which), q)

    @property
    def backlog_at_end(self) -> int:
        q = sum(v for k, v in self.queues_at_end.items() if not k.endswith(".dlq"))
        return q + sum(self.outbox_at_end.values())

    @property
    def cpu_ms_per_order(self) -> float | None:
        """CPU of every process measured (services, their backends, sink, driver, broker)."""
        if not self.accepted:
            return None
        cpu_s: float = sum(p.cpu_s for p in self.procs.values())
        return 1000 * cpu_s / self.accepted

    @property
    def cpu_ms_per_order_shop(self) -> float | None:
        """Issue 15's measure: the services, PostgreSQL and RabbitMQ (not the driver or sink)."""
        if not self.accepted:
            return None
        cpu_s: float = sum(p.cpu_s for name, p in self.procs.items() if name not in LOAD_SIDE)
        return 1000 * cpu_s / self.accepted

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def sustained(self, drain_limit_s: float, p99_limit_s: float) -> bool:
        return (
            self.drain_s is not None
            and self.drain_s <= drain_limit_s
            and self.error_count == 0
            and self.accepted_per_s >= 0.95 * self.rate
            and self.stat("to_delivered", 99) < p99_limit_s
        )

    def drained(self, drain_limit_s: float) -> bool:
        return (
            self.drain_s is not None
            and self.drain_s <= drain_limit_s
            and self.error_count == 0
            and self.accepted_per_s >= 0.95 * self.rate
        )


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.rjust(w) for c, w in zip(cells, widths, strict=False)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def latency_table(steps: list[StepResult], drain_limit: float, p99_limit: float) -> str:
    header = [
        "rate/s",
        "sent",
        "accepted/s",
        "errors",
        "paid p50",
        "p95",
        "p99",
        "max",
        "delivered p50",
        "p95",
        "p99",
        "max",
        "email p99",
        "page ready p50",
        "p99",
        "delivery emails",
        "backlog at end (queues+outbox)",
        "drained in s",
        "sustained",
    ]
    rows = []
    for s in steps:
        rows.append(
            [
                f"{s.rate:g}",
                str(s.sent),
                f"{s.accepted_per_s:.1f}",
                str(s.error_count),
                ms(s.stat("to_paid", 50)),
                ms(s.stat("to_paid", 95)),
                ms(s.stat("to_paid", 99)),
                ms(s.stat("to_paid", 100)),
                ms(s.stat("to_delivered", 50)),
                ms(s.stat("to_delivered", 95)),
                ms(s.stat("to_delivered", 99)),
                ms(s.stat("to_delivered", 100)),
                ms(s.stat("to_email", 99)),
                ms(s.stat("to_page", 50)),
                ms(s.stat("to_page", 99)),
                f"{s.delivery_emails}/{s.accepted}",
                f"{sum(v for k, v in s.queues_at_end.items() if not k.endswith('.dlq'))}+{sum(s.outbox_at_end.values())}",
                "-" if s.drain_s is None else f"{s.drain_s:.1f}",
                "yes" if s.sustained(drain_limit, p99_limit) else "no",
            ]
        )
    return _table(header, rows)


def resource_table(steps: list[StepResult]) -> str:
    names: list[str] = []
    for s in steps:
        for n in s.procs:
            if n not in names:
                names.append(n)
    ordered = [n for n in SERVICE_ORDER if n in names] + [
        n for n in names if n not in SERVICE_ORDER
    ]
    header = (
        ["rate/s", "wall s"]
        + [f"{n} CPU s" for n in ordered]
        + [f"{n} peak MB" for n in SERVICE_ORDER if n in names]
        + ["CPU ms/order (all)", "CPU ms/order (services, PG, broker)"]
    )
    rows = []
    for s in steps:
        per_order, shop_per_order = s.cpu_ms_per_order, s.cpu_ms_per_order_shop
        rows.append(
            [f"{s.rate:g}", f"{s.wall_s:.1f}"]
            + [f"{s.procs[n].cpu_s:.1f}" if n in s.procs else "-" for n in ordered]
            + [
                f"{s.procs[n].peak_rss_mb:.0f}" if n in s.procs else "-"
                for n in SERVICE_ORDER
                if n in names
            ]
            + [f"{v:.1f}" if v is not None else "-" for v in (per_order, shop_per_order)]
        )
    return _table(header, rows)
