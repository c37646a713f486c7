"""Catalog queries: media with their license options."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import Row, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.tables import license_options, media
from shop_orders.domain.catalog import LicenseOption, Media

_SEED_LOCK = 7_310_001  # pg advisory lock key: one seed at a time


def _license(row: Row[tuple[object, ...]]) -> LicenseOption:
    m = row._mapping
    return LicenseOption(
        id=m["id"],
        media_id=m["media_id"],
        name=m["name"],
        price=m["price"],
        delivery=dict(m["delivery"]),
        position=m["position"],
    )


class SqlCatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _media(self, ids: Sequence[uuid.UUID] | None) -> list[Media]:
        media_query = select(media).order_by(media.c.created_at, media.c.title, media.c.id)
        license_query = select(license_options).order_by(
            license_options.c.media_id, license_options.c.position, license_options.c.price
        )
        if ids is not None:
            media_query = media_query.where(media.c.id.in_(ids))
            license_query = license_query.where(license_options.c.media_id.in_(ids))
        by_media: dict[uuid.UUID, list[LicenseOption]] = defaultdict(list)
        for row in await self._session.execute(license_query):
            option = _license(row)
            by_media[option.media_id].append(option)
        return [
            Media(
                id=m["id"],
                title=m["title"],
                kind=m["kind"],
                media_key=m["media_key"],
                width=m["width"],
                height=m["height"],
                credit=m["credit"],
                licenses=by_media.get(m["id"], []),
            )
            for m in (row._mapping for row in await self._session.execute(media_query))
        ]

    async def list_media(self) -> list[Media]:
        return await self._media(None)

    async def get_media(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Media]:
        if not ids:
            return {}
        return {m.id: m for m in await self._media(list(set(ids)))}

    async def get_licenses(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, LicenseOption]:
        if not ids:
            return {}
        rows = await self._session.execute(
            select(license_options).where(license_options.c.id.in_(set(ids)))
        )
        return {option.id: option for option in map(_license, rows)}

    async def count_media(self) -> int:
        return int(await self._session.scalar(select(func.count()).select_from(media)) or 0)

    async def add_media(self, item: Media) -> None:
        await self._session.execute(
            insert(media).values(
                id=item.id,
                title=item.title,
                kind=item.kind,
                media_key=item.media_key,
                width=item.width,
                height=item.height,
                credit=item.credit,
            )
        )
        if item.licenses:
            await self._session.execute(
                insert(license_options),
                [
                    {
                        "id": option.id,
                        "media_id": item.id,
                        "name": option.name,
                        "price": option.price,
                        "delivery": option.delivery,
                        "position": option.position,
                    }
                    for option in item.licenses
                ],
            )

    async def lock_for_seeding(self) -> None:
        await self._session.execute(text(f"SELECT pg_advisory_xact_lock({_SEED_LOCK})"))
