"""Deliveries and their items: loaded with what a decision needs, saved at once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import RowMapping, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.config import SERVICE
from shop_delivery.db.links import LINK_COLUMN_NAMES
from shop_delivery.db.settings import POLICY_FIELDS, policy_of
from shop_delivery.db.tables import (
    delivery_items,
    finalized_media,
)
from shop_delivery.domain import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DownloadLink,
    PaymentState,
    Trigger,
)
from shop_delivery.domain.galleries import GalleryLine, gallery_lines_json, gallery_lines_of
from shop_delivery.domain.items import DeliveryItem, FileSource, ItemKind, StoredFile
from shop_delivery.service.ports import AddedDelivery, LoadedDelivery
from shop_messaging.locks import lock_order
from shop_platform.fastpath import as_json, column_list, insert_rows_from, raw

_DELIVERY_FIELDS = (
    "status",
    "trigger",
    "forced",
    "triggered_at",
    "delivered_at",
    "cancelled_at",
    "failure_reason",
    "terms_text",
    "withdrawn_at",
    "payment",
    "payment_url",
    "refunded_at",
    "refunded_lines",
)
_ITEM_FIELDS = (
    "media_status",
    "media_created_at",
    "media_updated_at",
    "credit",
    "usage_terms",
    "usage",
    "held",
    "released_at",
    "gallery_title",
    "file_stale_at",
)


def _delivery(row: RowMapping) -> Delivery:
    return Delivery(
        order_id=row["order_id"],
        number=row["number"],
        client_name=row["client_name"],
        client_email=row["client_email"],
        status=DeliveryStatus(row["status"]),
        trigger=Trigger(row["trigger"]) if row["trigger"] else None,
        forced=row["forced"],
        triggered_at=row["triggered_at"],
        delivered_at=row["delivered_at"],
        cancelled_at=row["cancelled_at"],
        failure_reason=row["failure_reason"],
        terms_text=row["terms_text"],
        withdrawn_at=row["withdrawn_at"],
        payment=PaymentState(row["payment"]),
        payment_url=row["payment_url"],
        kind=DeliveryKind(row["kind"]),
        refunded_at=row["refunded_at"],
        refunded_lines=frozenset(uuid.UUID(line) for line in row["refunded_lines"] or []),
    )


def _item(row: RowMapping) -> DeliveryItem:
    stored = None
    if row["file_source"]:
        stored = StoredFile(
            source=FileSource(row["file_source"]),
            key=row["file_key"],
            size_bytes=row["size_bytes"],
            mime_type=row["mime_type"],
            extension="." + row["file_name"].rpartition(".")[2] if row["file_name"] else "",
        )
    return DeliveryItem(
        id=row["id"],
        order_id=row["order_id"],
        line_id=row["line_id"],
        media_id=row["media_id"],
        media_key=row["media_key"],
        media_kind=row["media_kind"],
        license_name=row["license_name"],
        spec=dict(row["spec"]),
        file_name=row["file_name"],
        file=stored,
        position=row["position"],
        kind=ItemKind(row["kind"]),
        **{name: row[name] for name in _ITEM_FIELDS},
    )


def _delivery_values(delivery: Delivery) -> dict[str, Any]:
    """The row's changeable values (its fields are immutable: no copy, unlike `asdict`)."""
    values = {name: getattr(delivery, name) for name in _DELIVERY_FIELDS}
    values["refunded_lines"] = sorted(str(line) for line in delivery.refunded_lines)
    return values


def _item_row(item: DeliveryItem) -> dict[str, Any]:
    """A new item's row."""
    stored = item.file
    return {
        "id": item.id,
        "order_id": item.order_id,
        "position": item.position,
        "line_id": item.line_id,
        "media_id": item.media_id,
        "media_key": item.media_key,
        "media_kind": item.media_kind,
        "license_name": item.license_name,
        "spec": item.spec,
        "kind": item.kind.value,
        "file_name": item.file_name,
        "file_source": stored.source.value if stored else None,
        "file_key": stored.key if stored else None,
        "size_bytes": stored.size_bytes if stored else None,
        "mime_type": stored.mime_type if stored else None,
        **{name: getattr(item, name) for name in _ITEM_FIELDS},
    }


def _item_file_values(item: DeliveryItem) -> dict[str, Any]:
    """An item's row values a delivery changes (its file, hold, place), by column."""
    stored = item.file
    return {
        "file_name": item.file_name,
        "file_source": stored.source.value if stored else None,
        "file_key": stored.key if stored else None,
        "size_bytes": stored.size_bytes if stored else None,
        "mime_type": stored.mime_type if stored else None,
        "held": item.held,
        "released_at": item.released_at,
        "position": item.position,
    }


# The hot path in raw statements (shop_platform.fastpath, issue 15): a new delivery with its
# items, and a save (the delivery's row, its items' files, new items, new links), each in ONE
# statement, the rows passed as jsonb (`as_json`) and read back typed by the tables' own row
# types (`jsonb_populate_record(set)`). The foreign keys are checked at the statement's end,
# so items may go with their new delivery, links with their new items. The reads (the delivery
# with the settings, a singleton row absent until first saved; the items, each with whether its
# media was marked Final since the order was placed) are raw statements too.
_NEW_ITEM_COLUMNS = (
    "id",
    "order_id",
    "position",
    "line_id",
    "media_id",
    "media_key",
    "media_kind",
    "license_name",
    "spec",
    "kind",
    "file_name",
    "file_source",
    "file_key",
    "size_bytes",
    "mime_type",
    *_ITEM_FIELDS,
)
_ITEM_FILE_COLUMNS = (
    "file_name",
    "file_source",
    "file_key",
    "size_bytes",
    "mime_type",
    "held",
    "released_at",
    "position",
)
_NEW_DELIVERY_COLUMNS = (
    "order_id",
    "number",
    "client_name",
    "client_email",
    "kind",
    "gallery_lines",
    *_DELIVERY_FIELDS,
)


def _insert_from(table: str, columns: Sequence[str], source: str, tail: str = "") -> str:
    """`insert_rows_from`, returning a row per row inserted (a later CTE tests them)."""
    return insert_rows_from(table, columns, source, f"{tail} RETURNING 1")


def _set(columns: Sequence[str]) -> str:
    return ", ".join(f'"{name}" = r."{name}"' for name in columns)


# A delivery already recorded for the order (order.placed published twice) is left as it is,
# its items too (no read before it). It also tells whether messages were kept for the order:
# every handler that keeps one holds the order's lock, as the caller does, so none is missed.
_ADD_RAW = f"""
WITH delivery AS (
    {_insert_from("deliveries", _NEW_DELIVERY_COLUMNS, "jsonb_populate_record(NULL::deliveries, $1::jsonb)", "ON CONFLICT (order_id) DO NOTHING")}
), items AS (
    {_insert_from("delivery_items", _NEW_ITEM_COLUMNS, "jsonb_populate_recordset(NULL::delivery_items, $2::jsonb)", "WHERE EXISTS (SELECT FROM delivery)")}
)
SELECT (SELECT count(*) FROM delivery) + 0 * (SELECT count(*) FROM items) AS new,
    EXISTS (SELECT FROM waiting_messages WHERE consumer = $3 AND waits_for = $4) AS waiting
"""  # noqa: E501, S608 - constant names

_SAVE_RAW = f"""
WITH delivery AS (
    UPDATE deliveries SET {_set(_DELIVERY_FIELDS)}
    FROM jsonb_populate_record(NULL::deliveries, $1::jsonb) AS r
    WHERE deliveries.order_id = r.order_id
    RETURNING 1
), files AS (
    UPDATE delivery_items SET {_set(_ITEM_FILE_COLUMNS)}
    FROM jsonb_populate_recordset(NULL::delivery_items, $2::jsonb) AS r
    WHERE delivery_items.id = r.id
    RETURNING 1
), added AS (
    {_insert_from("delivery_items", _NEW_ITEM_COLUMNS, "jsonb_populate_recordset(NULL::delivery_items, $3::jsonb)")}
), links AS (
    {_insert_from("download_links", LINK_COLUMN_NAMES, "jsonb_populate_recordset(NULL::download_links, $4::jsonb)")}
)
SELECT (SELECT count(*) FROM delivery) + (SELECT count(*) FROM files)
    + (SELECT count(*) FROM added) + (SELECT count(*) FROM links)
"""  # noqa: E501, S608 - constant names


_GET_RAW = "SELECT * FROM deliveries WHERE order_id = $1::uuid"
_GET_RAW_LOCKED = _GET_RAW + " FOR UPDATE"
_LOAD_RAW = f"""
    SELECT d.*, {column_list(POLICY_FIELDS, "s.")}
    FROM deliveries AS d LEFT JOIN delivery_settings AS s ON true
    WHERE d.order_id = $1::uuid
"""  # noqa: S608 - constant names
_LOAD_RAW_LOCKED = _LOAD_RAW + " FOR UPDATE OF d"
_ITEMS_RAW = """
    SELECT i.*, f.media_id IS NOT NULL AS finalized
    FROM delivery_items AS i LEFT JOIN finalized_media AS f ON f.media_id = i.media_id
    WHERE i.order_id = $1::uuid
    ORDER BY i.position
"""


def _link_row(link: DownloadLink) -> dict[str, Any]:
    return {name: getattr(link, name) for name in LINK_COLUMN_NAMES}


class SqlDeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        # The values each delivery was loaded with: `save` skips a row that did not change.
        self._loaded: dict[uuid.UUID, dict[str, Any]] = {}

    async def lock_order(self, order_id: uuid.UUID) -> None:
        await lock_order(self.session, SERVICE, order_id)

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Delivery | None:
        db = await raw(self.session)
        row = await db.fetchrow(_GET_RAW_LOCKED if for_update else _GET_RAW, order_id)
        return self._seen(_delivery(row)) if row else None

    async def load(self, order_id: uuid.UUID, *, for_update: bool = False) -> LoadedDelivery | None:
        """Two raw statements: the delivery (locked) with the settings, then its items, read
        after the lock (a fresh snapshot: what a writer committed while we waited is seen)."""
        db = await raw(self.session)
        row = await db.fetchrow(_LOAD_RAW_LOCKED if for_update else _LOAD_RAW, order_id)
        if row is None:
            return None
        rows = await db.fetch(_ITEMS_RAW, order_id)
        return LoadedDelivery(
            delivery=self._seen(_delivery(row)),
            items=[_item(item) for item in rows],
            policy=policy_of(row),
            finalized=frozenset(item["media_id"] for item in rows if item["finalized"]),
            galleries=gallery_lines_of(row["gallery_lines"] or []),
        )

    def _seen(self, delivery: Delivery) -> Delivery:
        self._loaded[delivery.order_id] = _delivery_values(delivery)
        return delivery

    async def add(
        self,
        delivery: Delivery,
        items: Sequence[DeliveryItem],
        galleries: Sequence[GalleryLine] = (),
    ) -> AddedDelivery:
        """Record a new delivery with its items (nothing when the order's delivery exists
        already), and say whether messages were kept for it."""
        row = {
            "order_id": delivery.order_id,
            "number": delivery.number,
            "client_name": delivery.client_name,
            "client_email": delivery.client_email,
            "kind": delivery.kind.value,
            "gallery_lines": gallery_lines_json(galleries),
            **_delivery_values(delivery),
        }
        db = await raw(self.session)
        items_json = as_json([_item_row(i) for i in items])
        order_id = str(delivery.order_id)
        added = await db.fetchrow(_ADD_RAW, as_json(row), items_json, SERVICE, order_id)
        assert added is not None
        if added["new"]:
            self._seen(delivery)
        return AddedDelivery(new=bool(added["new"]), messages_waiting=added["waiting"])

    async def save(
        self,
        delivery: Delivery,
        *,
        items: Sequence[DeliveryItem] = (),
        added: Sequence[DeliveryItem] = (),
        links: Sequence[DownloadLink] = (),
    ) -> None:
        """One raw statement for all of it (none when nothing changed)."""
        values = _delivery_values(delivery)
        changed = self._loaded.get(delivery.order_id) != values
        if not (changed or items or added or links):
            return
        db = await raw(self.session)
        await db.fetchval(
            _SAVE_RAW,
            as_json({"order_id": delivery.order_id, **values}) if changed else None,
            as_json([{"id": i.id, **_item_file_values(i)} for i in items]),
            as_json([_item_row(i) for i in added]),
            as_json([_link_row(link) for link in links]),
        )
        self._loaded[delivery.order_id] = values

    async def drop_holds(
        self, order_id: uuid.UUID, line_ids: Sequence[uuid.UUID] | None = None
    ) -> int:
        query = update(delivery_items).where(
            delivery_items.c.order_id == order_id, delivery_items.c.held
        )
        if line_ids is not None:
            query = query.where(delivery_items.c.line_id.in_(list(line_ids)))
        result = await self.session.execute(query.values(held=False).returning(delivery_items.c.id))
        return len(result.all())

    async def held_items(self, media_id: uuid.UUID) -> list[DeliveryItem]:
        query = select(delivery_items).where(
            delivery_items.c.media_id == media_id, delivery_items.c.held
        )
        return [_item(row) for row in (await self.session.execute(query)).mappings()]

    async def orders_holding(self, media_id: uuid.UUID) -> list[uuid.UUID]:
        query = (
            select(delivery_items.c.order_id)
            .where(delivery_items.c.media_id == media_id, delivery_items.c.held)
            .distinct()
            .order_by(delivery_items.c.order_id)
        )
        return [row[0] for row in await self.session.execute(query)]

    async def mark_finalized(self, media_id: uuid.UUID, media_key: str) -> None:
        await self.session.execute(
            pg_insert(finalized_media)
            .values(media_id=media_id, media_key=media_key)
            .on_conflict_do_nothing(index_elements=["media_id"])
        )

    async def finalized_among(self, media_ids: Sequence[uuid.UUID]) -> frozenset[uuid.UUID]:
        if not media_ids:
            return frozenset()
        query = select(finalized_media.c.media_id).where(
            finalized_media.c.media_id.in_(list(media_ids))
        )
        return frozenset(row[0] for row in await self.session.execute(query))
