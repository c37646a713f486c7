"""One transaction's repositories, on one session: what routes and consumers work with."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shop_catalog.db.media_repository import SqlMediaRepository
from shop_catalog.db.media_usage import SqlMediaUsageRepository
from shop_catalog.db.sales_repository import SqlSalesRepository
from shop_catalog.service.ports import Repositories
from shop_messaging.outbox import SessionOutbox


def repositories(session: AsyncSession) -> Repositories:
    return Repositories(
        media=SqlMediaRepository(session),
        usage=SqlMediaUsageRepository(session),
        sales=SqlSalesRepository(session),
        outbox=SessionOutbox(session),
    )
