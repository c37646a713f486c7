"""`python -m shop_catalog migrate | serve | seed`."""

from __future__ import annotations

from shop_catalog.bootstrap import ALEMBIC_INI, SERVICE, CatalogRoot, bootstrap
from shop_catalog.config import CatalogSettings
from shop_kernel.main import service_main


async def seed(root: CatalogRoot) -> None:
    # Here, not at the top: the demo generator loads PyAV (~30 MB), which `serve` never needs.
    from shop_catalog.db.sales_legacy import OrdersLegacyCatalog
    from shop_catalog.service.seeding import seed_catalog

    # The one-off legacy import reads orders' old catalog rows when their database is named.
    legacy_url = root.settings.legacy_orders_database_url
    await seed_catalog(root, OrdersLegacyCatalog(legacy_url) if legacy_url else None)


if __name__ == "__main__":
    service_main(
        name=SERVICE,
        alembic_ini=ALEMBIC_INI,
        settings=CatalogSettings,
        bootstrap=bootstrap,
        extra={"seed": seed},
    )
