"""Admin sessions and API tokens for tests of one service alone (orders, which owns them, is
not running)."""

from __future__ import annotations

import dataclasses

from shop_platform.accounts import Principal, bootstrap_owner
from shop_platform.auth import new_admin_session


class KnownAdminSessions:
    """`shop_platform.auth.AdminSessions` in memory: the sessions a test logged in and the
    API tokens it made, each with the person behind it (default: the owner)."""

    def __init__(self) -> None:
        self.live: dict[str, Principal] = {}
        self.tokens: dict[str, Principal] = {}

    async def principal(self, session_id: str) -> Principal | None:
        return self.live.get(session_id)

    async def token_principal(self, token: str) -> Principal | None:
        return self.tokens.get(token)

    def login(self, secret: str, who: Principal | None = None) -> str:
        """A live session's signed cookie value."""
        session_id, cookie, _ = new_admin_session(secret)
        person = who or bootstrap_owner("session")
        self.live[session_id] = dataclasses.replace(person, via="session", session_id=session_id)
        return cookie

    def add_token(self, token: str, who: Principal) -> None:
        self.tokens[token] = dataclasses.replace(who, via="token")

    def logout_all(self) -> None:
        self.live.clear()
