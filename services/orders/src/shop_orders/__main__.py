"""`python -m shop_orders migrate | serve | seed`."""

from __future__ import annotations

import structlog

from shop_messaging.runtime import serve
from shop_messaging.service_cli import ServiceCli
from shop_orders.bootstrap import ALEMBIC_INI, SERVICE, bootstrap
from shop_orders.config import OrdersSettings
from shop_platform.logging import configure_logging


def _settings() -> OrdersSettings:
    settings = OrdersSettings()
    configure_logging(SERVICE, settings.log_level, settings.log_json)
    return settings


async def run_serve() -> None:
    service = bootstrap(_settings())
    try:
        await serve(
            service.http_app(),
            service.settings.port,
            service.runtime,
            host=service.settings.bind_host,
        )
    finally:
        await service.aclose()


async def run_seed() -> None:
    # Here, not at the top: the demo generator loads PyAV (~30 MB), which `serve` never needs.
    from shop_orders.service.seeding import seed_catalog

    service = bootstrap(_settings())
    try:
        count = await seed_catalog(service.transaction, service.media_store)
        structlog.get_logger().info("orders.seed_done", media_inserted=count)
    finally:
        await service.aclose()


cli = ServiceCli(
    name=SERVICE,
    alembic_ini=ALEMBIC_INI,
    database_url=lambda: OrdersSettings().database_url,
    serve=run_serve,
    extra={"seed": run_seed},
)

if __name__ == "__main__":
    cli.main()
