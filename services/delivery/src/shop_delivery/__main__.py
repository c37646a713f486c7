"""`python -m shop_delivery migrate | serve`."""

from __future__ import annotations

import logging

import structlog

from shop_delivery.api.app import create_app
from shop_delivery.bootstrap import ALEMBIC_INI, bootstrap
from shop_delivery.config import SERVICE, DeliverySettings
from shop_media.memory import bound_render_memory
from shop_messaging.runtime import serve as serve_app
from shop_messaging.service_cli import ServiceCli
from shop_platform.logging import configure_logging


async def serve() -> None:
    settings = DeliverySettings()
    configure_logging(SERVICE, settings.log_level, settings.log_json)
    logging.getLogger("pyvips").setLevel(logging.WARNING)  # libvips' per-render INFO chatter
    bound_render_memory()  # before the render threads start
    container = bootstrap(settings)
    structlog.get_logger().info(
        "service.starting",
        port=settings.port,
        media_root=settings.media_root,
        rendition_root=settings.rendition_root,
    )
    try:
        await serve_app(
            create_app(container), settings.port, container.runtime, host=settings.bind_host
        )
    finally:
        await container.close()


def main() -> None:
    ServiceCli(
        name=SERVICE,
        alembic_ini=ALEMBIC_INI,
        database_url=lambda: DeliverySettings().database_url,
        serve=serve,
    ).main()


if __name__ == "__main__":
    main()
