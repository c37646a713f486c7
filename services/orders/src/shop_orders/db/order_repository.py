"""Orders, their lines and their append-only history."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, Subquery, bindparam, exists, false, or_, select, true, tuple_
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from shop_contracts.common import InfoFieldValue
from shop_messaging.inbox import claimed_duplicate, take_pending_claim
from shop_orders.db.fact_statements import (
    APPEND_NOTE,
    APPLY_FACT,
    APPLY_FACT_CLAIMING,
    append_note_params,
    apply_fact_args,
)
from shop_orders.db.order_insert import (
    INSERT_ORDER,
    SAVE_ORDER,
    insert_order_args,
    save_order_args,
)
from shop_orders.db.photographer_columns import photographer_of
from shop_orders.db.tables import order_lines, orders
from shop_orders.domain.facts import Fact, Note
from shop_orders.domain.order import (
    Address,
    Charges,
    Customer,
    DeliveryStatus,
    HistoryEntry,
    Order,
    OrderLine,
    OrderStatus,
    PaymentStatus,
)
from shop_orders.domain.order_search import OrderKey, OrderSearch
from shop_orders.domain.photographer import Photographer
from shop_orders.service.ports import AppliedFact
from shop_platform.fastpath import Compiled, raw

_LINE = "line_"  # the prefix of the order_lines columns in a joined row
_LINE_COLUMNS = [c.label(f"{_LINE}{c.name}") for c in order_lines.c]


def _line(row: Mapping[Any, Any], prefix: str = "") -> OrderLine:
    m = {c.name: row[f"{prefix}{c.name}"] for c in order_lines.c}
    return OrderLine(
        id=m["id"],
        media_id=m["media_id"],
        media_title=m["media_title"],
        media_kind=m["media_kind"],
        media_key=m["media_key"],
        license_id=m["license_id"],
        license_name=m["license_name"],
        price=m["price"],
        delivery=dict(m["delivery"]),
        media_status=m["media_status"],
        media_created_at=m["media_created_at"],
        media_updated_at=m["media_updated_at"],
        credit=m["credit"],
        usage_terms=m["usage_terms"],
        gallery_id=m["gallery_id"],
        members=tuple(m["members"] or ()),
        profile_id=m["profile_id"],
        usage=None if m["usage"] is None else tuple((g, o) for g, o in m["usage"]),
        discount=m["discount"],
        service=m["service"],
        offline_delivery=m["offline_delivery"],
        photographer=photographer_of(m),
    )


def _order(m: Mapping[Any, Any], lines: list[OrderLine]) -> Order:
    address = Address(
        line1=m["address_line1"],
        line2=m["address_line2"],
        city=m["address_city"],
        postal_code=m["address_postal_code"],
        country=m["address_country"],
        region=m["address_region"],
    )
    return Order(
        id=m["id"],
        number=m["number"],
        customer=Customer(name=m["client_name"], email=m["client_email"], address=address),
        lines=lines,
        currency=m["currency"],
        manual_validation=m["manual_validation"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        note=m["note"],
        status=OrderStatus(m["status"]),
        payment_status=PaymentStatus(m["payment_status"]),
        delivery_status=DeliveryStatus(m["delivery_status"]),
        downloads_url=m["downloads_url"],
        idempotency_key=m["idempotency_key"],
        request_hash=m["request_hash"],
        traceparent=m["traceparent"],
        charges=_charges(m),
        vat_number=m["vat_number"],
        coupon_code=m["coupon_code"],
        coupon_id=m["coupon_id"],
        fields=[InfoFieldValue.model_validate(value) for value in m["fields"] or ()],
        invoice_number=m["invoice_number"],
        refunded=m["refunded"],
        refund_pending=m["refund_pending"],
        payment_kept=m["payment_kept"],
    )


def _percent(stored: Decimal) -> Decimal:
    """A rate as it was given: 8.8750 (the column's scale) is 8.875, 20.0000 is 20."""
    return Decimal(format(stored.normalize(), "f"))


def _charges(m: Mapping[Any, Any]) -> Charges | None:
    """None on orders placed before the pricing rules (their total is their lines' sum)."""
    if m["subtotal"] is None:
        return None
    return Charges(
        subtotal=m["subtotal"],
        discount=m["discount"],
        tax=m["tax"],
        tax_rate=None if m["tax_rate"] is None else _percent(m["tax_rate"]),
        prices_include_tax=m["prices_include_tax"],
        reverse_charge=m["reverse_charge"],
    )


def _with_lines(
    picked: Select[Any], *, newest_first: bool = False, beside: Subquery | None = None
) -> Select[Any]:
    """The orders `picked` selects, each joined with its lines: one query, a row per line
    (with, on every row, the one row of `beside`, its columns prefixed `beside_`)."""
    o = picked.subquery("o")
    order_by = (o.c.created_at.desc(), o.c.id.desc()) if newest_first else (o.c.id,)
    joined = o if beside is None else o.join(beside, true())
    extra = () if beside is None else [c.label(f"{BESIDE}{c.name}") for c in beside.c]
    return (
        select(o, *_LINE_COLUMNS, *extra)
        .select_from(joined.outerjoin(order_lines, order_lines.c.order_id == o.c.id))
        .order_by(*order_by, order_lines.c.position)
    )


BESIDE = "beside_"


def by_id_beside(beside: Subquery) -> Select[Any]:
    """The order by its id (`order_id`) with its lines, and `beside`'s one row on each row
    (`orders_of` reads the order, the `beside_` columns are the caller's)."""
    return _with_lines(select(orders).where(orders.c.id == bindparam("order_id")), beside=beside)


_BY_ID = _with_lines(select(orders).where(orders.c.id == bindparam("order_id")))
_BY_ID_LOCKED = _with_lines(
    select(orders).where(orders.c.id == bindparam("order_id")).with_for_update()
)
_BY_KEY = _with_lines(select(orders).where(orders.c.idempotency_key == bindparam("key")))
# The order by its id, run raw (shop_platform.fastpath): the order's page, a payment's invoice,
# every admin command load it (~60 columns a row, where SQLAlchemy's row processing costs most).
_BY_ID_RAW = Compiled(_BY_ID)
_BY_ID_LOCKED_RAW = Compiled(_BY_ID_LOCKED)
# An order's history, as every admin command answers with it (raw).
_HISTORY = "SELECT at, kind, detail, actor FROM order_history WHERE order_id = $1::uuid ORDER BY id"


def orders_of(rows: Iterable[Mapping[Any, Any]]) -> list[Order]:
    """The orders in rows of `_with_lines` (a row per line), in their order."""
    found: dict[uuid.UUID, tuple[Mapping[Any, Any], list[OrderLine]]] = {}
    for m in rows:
        _, lines = found.setdefault(m["id"], (m, []))
        if m[f"{_LINE}id"] is not None:
            lines.append(_line(m, _LINE))
    return [_order(m, lines) for m, lines in found.values()]


def _containing(text: str) -> str:
    """An ILIKE pattern (ESCAPE '\\') for `text` anywhere, its wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlOrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, order: Order) -> bool:
        """One raw statement: the order `ON CONFLICT (idempotency_key) DO NOTHING`, then its
        lines and history only if it was inserted."""
        db = await raw(self._session)
        if not await db.fetchval(INSERT_ORDER, *insert_order_args(order)):
            return False
        order.new_history.clear()
        return True

    async def _load(self, query: Select[Any], params: dict[str, Any] | None = None) -> list[Order]:
        return orders_of((await self._session.execute(query, params)).mappings())

    async def get(self, order_id: uuid.UUID, *, for_update: bool = False) -> Order | None:
        query = _BY_ID_LOCKED_RAW if for_update else _BY_ID_RAW
        rows = await (await raw(self._session)).fetch(query.sql, *query.args(order_id=order_id))
        found = orders_of(rows)
        return found[0] if found else None

    async def get_by_idempotency_key(self, key: str) -> Order | None:
        found = await self._load(_BY_KEY, {"key": key})
        return found[0] if found else None

    async def save(self, order: Order) -> None:
        """One raw statement: the order's row and its new history entries."""
        db = await raw(self._session)
        await db.execute(SAVE_ORDER, *save_order_args(order))
        order.new_history.clear()

    async def apply(self, order_id: uuid.UUID, fact: Fact, now: datetime) -> AppliedFact:
        """One raw statement (the hot path: payment, delivery); the message's inbox claim rides
        on it when it is still pending (a consumer's handler)."""
        claim = take_pending_claim(self._session)
        db = await raw(self._session)
        args = apply_fact_args(order_id, fact, now)
        if claim is None:
            row = await db.fetchrow(APPLY_FACT, *args)
        else:
            claim_args = (claim["message_id"], claim["consumer"], claim["message_type"])
            row = await db.fetchrow(APPLY_FACT_CLAIMING, *args, *claim_args)
        assert row is not None
        if not row["claimed"]:
            raise claimed_duplicate(self._session)
        rule = row["rule"]
        effect = None if rule is None else fact.effects[rule]
        return AppliedFact(found=bool(row["found"]), effect=effect)

    async def append_note(self, order_id: uuid.UUID, note: Note, now: datetime) -> bool:
        params = append_note_params(order_id, note, now)
        return await self._session.scalar(APPEND_NOTE, params) is not None

    async def search(
        self, search: OrderSearch, *, after: OrderKey | None, limit: int
    ) -> list[Order]:
        """One statement: the page of orders (keyset on `(created_at, id)`, migration 0013's
        indexes) joined with their lines."""
        picked = select(orders)
        if search.q is not None:
            pattern = _containing(search.q)
            picked = picked.where(
                or_(
                    orders.c.number.ilike(pattern, escape="\\"),
                    orders.c.client_name.ilike(pattern, escape="\\"),
                    orders.c.client_email.ilike(pattern, escape="\\"),
                )
            )
        if search.status is not None:
            picked = picked.where(orders.c.status == search.status.value)
        if (since := search.placed_since()) is not None:
            picked = picked.where(orders.c.created_at >= since)
        if (before := search.placed_before()) is not None:
            picked = picked.where(orders.c.created_at < before)
        for photographer in (search.photographer, search.scope):
            if photographer is not None:  # the agency (issue 14): a line of theirs
                theirs = order_lines.c.photographer_id == photographer
                picked = picked.where(exists().where(order_lines.c.order_id == orders.c.id, theirs))
        if search.scope is not None and search.photographer not in (None, search.scope):
            picked = picked.where(false())  # a photographer asking for another's: nothing
        if after is not None:
            picked = picked.where(
                tuple_(orders.c.created_at, orders.c.id) < tuple_(after.created_at, after.id)
            )
        picked = picked.order_by(orders.c.created_at.desc(), orders.c.id.desc()).limit(limit)
        return await self._load(_with_lines(picked, newest_first=True))

    async def photographers(self) -> list[Photographer]:
        """One statement over the photographer index: each photographer once (the name and
        email of their latest line), by name."""
        latest = (
            select(
                order_lines.c.photographer_id,
                order_lines.c.photographer_name,
                order_lines.c.photographer_email,
            )
            .where(order_lines.c.photographer_id.is_not(None))
            .ext(distinct_on(order_lines.c.photographer_id))
            .order_by(order_lines.c.photographer_id, order_lines.c.order_id.desc())
            .subquery()
        )
        rows = await self._session.execute(
            select(latest).order_by(latest.c.photographer_name, latest.c.photographer_id)
        )
        return [p for p in (photographer_of(row._mapping) for row in rows) if p is not None]

    async def history(self, order_id: uuid.UUID) -> list[HistoryEntry]:
        rows = await (await raw(self._session)).fetch(_HISTORY, order_id)
        return [
            HistoryEntry(at=m["at"], kind=m["kind"], detail=m["detail"], actor=m["actor"])
            for m in rows
        ]
