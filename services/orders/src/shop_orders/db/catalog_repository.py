"""The read model of the catalog: media with their offers, and the galleries for sale.

Filled from catalog's snapshots: each is kept only when its revision is higher than the
stored one (an older snapshot arriving late, or a redelivery, changes nothing).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, column, delete, func, insert, select
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.photographer_columns import photographer_of, photographer_values
from shop_orders.db.tables import galleries_for_sale, license_options, media
from shop_orders.domain.catalog import GalleryForSale, LicenseOption, Media
from shop_orders.service.ports import CatalogChoice
from shop_platform.fastpath import Compiled, raw


def _license_of(m: Mapping[Any, Any]) -> LicenseOption:
    return LicenseOption(
        id=m["id"],
        media_id=m["media_id"],
        name=m["name"],
        price=m["price"],
        delivery=dict(m["delivery"]),
        position=m["position"],
        usage_terms=m["usage_terms"],
        profile_id=m["profile_id"],
        description=m["description"],
        kind=m["kind"],
        rights_managed=m["rights_managed"],
        quantity_tiers=tuple(m["quantity_tiers"] or ()),
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
        "profile_id": option.profile_id,
        "description": option.description,
        "kind": option.kind,
        "rights_managed": option.rights_managed,
        "quantity_tiers": list(option.quantity_tiers),
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
        state=m["state"],
        revision=m["revision"],
        for_sale=m["for_sale"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        photographer=photographer_of(m),
    )


def _gallery(m: Mapping[Any, Any]) -> GalleryForSale:
    return GalleryForSale(
        id=m["gallery_id"],
        revision=m["revision"],
        title=m["title"],
        slug=m["slug"],
        whole_gallery_price=m["whole_gallery_price"],
        delivery=dict(m["delivery"]),
        members=list(m["members"]),
        deleted=m["deleted"],
        photographer=photographer_of(m),
    )


def _choices_query() -> Any:
    """Each (media id, license id) pair with the media and the offer it names, NULLs where
    an id is unknown, in the pairs' order: one query for a whole checkout."""
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
        license_options,
        (license_options.c.id == items.c.license_id)
        & (license_options.c.media_id == items.c.media_id),
    )
    return (
        select(
            *[c.label(f"m_{c.name}") for c in media.c],
            *[c.label(f"l_{c.name}") for c in license_options.c],
        )
        .select_from(joined)
        .order_by(items.c.position)
    )


# Run raw (shop_platform.fastpath): every checkout, quote and cart page prices from it.
_CHOICES = Compiled(_choices_query())


def _prefixed(m: Mapping[Any, Any], prefix: str) -> dict[str, Any] | None:
    found = {k.removeprefix(prefix): v for k, v in m.items() if k.startswith(prefix)}
    return None if found["id"] is None else found


def _media_values(item: Media) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind,
        "media_key": item.media_key,
        "width": item.width,
        "height": item.height,
        "credit": item.credit,
        "state": item.state,
        "revision": item.revision,
        "for_sale": item.for_sale,
        "withdrawn_at": None,
        "created_at": item.created_at or func.now(),
        "updated_at": item.updated_at or func.now(),
        **photographer_values(item.photographer),
    }


class SqlCatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _media(self, ids: Sequence[uuid.UUID] | None) -> list[Media]:
        media_query = select(media).order_by(media.c.created_at, media.c.title, media.c.id)
        license_query = select(license_options).order_by(
            license_options.c.media_id, license_options.c.position, license_options.c.price
        )
        if ids is None:
            media_query = media_query.where(media.c.for_sale)
            license_query = license_query.where(
                license_options.c.media_id.in_(select(media.c.id).where(media.c.for_sale))
            )
        else:
            media_query = media_query.where(media.c.id.in_(ids))
            license_query = license_query.where(license_options.c.media_id.in_(ids))
        rows = [row._mapping for row in await self._session.execute(media_query)]
        by_media: dict[uuid.UUID, list[LicenseOption]] = defaultdict(list)
        for row in await self._session.execute(license_query):
            option = _license_of(row._mapping)
            by_media[option.media_id].append(option)
        return [_media(m, by_media.get(m["id"], [])) for m in rows]

    async def list_media(self) -> list[Media]:
        return await self._media(None)

    async def get_media(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, Media]:
        if not ids:
            return {}
        return {m.id: m for m in await self._media(list(set(ids)))}

    async def get_choices(
        self, items: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[CatalogChoice]:
        if not items:
            return []
        args = _CHOICES.args(
            media_ids=[media_id for media_id, _ in items],
            license_ids=[license_id for _, license_id in items],
        )
        choices = []
        for row in await (await raw(self._session)).fetch(_CHOICES.sql, *args):
            found_media, found_license = _prefixed(row, "m_"), _prefixed(row, "l_")
            choices.append(
                CatalogChoice(
                    media=None if found_media is None else _media(found_media, []),
                    license=None if found_license is None else _license_of(found_license),
                )
            )
        return choices

    async def get_galleries(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, GalleryForSale]:
        if not ids:
            return {}
        rows = await self._session.execute(
            select(galleries_for_sale).where(galleries_for_sale.c.gallery_id.in_(set(ids)))
        )
        return {g.id: g for g in (_gallery(row._mapping) for row in rows)}

    async def put_media(self, item: Media) -> bool:
        """Keep this snapshot (and replace the media's offers by its own) when its revision
        is higher than the stored one; False when it is not (nothing is written then)."""
        values = _media_values(item)
        statement = pg_insert(media).values(**values)
        updated = {k: statement.excluded[k] for k in values if k != "id"}
        kept = await self._session.scalar(
            statement.on_conflict_do_update(
                index_elements=[media.c.id],
                set_=updated,
                where=media.c.revision < statement.excluded.revision,
            ).returning(media.c.id)
        )
        if kept is None:
            return False
        await self._session.execute(
            delete(license_options).where(license_options.c.media_id == item.id)
        )
        if item.licenses:
            await self._session.execute(
                insert(license_options), [_license_values(option) for option in item.licenses]
            )
        return True

    async def withdraw_media(self, media_id: uuid.UUID, revision: int, now: datetime) -> bool:
        """No longer for sale from this revision on. An unknown media gets a placeholder
        row (not for sale) so that an older snapshot arriving later stays ignored."""
        statement = pg_insert(media).values(
            id=media_id,
            title="",
            kind="image",
            media_key=f"withdrawn/{media_id}",
            width=1,
            height=1,
            revision=revision,
            for_sale=False,
            withdrawn_at=now,
            created_at=now,
            updated_at=now,
        )
        kept = await self._session.scalar(
            statement.on_conflict_do_update(
                index_elements=[media.c.id],
                set_={"revision": revision, "for_sale": False, "withdrawn_at": now},
                where=media.c.revision < revision,
            ).returning(media.c.id)
        )
        if kept is None:
            return False
        await self._session.execute(
            delete(license_options).where(license_options.c.media_id == media_id)
        )
        return True

    async def put_gallery(self, gallery: GalleryForSale, now: datetime) -> bool:
        values = {
            "gallery_id": gallery.id,
            "revision": gallery.revision,
            "title": gallery.title,
            "slug": gallery.slug,
            "whole_gallery_price": gallery.whole_gallery_price,
            "delivery": gallery.delivery,
            "members": gallery.members,
            "deleted": gallery.deleted,
            "updated_at": now,
            **photographer_values(gallery.photographer),
        }
        statement = pg_insert(galleries_for_sale).values(**values)
        kept = await self._session.scalar(
            statement.on_conflict_do_update(
                index_elements=[galleries_for_sale.c.gallery_id],
                set_={k: statement.excluded[k] for k in values if k != "gallery_id"},
                where=galleries_for_sale.c.revision < statement.excluded.revision,
            ).returning(galleries_for_sale.c.gallery_id)
        )
        return kept is not None
