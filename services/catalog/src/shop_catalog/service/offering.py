"""Publishing what is for sale: a media's `catalog.media_offered` snapshot (its offers
resolved with `shop_pricing`) and the `catalog.gallery_offered` snapshots of the galleries
that contain it. Every change that alters what a media is offered with calls
`publish_media` in the same transaction (the snapshots go to the outbox).

(Skeleton: the sales part fills this in; the media library calls it.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from shop_catalog.service.ports import Repositories


async def publish_media(
    repos: Repositories, media_ids: Iterable[uuid.UUID], *, now: datetime
) -> None:
    """Bump each media's revision and write its snapshot (and its galleries') to the outbox."""
    return None
