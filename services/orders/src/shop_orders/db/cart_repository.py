"""Carts and their lines (no prices: they come from the read model each time)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.tables import cart_lines, carts
from shop_orders.domain.cart import Cart, CartLine


def _options_of(stored: Any) -> tuple[tuple[str, str], ...] | None:
    """A rights-managed line's choices, kept as [[group, option], ...] (a list keeps order)."""
    if stored is None:
        return None
    return tuple((str(group), str(option)) for group, option in stored)


class SqlCartRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, cart: Cart) -> None:
        await self._session.execute(
            insert(carts).values(
                id=cart.id,
                created_at=cart.created_at,
                updated_at=cart.updated_at,
                expires_at=cart.expires_at,
                checked_out_at=cart.checked_out_at,
            )
        )

    async def get(self, cart_id: str, *, for_update: bool = False) -> Cart | None:
        query = select(carts).where(carts.c.id == cart_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        if row is None:
            return None
        lines = await self._session.execute(
            select(cart_lines)
            .where(cart_lines.c.cart_id == cart_id)
            .order_by(cart_lines.c.added_at, cart_lines.c.id)
        )
        return Cart(
            id=row["id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            expires_at=row["expires_at"],
            checked_out_at=row["checked_out_at"],
            lines=[
                CartLine(
                    id=m["id"],
                    added_at=m["added_at"],
                    media_id=m["media_id"],
                    license_id=m["license_id"],
                    gallery_id=m["gallery_id"],
                    profile_id=m["profile_id"],
                    options=_options_of(m["options"]),
                )
                for m in lines.mappings()
            ],
        )

    async def put_line(self, cart_id: str, line: CartLine) -> None:
        """A media line replaces the cart's line for that media (its license changes);
        a gallery already in the cart stays as it is."""
        values = {
            "id": line.id,
            "cart_id": cart_id,
            "media_id": line.media_id,
            "license_id": line.license_id,
            "gallery_id": line.gallery_id,
            "added_at": line.added_at,
            "profile_id": line.profile_id,
            "options": None if line.options is None else [list(pair) for pair in line.options],
        }
        statement = pg_insert(cart_lines).values(**values)
        if line.media_id is not None:
            statement = statement.on_conflict_do_update(
                index_elements=[cart_lines.c.cart_id, cart_lines.c.media_id],
                set_={
                    "license_id": line.license_id,
                    "profile_id": statement.excluded.profile_id,
                    "options": statement.excluded.options,
                },
            )
        else:
            statement = statement.on_conflict_do_nothing(
                index_elements=[cart_lines.c.cart_id, cart_lines.c.gallery_id]
            )
        await self._session.execute(statement)

    async def remove_line(self, cart_id: str, line_id: uuid.UUID) -> bool:
        removed = await self._session.execute(
            delete(cart_lines)
            .where(cart_lines.c.cart_id == cart_id, cart_lines.c.id == line_id)
            .returning(cart_lines.c.id)
        )
        return removed.first() is not None

    async def touch(self, cart_id: str, now: datetime, expires_at: datetime) -> None:
        await self._session.execute(
            update(carts).where(carts.c.id == cart_id).values(updated_at=now, expires_at=expires_at)
        )

    async def check_out(self, cart_id: str, now: datetime) -> bool:
        """Mark the cart ordered; False when it already was."""
        done = await self._session.execute(
            update(carts)
            .where(carts.c.id == cart_id, carts.c.checked_out_at.is_(None))
            .values(checked_out_at=now, updated_at=now)
            .returning(carts.c.id)
        )
        return done.first() is not None

    async def purge_expired(self, before: datetime) -> int:
        purged = await self._session.execute(
            delete(carts).where(carts.c.expires_at < before).returning(carts.c.id)
        )
        return len(purged.all())
