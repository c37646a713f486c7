"""`python -m shop_orders migrate | serve | seed`."""

from __future__ import annotations

import structlog

from shop_kernel.main import service_main
from shop_orders.bootstrap import ALEMBIC_INI, SERVICE, OrdersRoot, bootstrap
from shop_orders.config import OrdersSettings


async def seed(root: OrdersRoot) -> None:
    # Here, not at the top: the demo generator loads PyAV (~30 MB), which `serve` never needs.
    from shop_orders.service.seeding import seed_catalog

    count = await seed_catalog(root.transaction, root.media_store)
    structlog.get_logger().info("orders.seed_done", media_inserted=count)


if __name__ == "__main__":
    service_main(
        name=SERVICE,
        alembic_ini=ALEMBIC_INI,
        settings=OrdersSettings,
        bootstrap=bootstrap,
        extra={"seed": seed},
    )
