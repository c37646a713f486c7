"""The media library's repositories (SQLAlchemy), implementing `service/media_ports.py`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlMediaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session


class SqlMediaUsageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
