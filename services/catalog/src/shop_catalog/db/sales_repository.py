"""Galleries, selections, price lists (SQLAlchemy), implementing `service/sales_ports.py`.

One class over one session, its queries grouped by subject in `sales_*.py` beside it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.sales_currency import CurrencyQueries
from shop_catalog.db.sales_galleries import GalleryQueries
from shop_catalog.db.sales_offering import OfferingQueries
from shop_catalog.db.sales_profiles import ProfileQueries
from shop_catalog.db.sales_seeding import SeedingQueries
from shop_catalog.db.sales_storefront import StorefrontQueries


class SqlSalesRepository(
    OfferingQueries,
    ProfileQueries,
    GalleryQueries,
    StorefrontQueries,
    SeedingQueries,
    CurrencyQueries,
):
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
