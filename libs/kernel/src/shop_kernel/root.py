"""The composition root every service builds (cosmicpython's `bootstrap`, once for all)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shop_kernel.metrics import DbStatementCounter, count_db_statements
from shop_messaging.metrics import ServiceMetrics
from shop_messaging.runtime import MessagingRuntime

if TYPE_CHECKING:
    from fastapi import FastAPI


class Worker(Protocol):
    """A background loop the service runs beside its consumer (e.g. the email sender)."""

    @property
    def running(self) -> bool: ...

    def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass(kw_only=True)
class ServiceRoot:
    """Settings, database, messaging, workers: what every service holds.

    A service subclasses it (`OrdersRoot`, `PaymentsRoot`, ...), adds its own parts as fields,
    and implements `http_app()`. Tests build the same root with their own settings.
    """

    name: ClassVar[str]
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    runtime: MessagingRuntime
    workers: dict[str, Worker] = field(default_factory=dict)  # by name, for /health
    # Run by `aclose()` after the workers stopped, before the engine is disposed (e.g. a
    # thread pool to shut down).
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # This root's Prometheus metrics, in its own registry (served at /metrics).
    metrics: ServiceMetrics = field(init=False, repr=False)
    # The engine's SQL statements and commits, counted into `metrics` (shop_db_*_total).
    db_counter: DbStatementCounter = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.metrics = ServiceMetrics(getattr(self, "name", "service"))
        self.metrics.bind_engine(self.engine)
        self.db_counter = count_db_statements(self.engine, self.metrics.registry)
        # Every part of the root that records metrics (the message router, the email sender,
        # the renderer...) has a `bind_metrics`: hand it this root's.
        parts: list[object] = [self.runtime.router, *self.workers.values()]
        parts += [getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "metrics"]
        bound: set[int] = set()
        for part in parts:
            bind = getattr(part, "bind_metrics", None)
            if callable(bind) and id(part) not in bound:
                bound.add(id(part))
                bind(self.metrics)

    def http_app(self) -> FastAPI:
        raise NotImplementedError

    def start_workers(self) -> None:
        for worker in self.workers.values():
            worker.start()

    async def health(self) -> dict[str, bool]:
        """The runtime's checks (database, broker, relay, consumer) and each worker's."""
        checks = await self.runtime.health()
        checks.update({name: worker.running for name, worker in self.workers.items()})
        return checks

    async def aclose(self) -> None:
        for worker in self.workers.values():
            with contextlib.suppress(Exception):
                await worker.stop()
        for close in self.closers:
            await close()
        await self.engine.dispose()
