"""Admin sessions: a login starts one, logout ends it, "log out everywhere" ends all of a
person's; and who is behind a session or a personal API token (issue 14).

The cookie carries a signed session id and expiry; whether the session is still live, and
whose it is, is decided here, on every request of every service (the others ask orders), so
ending it takes effect at once, without rotating SECRET_KEY. A disabled account's sessions
and tokens stop working at once too (the account is read with the session).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import structlog

from shop_orders.domain.accounts import Account, AccountStatus
from shop_orders.service.ports import Repositories, Transaction
from shop_platform.accounts import Principal, Role, Via, bootstrap_owner
from shop_platform.auth import new_admin_session
from shop_platform.security import hash_token

log = structlog.get_logger()


async def start_session(
    repos: Repositories, secret: str, now: datetime, account_id: uuid.UUID | None = None
) -> str:
    """A new live session of `account_id` (None: the bootstrap owner); the signed cookie
    value that names it."""
    session_id, cookie, expires = new_admin_session(secret, now=now.timestamp())
    await repos.admin_sessions.start(
        session_id, now, datetime.fromtimestamp(expires, UTC), account_id
    )
    log.info("admin.logged_in", account_id=str(account_id) if account_id else None)
    return cookie


async def end_session(repos: Repositories, session_id: str, now: datetime) -> None:
    await repos.admin_sessions.end(session_id, now)
    log.info("admin.logged_out")


async def end_all_sessions(repos: Repositories, now: datetime, account_id: uuid.UUID | None) -> int:
    """Every live session of one person (None: the bootstrap owner); how many were ended."""
    ended = await repos.admin_sessions.end_all(now, account_id)
    log.info(
        "admin.logged_out_everywhere",
        sessions=ended,
        account_id=str(account_id) if account_id else None,
    )
    return ended


def principal_of(account: Account, via: Via, session_id: str | None = None) -> Principal:
    """The person an account is, as every admin route sees them."""
    return Principal(account.id, account.name, account.email, Role(account.role), via, session_id)


class StoredAdminSessions:
    """`shop_platform.auth.AdminSessions` over orders' own tables."""

    def __init__(self, transaction: Transaction) -> None:
        self._transaction = transaction

    async def principal(self, session_id: str) -> Principal | None:
        async with self._transaction() as repos:
            live = await repos.admin_sessions.live(session_id, datetime.now(UTC))
        if live is None:
            return None
        if live.account is None:
            return bootstrap_owner("session", session_id)
        if live.account.status is not AccountStatus.ACTIVE:
            return None
        return principal_of(live.account, "session", session_id)

    async def token_principal(self, token: str) -> Principal | None:
        """A personal API token: looked up by its SHA-256 (only that is stored)."""
        async with self._transaction() as repos:
            account = await repos.accounts.token_account(hash_token(token), datetime.now(UTC))
        return principal_of(account, "token") if account is not None else None
