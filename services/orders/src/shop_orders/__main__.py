"""`python -m shop_orders migrate | serve | seed`."""

from __future__ import annotations

import structlog

from shop_kernel.main import service_main
from shop_orders.bootstrap import ALEMBIC_INI, SERVICE, OrdersRoot, bootstrap
from shop_orders.config import OrdersSettings


async def seed(root: OrdersRoot) -> None:
    """Kept so that old scripts still run: the demo catalog is the catalog service's now
    (`python -m shop_catalog seed`); orders' read model fills from its events."""
    structlog.get_logger().info(
        "orders.seed_moved",
        detail="the demo catalog is seeded by catalog (python -m shop_catalog seed); "
        "orders' read model fills from catalog's events",
    )


if __name__ == "__main__":
    service_main(
        name=SERVICE,
        alembic_ini=ALEMBIC_INI,
        settings=OrdersSettings,
        bootstrap=bootstrap,
        extra={"seed": seed},
    )
