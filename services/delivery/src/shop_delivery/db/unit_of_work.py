"""One transaction's repositories, on one session: what routes and consumers work with."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.deliveries import SqlDeliveryRepository
from shop_delivery.db.files import SqlDeliveredFiles
from shop_delivery.db.galleries import SqlGalleryRepository
from shop_delivery.db.links import SqlLinkRepository
from shop_delivery.db.renditions import SqlRenditionRows
from shop_delivery.db.settings import SqlSettingsRepository
from shop_delivery.service.ports import Repositories
from shop_messaging.outbox import SessionOutbox


def repositories(session: AsyncSession) -> Repositories:
    return Repositories(
        deliveries=SqlDeliveryRepository(session),
        links=SqlLinkRepository(session),
        settings=SqlSettingsRepository(session),
        outbox=SessionOutbox(session),
        galleries=SqlGalleryRepository(session),
        renditions=SqlRenditionRows(session),
        files=SqlDeliveredFiles(session),
    )
