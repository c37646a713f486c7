"""LISTEN on a PostgreSQL channel and set an event on each NOTIFY, reconnecting for ever.

The outbox relay and the email sender both wake this way; polling covers the gaps while the
database is away.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
from sqlalchemy.engine import URL, make_url


def _dsn(url: str | URL) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def listen_forever(
    url: str | URL, channel: str, wake: asyncio.Event, stopping: asyncio.Event, retry_s: float = 2.0
) -> None:
    """Run until `stopping` is set (or cancelled); `wake` is set on every notification."""
    while not stopping.is_set():
        try:
            conn = await asyncpg.connect(_dsn(url))
            try:
                lost = asyncio.Event()
                conn.add_termination_listener(lambda *_, ev=lost: ev.set())
                await conn.add_listener(channel, lambda *_: wake.set())
                wake.set()  # work may have arrived while we were not listening
                await lost.wait()
            finally:
                with contextlib.suppress(Exception):
                    await conn.close()
        except asyncio.CancelledError:
            raise
        except Exception:
            await asyncio.sleep(retry_s)
