"""A service's Prometheus metrics, in its own registry (several services' roots may live in one
test process: nothing goes to prometheus_client's global registry).

Counted as things happen: messages consumed by type and outcome, handler durations, emails
sent, renditions made. Read at scrape time (`refresh`, one cheap query each, bounded): the
outbox rows waiting and parked and the age of the oldest waiting one, plus any query a service
adds (`add_scrape_gauge`, e.g. the emails waiting), and the engine's connection pool use.
Names follow Prometheus conventions: `shop_` prefix, `_total`, `_seconds`, bounded labels only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

import structlog
from prometheus_client import CollectorRegistry, Counter, Histogram, Info
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = structlog.get_logger()

SCRAPE_QUERY_TIMEOUT_S = 1.0

# Message handling outcomes (the `outcome` label of shop_messages_consumed_total).
APPLIED = "applied"
DUPLICATE = "duplicate"
UNHANDLED = "unhandled"
RETRIED = "retried"  # failed; back to the queue (its delivery limit dead-letters it at last)
DEAD_LETTERED = "dead_lettered"  # poison or unreadable: rejected to the dead-letter queue

_OUTBOX_QUERY = text(
    """
    SELECT count(*) FILTER (WHERE parked_at IS NULL) AS waiting,
           count(*) FILTER (WHERE parked_at IS NOT NULL) AS parked,
           coalesce(extract(epoch FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL)),
                    0) AS oldest_age
    FROM outbox
    """
)


@dataclass(frozen=True)
class ScrapeGauge:
    name: str
    documentation: str
    sql: str  # one row, one numeric column


class _ScrapeCollector(Collector):
    """Gauges whose values `ServiceMetrics.refresh` read just before the scrape, and the
    engine's pool use (read from the pool object, no query)."""

    def __init__(self, metrics: ServiceMetrics) -> None:
        self._metrics = metrics

    def collect(self) -> Iterable[GaugeMetricFamily]:
        m = self._metrics
        values = m.scraped
        for name, doc in (
            ("shop_outbox_waiting_rows", "Outbox rows not yet published (not parked)."),
            ("shop_outbox_parked_rows", "Outbox rows parked after repeated failures."),
            (
                "shop_outbox_oldest_waiting_age_seconds",
                "Age of the oldest outbox row not yet published (0 when none).",
            ),
        ):
            if name in values:
                yield GaugeMetricFamily(name, doc, value=values[name])
        for gauge in m.scrape_gauges:
            if gauge.name in values:
                yield GaugeMetricFamily(gauge.name, gauge.documentation, value=values[gauge.name])
        engine = m.engine
        if engine is not None:
            pool = engine.pool
            checked_out = getattr(pool, "checkedout", None)
            size = getattr(pool, "size", None)
            if callable(checked_out):
                yield GaugeMetricFamily(
                    "shop_db_pool_checked_out_connections",
                    "Database connections checked out of the pool.",
                    value=float(checked_out()),
                )
            if callable(size):
                yield GaugeMetricFamily(
                    "shop_db_pool_size_connections",
                    "Size of the database connection pool (without overflow).",
                    value=float(size()),
                )
        yield GaugeMetricFamily(
            "shop_metrics_scrape_query_errors",
            "1 when the last scrape's queries failed or timed out, else 0.",
            value=float(m.scrape_failed),
        )


class ServiceMetrics:
    """One per service root (made by `MessagingRuntime`)."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        self.engine: AsyncEngine | None = None
        self.scrape_gauges: list[ScrapeGauge] = []
        self.scraped: dict[str, float] = {}
        self.scrape_failed = False
        self.http_requests = Counter(
            "shop_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_duration = Histogram(
            "shop_http_request_duration_seconds",
            "HTTP request durations, by method and route template.",
            ["method", "route"],
            registry=self.registry,
        )
        self.messages_consumed = Counter(
            "shop_messages_consumed",
            "Messages consumed, by consumer, message type and outcome.",
            ["consumer", "type", "outcome"],
            registry=self.registry,
        )
        self.handler_duration = Histogram(
            "shop_message_handler_duration_seconds",
            "Message handling durations (inbox transaction included), by consumer and type.",
            ["consumer", "type"],
            registry=self.registry,
        )
        self.emails_sent = Counter(
            "shop_emails_sent",
            "Emails the SMTP server accepted.",
            registry=self.registry,
        )
        self.renditions = Counter(
            "shop_renditions",
            "Renditions rendered (cache misses), by kind and result.",
            ["kind", "result"],
            registry=self.registry,
        )
        self.rendition_duration = Histogram(
            "shop_rendition_duration_seconds",
            "Rendition render durations, by kind.",
            ["kind"],
            registry=self.registry,
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
        )
        # The `service` is the scrape target's label (Prometheus' job/instance); this says it too.
        Info("shop_service", "The service this process runs.", registry=self.registry).info(
            {"service": service}
        )
        self.registry.register(_ScrapeCollector(self))

    def bind_engine(self, engine: AsyncEngine) -> None:
        """Read the outbox and the pool of this engine at scrape time."""
        self.engine = engine

    def add_scrape_gauge(self, name: str, documentation: str, sql: str) -> None:
        """A gauge read by one query (one row, one number) at each scrape."""
        self.scrape_gauges.append(ScrapeGauge(name, documentation, sql))

    async def refresh(self, timeout_s: float = SCRAPE_QUERY_TIMEOUT_S) -> None:
        """Run the scrape-time queries, bounded (statement_timeout and a wait limit): a slow or
        absent database leaves those gauges out and sets shop_metrics_scrape_query_errors."""
        if self.engine is None:
            return
        try:
            self.scraped = await asyncio.wait_for(self._query(timeout_s), timeout_s + 0.5)
            self.scrape_failed = False
        except Exception as exc:
            log.warning("metrics.scrape_query_failed", error=repr(exc)[:300])
            self.scraped = {}
            self.scrape_failed = True

    async def _query(self, timeout_s: float) -> dict[str, float]:
        assert self.engine is not None
        values: dict[str, float] = {}
        async with self.engine.connect() as conn, conn.begin():
            ms = max(1, int(timeout_s * 1000))
            await conn.execute(text(f"SET LOCAL statement_timeout = {ms}"))
            row = (await conn.execute(_OUTBOX_QUERY)).one()
            values["shop_outbox_waiting_rows"] = float(row.waiting)
            values["shop_outbox_parked_rows"] = float(row.parked)
            values["shop_outbox_oldest_waiting_age_seconds"] = float(row.oldest_age)
            for gauge in self.scrape_gauges:
                value = (await conn.execute(text(gauge.sql))).scalar()
                values[gauge.name] = float(value or 0)
        return values
