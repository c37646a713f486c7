"""The photographer's order information fields on PostgreSQL (replaced as a whole)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.pricing_tables import order_fields
from shop_orders.domain.order_fields import OrderField


class SqlOrderFieldRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list(self) -> builtins.list[OrderField]:
        """The fields, in the order the checkout asks them."""
        query = select(order_fields).order_by(order_fields.c.position)
        return [
            OrderField(
                name=m["name"],
                label=m["label"],
                kind=m["kind"],
                required=m["required"],
                max_length=m["max_length"],
                choices=tuple(m["choices"] or ()),
            )
            for m in (await self._session.execute(query)).mappings()
        ]

    async def replace(self, fields: Sequence[OrderField]) -> None:
        """The new definitions, all at once (orders placed keep their own copy)."""
        await self._session.execute(delete(order_fields))
        if fields:
            await self._session.execute(
                insert(order_fields),
                [
                    {
                        "name": f.name,
                        "position": position,
                        "label": f.label,
                        "kind": f.kind,
                        "required": f.required,
                        "max_length": f.max_length,
                        "choices": list(f.choices),
                    }
                    for position, f in enumerate(fields)
                ],
            )
