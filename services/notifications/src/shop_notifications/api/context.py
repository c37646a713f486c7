"""What the HTTP routes need, handed over by the composition root (the kernel's one way)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

import jinja2
from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_kernel.deps import context_dependency
from shop_notifications.config import NotificationsSettings
from shop_notifications.db.repository import EmailRepository
from shop_notifications.service.email_log import EmailLog
from shop_platform.auth import AdminAuth


@dataclass(frozen=True)
class NotificationsContext:
    settings: NotificationsSettings
    sessions: async_sessionmaker[AsyncSession]
    auth: AdminAuth
    pages: jinja2.Environment

    @asynccontextmanager
    async def email_log(self) -> AsyncIterator[EmailLog]:
        """The email log, read in one session."""
        async with self.sessions() as session:
            yield EmailRepository(session)

    @property
    def login_url(self) -> str:
        return f"{self.settings.orders_public_url.rstrip('/')}/admin/login"


Ctx = Annotated[NotificationsContext, Depends(context_dependency(NotificationsContext))]
