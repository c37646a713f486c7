"""Catalog queries and changes: media with their license options."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, column, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.tables import license_options, media
from shop_orders.domain.catalog import LicenseOption, Media, MediaStatus
from shop_orders.service.ports import CatalogChoice

_SEED_LOCK = 7_310_001  # pg advisory lock key: one seed at a time


def _license(row: Row[tuple[object, ...]]) -> LicenseOption:
    return _license_of(row._mapping)


def _license_of(m: Mapping[Any, Any]) -> LicenseOption:
    return LicenseOption(
        id=m["id"],
        media_id=m["media_id"],
        name=m["name"],
        price=m["price"],
        delivery=dict(m["delivery"]),
        position=m["position"],
        usage_terms=m["usage_terms"],
    )


def _license_values(option: LicenseOption) -> dict[str, Any]:
    return {
        "id": option.id,
        "media_id": option.media_id,
        "name": option.name,
        "price": option.price,
        "delivery": option.delivery,
        "position": option.position,
        "usage_terms": option.usage_terms,
    }


def _media(m: Mapping[Any, Any], licenses: list[LicenseOption]) -> Media:
    return Media(
        id=m["id"],
        title=m["title"],
        kind=m["kind"],
        media_key=m["media_key"],
        width=m["width"],
        height=m["height"],
        credit=m["credit"],
        licenses=licenses,
        status=m["status"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
    )


def _choices_query() -> Any:
    """Each (media id, license id) pair with the media and the license option it names,
    NULLs where an id is unknown, in the pairs' order: one query for a whole checkout."""
    uuids = ARRAY(UUID(as_uuid=True))
    items = (
        func.unnest(bindparam("media_ids", type_=uuids), bindparam("license_ids", type_=uuids))
        .table_valued(
            column("media_id", UUID(as_uuid=True)),
            column("license_id", UUID(as_uuid=True)),
            with_ordinality="position",
            name="item",
        )
        .render_derived()
    )
    joined = items.outerjoin(media, media.c.id == items.c.media_id).outerjoin(
        license_options, license_options.c.id == items.c.license_id
    )
    return (
        select(
            *[c.label(f"m_{c.name}") for c in media.c],
            *[c.label(f"l_{c.name}") for c in license_options.c],
        )
        .select_from(joined)
        .order_by(items.c.position)
    )


_CHOICES = _choices_query()


def _prefixed(m: Mapping[Any, Any], prefix: str) -> dict[str, Any] | None:
    found = {k.removeprefix(prefix): v for k, v in m.items() if k.startswith(prefix)}
    return None if found["id"] is None else found


class SqlCatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _media(self, ids: Sequence[uuid.UUID] | None, lock: bool = False) -> list[Media]:
        media_query = select(media).order_by(media.c.created_at, media.c.title, media.c.id)
        license_query = select(license_options).order_by(
            license_options.c.media_id, license_options.c.position, license_options.c.price
        )
        if ids is not None:
            media_query = media_query.where(media.c.id.in_(ids))
            license_query = license_query.where(license_options.c.media_id.in_(ids))
        if lock:
            media_query = media_query.with_for_update()
        rows = [row._mapping for row in await self._session.execute(media_query)]
        by_media: dict[uuid.UUID, list[LicenseOption]] = defaultdict(list)
        for row in await self._session.execute(license_query):
            option = _license(row)
            by_media[option.media_id].append(option)
        return [_media(m, by_media.get(m["id"], [])) for m in rows]

    async def list_media(self) -> list[Media]:
        return await self._media(None)

    async def get_media(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Media]:
        if not ids:
            return {}
        return {m.id: m for m in await self._media(list(set(ids)))}

    async def get_one(self, media_id: uuid.UUID, *, for_update: bool = False) -> Media | None:
        found = await self._media([media_id], lock=for_update)
        return found[0] if found else None

    async def get_choices(
        self, items: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[CatalogChoice]:
        if not items:
            return []
        params = {
            "media_ids": [media_id for media_id, _ in items],
            "license_ids": [license_id for _, license_id in items],
        }
        choices = []
        for row in (await self._session.execute(_CHOICES, params)).mappings():
            found_media, found_license = _prefixed(row, "m_"), _prefixed(row, "l_")
            choices.append(
                CatalogChoice(
                    media=None if found_media is None else _media(found_media, []),
                    license=None if found_license is None else _license_of(found_license),
                )
            )
        return choices

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
        values: dict[str, Any] = {
            "id": item.id,
            "title": item.title,
            "kind": item.kind,
            "media_key": item.media_key,
            "width": item.width,
            "height": item.height,
            "credit": item.credit,
            "status": item.status,
        }
        if item.created_at is not None:
            values["created_at"] = values["updated_at"] = item.created_at
        await self._session.execute(insert(media).values(**values))
        if item.licenses:
            await self._session.execute(
                insert(license_options), [_license_values(option) for option in item.licenses]
            )

    async def set_media_status(
        self, media_id: uuid.UUID, status: MediaStatus, now: datetime
    ) -> None:
        await self._session.execute(
            update(media).where(media.c.id == media_id).values(status=status, updated_at=now)
        )

    async def next_license_position(self, media_id: uuid.UUID) -> int:
        highest = await self._session.scalar(
            select(func.max(license_options.c.position)).where(
                license_options.c.media_id == media_id
            )
        )
        return 0 if highest is None else int(highest) + 1

    async def add_license(self, option: LicenseOption) -> None:
        await self._session.execute(insert(license_options).values(**_license_values(option)))

    async def save_license(self, option: LicenseOption) -> None:
        values = _license_values(option)
        del values["id"], values["media_id"]
        await self._session.execute(
            update(license_options).where(license_options.c.id == option.id).values(**values)
        )

    async def delete_license(self, license_id: uuid.UUID) -> None:
        await self._session.execute(
            delete(license_options).where(license_options.c.id == license_id)
        )

    async def lock_for_seeding(self) -> None:
        await self._session.execute(text(f"SELECT pg_advisory_xact_lock({_SEED_LOCK})"))
