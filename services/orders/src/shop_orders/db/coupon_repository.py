"""Coupons and their uses on PostgreSQL.

A use is taken atomically in the placing transaction: the counter moves only by
`UPDATE coupons SET uses = uses + 1 WHERE id = $1 AND (max_uses IS NULL OR uses < max_uses)
RETURNING ...` (the row lock serializes concurrent takers: 20 checkouts on a 5-use coupon
take exactly 5), and a coupon used once per client is refused a second time by the partial
unique index on coupon_uses (coupon_id, client_email). A use is given back (row deleted,
counter down) in the cancelling transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.pricing_tables import coupon_uses, coupons
from shop_orders.domain.coupons import CouponRecord
from shop_pricing.coupons import Refusal, normalize_code
from shop_pricing.rounding import PriceError

# What the admin may write (the rest is the repository's: id, uses, dates of use).
_WRITABLE = (
    "code",
    "kind",
    "value",
    "minimum_order",
    "profile_ids",
    "starts_at",
    "ends_at",
    "max_uses",
    "once_per_client",
    "active",
)


def _record(m: Any) -> CouponRecord:
    profile_ids = m["profile_ids"]
    return CouponRecord(
        id=m["id"],
        code=m["code"],
        kind=m["kind"],
        value=int(m["value"]),
        minimum_order=m["minimum_order"],
        profile_ids=frozenset(profile_ids) if profile_ids else None,
        starts_at=m["starts_at"],
        ends_at=m["ends_at"],
        max_uses=m["max_uses"],
        uses=int(m["uses"]),
        once_per_client=m["once_per_client"],
        active=m["active"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        first_used_at=m["first_used_at"],
    )


def _values(record: CouponRecord) -> dict[str, Any]:
    values = {name: getattr(record, name) for name in _WRITABLE}
    values["profile_ids"] = sorted(record.profile_ids) if record.profile_ids else None
    return values


def normalize_email(email: str) -> str:
    return email.strip().lower()


class SqlCouponRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # -- placing ---------------------------------------------------------------------------

    async def get_by_code(self, code: str) -> CouponRecord | None:
        """The active coupon with this code (case-insensitive, blanks around ignored); None
        when there is none, it is disabled, or the text cannot be a code."""
        try:
            canonical = normalize_code(code)
        except PriceError:
            return None
        query = select(coupons).where(coupons.c.code == canonical, coupons.c.active)
        row = (await self._session.execute(query)).mappings().first()
        return _record(row) if row is not None else None

    async def used_by(self, coupon_id: uuid.UUID, client_email: str) -> bool:
        """Whether this email holds a once-per-client use of the coupon (`check_available`'s
        `used_by_client` before placing or quoting; `take_use` enforces it atomically)."""
        query = select(coupon_uses.c.order_id).where(
            coupon_uses.c.coupon_id == coupon_id,
            coupon_uses.c.once_per_client,
            coupon_uses.c.client_email == normalize_email(client_email),
        )
        return (await self._session.execute(query.limit(1))).first() is not None

    async def take_use(
        self,
        coupon_id: uuid.UUID,
        order_id: uuid.UUID,
        client_email: str,
        once_per_client: bool,
        now: datetime | None = None,
    ) -> Refusal | None:
        """Take one use of the coupon for the order, in the caller's transaction; None when
        taken, else why not: `used_up` (no use left), `already_used_by_client` (a coupon
        used once per client, this email holds a use), `unknown` (no such active coupon).
        A refusal leaves nothing written."""
        email = normalize_email(client_email)
        moment = now if now is not None else func.now()
        # The counter first: the row lock serializes the takers of one coupon, and the
        # condition is checked on the row as the previous taker committed it.
        taken = await self._session.execute(
            update(coupons)
            .where(
                coupons.c.id == coupon_id,
                coupons.c.active,
                (coupons.c.max_uses.is_(None)) | (coupons.c.uses < coupons.c.max_uses),
            )
            .values(
                uses=coupons.c.uses + 1,
                first_used_at=func.coalesce(coupons.c.first_used_at, moment),
            )
            .returning(coupons.c.id)
        )
        if taken.first() is None:
            exists = await self._session.execute(
                select(coupons.c.id).where(coupons.c.id == coupon_id, coupons.c.active)
            )
            return Refusal.USED_UP if exists.first() is not None else Refusal.UNKNOWN
        inserted = await self._session.execute(
            insert(coupon_uses)
            .values(
                order_id=order_id,
                coupon_id=coupon_id,
                client_email=email,
                once_per_client=once_per_client,
                taken_at=moment,
            )
            .on_conflict_do_nothing(
                index_elements=["coupon_id", "client_email"],
                index_where=text("once_per_client"),
            )
            .returning(coupon_uses.c.order_id)
        )
        if inserted.first() is not None:
            return None
        # This email already holds a use of a coupon used once per client (the partial
        # unique index): the counter goes back (first_used_at was set by that earlier use).
        await self._session.execute(
            update(coupons).where(coupons.c.id == coupon_id).values(uses=coupons.c.uses - 1)
        )
        return Refusal.ALREADY_USED_BY_CLIENT

    async def give_back(self, order_id: uuid.UUID) -> bool:
        """Give back the use the order holds (in the cancelling transaction); False when it
        holds none. The code stays frozen (first_used_at is kept)."""
        gone = (
            delete(coupon_uses)
            .where(coupon_uses.c.order_id == order_id)
            .returning(coupon_uses.c.coupon_id)
            .cte("gone")
        )
        statement = (
            update(coupons)
            .where(coupons.c.id == gone.c.coupon_id)
            .values(uses=coupons.c.uses - 1)
            .returning(coupons.c.id)
        )
        return (await self._session.execute(statement)).first() is not None

    # -- the admin ---------------------------------------------------------------------------

    async def list(self) -> list[CouponRecord]:
        query = select(coupons).order_by(coupons.c.created_at.desc(), coupons.c.code)
        return [_record(m) for m in (await self._session.execute(query)).mappings()]

    async def get(self, coupon_id: uuid.UUID, *, for_update: bool = False) -> CouponRecord | None:
        query = select(coupons).where(coupons.c.id == coupon_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return _record(row) if row is not None else None

    async def code_taken(self, code: str, *, other_than: uuid.UUID | None = None) -> bool:
        """Whether another coupon has this (normalized) code."""
        query = select(coupons.c.id).where(coupons.c.code == code)
        if other_than is not None:
            query = query.where(coupons.c.id != other_than)
        return (await self._session.execute(query)).first() is not None

    async def add(self, record: CouponRecord, now: datetime) -> bool:
        """Insert the coupon; False when its code is taken (nothing is written then)."""
        inserted = await self._session.execute(
            insert(coupons)
            .values(id=record.id, created_at=now, updated_at=now, **_values(record))
            .on_conflict_do_nothing(index_elements=["code"])
            .returning(coupons.c.id)
        )
        return inserted.first() is not None

    async def save(self, record: CouponRecord, now: datetime) -> bool:
        """Store what the admin may change (the caller holds the row lock); False when the
        code is taken by another coupon (nothing is written then)."""
        statement = (
            update(coupons)
            .where(coupons.c.id == record.id)
            .values(updated_at=now, **_values(record))
        )
        try:
            async with self._session.begin_nested():
                await self._session.execute(statement)
        except IntegrityError as exc:
            if "coupons_code_key" not in str(exc.orig):
                raise
            return False
        return True

    async def delete(self, coupon_id: uuid.UUID) -> bool:
        """Delete a coupon never used; False when there is no such unused coupon."""
        deleted = await self._session.execute(
            delete(coupons)
            .where(coupons.c.id == coupon_id, coupons.c.first_used_at.is_(None))
            .returning(coupons.c.id)
        )
        return deleted.first() is not None
