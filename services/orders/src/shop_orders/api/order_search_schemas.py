"""The admin orders list's paged answer (issue 14 item 4)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shop_orders.api.schemas import AdminOrderRead


class AdminOrderPage(BaseModel):
    orders: list[AdminOrderRead]
    next_cursor: str | None = Field(
        description="pass as `cursor`, with the same filters, for the next page; null on the last"
    )
