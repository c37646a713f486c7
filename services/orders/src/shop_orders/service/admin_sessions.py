"""Admin sessions: a login starts one, logout ends it, "log out everywhere" ends them all.

The cookie carries a signed session id and expiry; whether the session is still live is
decided here, on every request of every service (the others ask orders), so ending it
takes effect at once, without rotating SECRET_KEY.
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from shop_orders.service.ports import Repositories, Transaction
from shop_platform.auth import new_admin_session

log = structlog.get_logger()


async def start_session(repos: Repositories, secret: str, now: datetime) -> str:
    """A new live session; the signed cookie value that names it."""
    session_id, cookie, expires = new_admin_session(secret, now=now.timestamp())
    await repos.admin_sessions.start(session_id, now, datetime.fromtimestamp(expires, UTC))
    log.info("admin.logged_in")
    return cookie


async def end_session(repos: Repositories, session_id: str, now: datetime) -> None:
    await repos.admin_sessions.end(session_id, now)
    log.info("admin.logged_out")


async def end_all_sessions(repos: Repositories, now: datetime) -> int:
    ended = await repos.admin_sessions.end_all(now)
    log.info("admin.logged_out_everywhere", sessions=ended)
    return ended


class StoredAdminSessions:
    """`shop_platform.auth.AdminSessions` over orders' own table."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction

    async def is_live(self, session_id: str) -> bool:
        async with self._transaction() as repos:
            return await repos.admin_sessions.is_live(session_id, datetime.now(UTC))
