"""Download links, and the atomic download count."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, insert, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.tables import delivery_items, download_links
from shop_delivery.domain import DownloadLink
from shop_delivery.domain.items import FileSource, ItemKind, StoredFile
from shop_delivery.service.ports import LinkedFile

_LINK_COLUMNS = (
    download_links.c.id,
    download_links.c.item_id,
    download_links.c.order_id,
    download_links.c.expires_at,
    download_links.c.max_downloads,
    download_links.c.download_count,
    download_links.c.revoked_at,
    download_links.c.created_at,
    download_links.c.bytes_credit,
)
LINK_COLUMN_NAMES = tuple(c.name for c in _LINK_COLUMNS)
_FILE_COLUMNS = (
    delivery_items.c.file_name,
    delivery_items.c.file_source,
    delivery_items.c.file_key,
    delivery_items.c.size_bytes,
    delivery_items.c.mime_type,
    delivery_items.c.position,
    delivery_items.c.kind,
    delivery_items.c.line_id,
    delivery_items.c.license_name,
    delivery_items.c.usage_terms,
    delivery_items.c.usage,
    delivery_items.c.credit,
    delivery_items.c.gallery_title,
    delivery_items.c.file_stale_at,
)


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
    return LinkedFile(
        link=link,
        file_name=file_name,
        file=stored,
        position=m["position"],
        kind=ItemKind(m["kind"]),
        line_id=m["line_id"],
        license_name=m["license_name"],
        usage_terms=m["usage_terms"],
        credit=m["credit"],
        gallery_title=m["gallery_title"],
        usage=m["usage"],
        stale=m["file_stale_at"] is not None,
    )


async def add_links(session: AsyncSession, links: Sequence[DownloadLink]) -> None:
    if links:
        rows = [{c.name: getattr(link, c.name) for c in _LINK_COLUMNS} for link in links]
        await session.execute(insert(download_links), rows)


class SqlLinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @staticmethod
    def _joined() -> Select[Any]:
        return select(*_LINK_COLUMNS, *_FILE_COLUMNS).join(
            delivery_items, delivery_items.c.id == download_links.c.item_id
        )

    async def for_order(self, order_id: uuid.UUID) -> list[LinkedFile]:
        """Each delivered file's current link (the live one, else its latest), in order."""
        query = (
            self._joined()
            .where(download_links.c.order_id == order_id)
            .ext(distinct_on(download_links.c.item_id))
            .order_by(
                download_links.c.item_id,
                download_links.c.revoked_at.is_(None).desc(),
                download_links.c.created_at.desc(),
            )
        )
        linked = [_linked(row) for row in await self.session.execute(query)]
        return sorted(linked, key=lambda f: f.position)

    async def get(self, link_id: uuid.UUID, *, for_update: bool = False) -> LinkedFile | None:
        """The link and its file; `for_update` locks the link's row until the commit."""
        query = self._joined().where(download_links.c.id == link_id)
        if for_update:
            query = query.with_for_update(of=download_links)
        row = (await self.session.execute(query)).first()
        return _linked(row) if row else None

    async def save_use(self, link: DownloadLink) -> None:
        """Store what a download decided (its row locked by `get(..., for_update=True)`)."""
        await self.session.execute(
            update(download_links)
            .where(download_links.c.id == link.id)
            .values(download_count=link.download_count, bytes_credit=link.bytes_credit)
        )

    async def count_downloads(self, link_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Count one download on each link that still allows it; returns those counted.

        One statement: concurrent requests serialize on the rows and each re-checks the
        condition on the updated row, so a count never passes `max_downloads`.
        """
        if not link_ids:
            return set()
        result = await self.session.execute(
            update(download_links)
            .where(
                download_links.c.id.in_(link_ids),
                download_links.c.download_count < download_links.c.max_downloads,
                download_links.c.expires_at > func.now(),
                download_links.c.revoked_at.is_(None),
            )
            .values(download_count=download_links.c.download_count + 1)
            .returning(download_links.c.id)
        )
        return {row[0] for row in result.all()}

    async def revoke_for_order(self, order_id: uuid.UUID, at: datetime) -> int:
        result = await self.session.execute(
            update(download_links)
            .where(download_links.c.order_id == order_id, download_links.c.revoked_at.is_(None))
            .values(revoked_at=at)
            .returning(download_links.c.id)
        )
        return len(result.all())

    async def revoke_lines(
        self, order_id: uuid.UUID, line_ids: Sequence[uuid.UUID], at: datetime
    ) -> int:
        """Revoke the live links of these lines' files (a partial refund)."""
        if not line_ids:
            return 0
        items = select(delivery_items.c.id).where(
            delivery_items.c.order_id == order_id, delivery_items.c.line_id.in_(list(line_ids))
        )
        result = await self.session.execute(
            update(download_links)
            .where(
                download_links.c.order_id == order_id,
                download_links.c.revoked_at.is_(None),
                download_links.c.item_id.in_(items.scalar_subquery()),
            )
            .values(revoked_at=at)
            .returning(download_links.c.id)
        )
        return len(result.all())
