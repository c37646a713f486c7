"""`python -m shop_delivery migrate | serve`."""

from __future__ import annotations

import logging

import structlog

from shop_delivery.bootstrap import ALEMBIC_INI, DeliveryRoot, bootstrap
from shop_delivery.config import SERVICE, DeliverySettings
from shop_kernel.main import service_main
from shop_media.memory import bound_render_memory


def bootstrap_rendering(settings: DeliverySettings) -> DeliveryRoot:
    """`bootstrap`, once libvips and malloc are bounded: before the render threads start."""
    logging.getLogger("pyvips").setLevel(logging.WARNING)  # libvips' per-render INFO chatter
    bound_render_memory()
    structlog.get_logger().info(
        "service.starting",
        port=settings.port,
        media_root=settings.media_root,
        rendition_root=settings.rendition_root,
    )
    return bootstrap(settings)


if __name__ == "__main__":
    service_main(
        name=SERVICE,
        alembic_ini=ALEMBIC_INI,
        settings=DeliverySettings,
        bootstrap=bootstrap_rendering,
    )
