"""Galleries, selections, price lists (SQLAlchemy), implementing `service/sales_ports.py`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlSalesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
