"""Admin sessions for tests of one service alone (orders, which owns them, is not running)."""

from __future__ import annotations

from shop_platform.auth import new_admin_session


class KnownAdminSessions:
    """`shop_platform.auth.AdminSessions` in memory: the sessions a test logged in."""

    def __init__(self) -> None:
        self.live: set[str] = set()

    async def is_live(self, session_id: str) -> bool:
        return session_id in self.live

    def login(self, secret: str) -> str:
        """A live session's signed cookie value."""
        session_id, cookie, _ = new_admin_session(secret)
        self.live.add(session_id)
        return cookie

    def logout_all(self) -> None:
        self.live.clear()
