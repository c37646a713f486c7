"""Admin sessions: started at login, ended at logout (one, or all of a person's)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop_orders.db.account_repository import account_of
from shop_orders.db.account_tables import accounts
from shop_orders.db.tables import admin_sessions
from shop_orders.service.ports import LiveSession
from shop_platform.security import hash_token


class SqlAdminSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def start(
        self,
        session_id: str,
        now: datetime,
        expires_at: datetime,
        account_id: uuid.UUID | None = None,
    ) -> None:
        # Expired sessions are of no use to anyone: each login sweeps them (the table stays small).
        await self._session.execute(delete(admin_sessions).where(admin_sessions.c.expires_at < now))
        await self._session.execute(
            insert(admin_sessions).values(
                id_hash=hash_token(session_id),
                created_at=now,
                expires_at=expires_at,
                account_id=account_id,
            )
        )

    async def end(self, session_id: str, now: datetime) -> None:
        await self._session.execute(
            update(admin_sessions)
            .where(admin_sessions.c.id_hash == hash_token(session_id))
            .where(admin_sessions.c.ended_at.is_(None))
            .values(ended_at=now)
        )

    async def end_all(self, now: datetime, account_id: uuid.UUID | None) -> int:
        """End every live session of one person (`account_id` None: the bootstrap owner's)."""
        owner = (
            admin_sessions.c.account_id.is_(None)
            if account_id is None
            else admin_sessions.c.account_id == account_id
        )
        result = await self._session.execute(
            update(admin_sessions)
            .where(owner)
            .where(admin_sessions.c.ended_at.is_(None))
            .where(admin_sessions.c.expires_at > now)
            .values(ended_at=now)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def live(self, session_id: str, now: datetime) -> LiveSession | None:
        """The live session `session_id` names, with its account (one statement)."""
        row = (
            await self._session.execute(
                select(admin_sessions.c.account_id.label("session_account"), *accounts.c)
                .select_from(
                    admin_sessions.outerjoin(accounts, accounts.c.id == admin_sessions.c.account_id)
                )
                .where(admin_sessions.c.id_hash == hash_token(session_id))
                .where(admin_sessions.c.ended_at.is_(None))
                .where(admin_sessions.c.expires_at > now)
            )
        ).first()
        if row is None:
            return None
        # The FK cascades: a session's account always exists; none = the bootstrap owner.
        return LiveSession(account=None if row.session_account is None else account_of(row))
