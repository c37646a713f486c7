"""Admin sessions: started at login, ended at logout (one, or all of them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.tables import admin_sessions
from shop_platform.security import hash_token


class SqlAdminSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def start(self, session_id: str, now: datetime, expires_at: datetime) -> None:
        # Expired sessions are of no use to anyone: each login sweeps them (the table stays small).
        await self._session.execute(delete(admin_sessions).where(admin_sessions.c.expires_at < now))
        await self._session.execute(
            insert(admin_sessions).values(
                id_hash=hash_token(session_id), created_at=now, expires_at=expires_at
            )
        )

    async def end(self, session_id: str, now: datetime) -> None:
        await self._session.execute(
            update(admin_sessions)
            .where(admin_sessions.c.id_hash == hash_token(session_id))
            .where(admin_sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )

    async def end_all(self, now: datetime) -> int:
        result = await self._session.execute(
            update(admin_sessions)
            .where(admin_sessions.c.ended_at.is_(None))
            .where(admin_sessions.c.expires_at > now)
            .values(ended_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def is_live(self, session_id: str, now: datetime) -> bool:
        found = await self._session.execute(
            select(admin_sessions.c.id_hash)
            .where(admin_sessions.c.id_hash == hash_token(session_id))
            .where(admin_sessions.c.ended_at.is_(None))
            .where(admin_sessions.c.expires_at > now)
        )
        return found.first() is not None
