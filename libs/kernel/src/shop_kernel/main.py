"""`python -m shop_<service> migrate | serve | <extra>`, the same for every service:

    if __name__ == "__main__":
        service_main(name="orders", alembic_ini=ALEMBIC_INI, settings=OrdersSettings,
                     bootstrap=bootstrap, extra={"seed": seed})

`serve` builds the root, starts its workers, serves HTTP beside the consumer and the relay
until SIGTERM/SIGINT, then closes the root (workers, then the engine).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, Protocol, TypeVar

from shop_kernel.root import ServiceRoot
from shop_kernel.tracing import start_tracing, stop_tracing, trace_app
from shop_messaging.runtime import serve
from shop_messaging.service_cli import ServiceCli
from shop_platform.logging import configure_logging


class ServiceSettings(Protocol):
    database_url: str
    port: int
    bind_host: str
    log_level: str
    log_json: bool


S = TypeVar("S", bound=ServiceSettings)
R = TypeVar("R", bound=ServiceRoot)


def service_main(
    *,
    name: str,
    alembic_ini: Path,
    settings: Callable[[], S],
    bootstrap: Callable[[S], R],
    extra: dict[str, Callable[[R], Awaitable[None]]] | None = None,
    argv: list[str] | None = None,
) -> None:
    def configured() -> S:
        loaded = settings()
        configure_logging(name, loaded.log_level, loaded.log_json)
        return loaded

    async def run_serve() -> None:
        loaded = configured()
        tracer_provider = start_tracing(name)  # None unless OTEL_EXPORTER_OTLP_ENDPOINT is set
        root = bootstrap(loaded)
        root.start_workers()  # independent of the broker: their results wait in the outbox
        try:
            app = root.http_app()
            trace_app(app, tracer_provider)
            await serve(app, loaded.port, root.runtime, host=loaded.bind_host)
        finally:
            await root.aclose()
            stop_tracing(tracer_provider)

    def command(run: Callable[[R], Awaitable[None]]) -> Callable[[], Coroutine[Any, Any, None]]:
        async def with_root() -> None:
            root = bootstrap(configured())
            try:
                await run(root)
            finally:
                await root.aclose()

        return with_root

    cli = ServiceCli(
        name=name,
        alembic_ini=alembic_ini,
        database_url=lambda: settings().database_url,
        serve=run_serve,
        extra={key: command(run) for key, run in (extra or {}).items()},
    )
    cli.main(argv)
