"""One transaction's repositories: `async with root.transaction() as repos:` opens a session,
builds the service's repositories on it, commits at the end, rolls back on an error. Every
service's use cases take the repositories this yields (their `service/ports.py` type)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

R = TypeVar("R")


class SqlTransaction(Generic[R]):
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        repositories: Callable[[AsyncSession], R],
    ) -> None:
        self._sessions = sessions
        self._repositories = repositories

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[R]:
        async with self._sessions.begin() as session:
            yield self._repositories(session)
