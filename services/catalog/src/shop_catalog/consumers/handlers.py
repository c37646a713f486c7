"""`MessageRouter("catalog")`: which media the unfinished orders use (order placed,
cancelled, delivered), so deleting a media an order still needs is refused."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop_catalog.service.ports import Repositories
from shop_messaging.consumer import MessageRouter

CONSUMER = "catalog"


def build_router(
    sessions: async_sessionmaker[AsyncSession],
    repositories: Callable[[AsyncSession], Repositories],
) -> MessageRouter:
    router = MessageRouter(CONSUMER, sessions)
    return router
