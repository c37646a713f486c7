"""Download links, and the atomic download count."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.tables import delivery_items, download_links
from shop_delivery.domain import DownloadLink
from shop_delivery.domain.items import FileSource, StoredFile

_LINK_COLUMNS = (
    download_links.c.id,
    download_links.c.item_id,
    download_links.c.order_id,
    download_links.c.expires_at,
    download_links.c.max_downloads,
    download_links.c.download_count,
    download_links.c.revoked_at,
    download_links.c.created_at,
)
_FILE_COLUMNS = (
    delivery_items.c.file_name,
    delivery_items.c.file_source,
    delivery_items.c.file_key,
    delivery_items.c.size_bytes,
    delivery_items.c.mime_type,
)


@dataclass(frozen=True)
class LinkedFile:
    """A download link with the file it gives."""

    link: DownloadLink
    file_name: str
    file: StoredFile


def _linked(row: Row[tuple[object, ...]]) -> LinkedFile:
    m = row._mapping
    link = DownloadLink(**{c.name: m[c.name] for c in _LINK_COLUMNS})
    file_name = str(m["file_name"])
    stored = StoredFile(
        source=FileSource(m["file_source"]),
        key=m["file_key"],
        size_bytes=m["size_bytes"],
        mime_type=m["mime_type"],
        extension="." + file_name.rpartition(".")[2],
    )
    return LinkedFile(link=link, file_name=file_name, file=stored)


class LinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_many(self, links: list[DownloadLink]) -> None:
        if links:
            rows = [{c.name: getattr(link, c.name) for c in _LINK_COLUMNS} for link in links]
            await self.session.execute(insert(download_links), rows)

    @staticmethod
    def _joined() -> Select[Any]:
        return select(*_LINK_COLUMNS, *_FILE_COLUMNS).join(
            delivery_items, delivery_items.c.id == download_links.c.item_id
        )

    async def for_order(self, order_id: uuid.UUID) -> list[LinkedFile]:
        query = (
            self._joined()
            .where(download_links.c.order_id == order_id)
            .order_by(delivery_items.c.position)
        )
        return [_linked(row) for row in await self.session.execute(query)]

    async def get(self, link_id: uuid.UUID) -> LinkedFile | None:
        row = (
            await self.session.execute(self._joined().where(download_links.c.id == link_id))
        ).first()
        return _linked(row) if row else None

    async def count_download(self, link_id: uuid.UUID) -> bool:
        """Count one download if the link still allows it: one atomic statement.

        Concurrent requests serialize on the row; each re-checks the condition on the
        updated row, so the count never passes `max_downloads`.
        """
        result = await self.session.execute(
            update(download_links)
            .where(
                download_links.c.id == link_id,
                download_links.c.download_count < download_links.c.max_downloads,
                download_links.c.expires_at > func.now(),
                download_links.c.revoked_at.is_(None),
            )
            .values(download_count=download_links.c.download_count + 1)
            .returning(download_links.c.id)
        )
        return result.first() is not None

    async def revoke_for_order(self, order_id: uuid.UUID, at: datetime) -> int:
        result = await self.session.execute(
            update(download_links)
            .where(download_links.c.order_id == order_id, download_links.c.revoked_at.is_(None))
            .values(revoked_at=at)
            .returning(download_links.c.id)
        )
        return len(result.all())
