"""PostgreSQL and RabbitMQ on this machine: check they answer, start them when they don't."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from shop_messaging.failover import amqp_urls

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Server:
    name: str
    host: str
    port: int
    start_command: list[str] | None  # how to start it on this machine, if known

    @property
    def local(self) -> bool:
        return self.host in LOCAL_HOSTS


def _postgres_start_command() -> list[str] | None:
    clusters = (
        sorted(p.name for p in Path("/etc/postgresql").glob("*"))
        if shutil.which("pg_ctlcluster")
        else []
    )
    if not clusters:
        return None
    return ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"]


def _rabbitmq_start_command() -> list[str] | None:
    return ["rabbitmq-server", "-detached"] if shutil.which("rabbitmq-server") else None


def postgres_server(database_url: str) -> Server:
    parts = urlsplit(database_url)
    return Server(
        "PostgreSQL", parts.hostname or "127.0.0.1", parts.port or 5432, _postgres_start_command()
    )


def rabbitmq_server(amqp_url: str) -> Server:
    """The broker of `AMQP_URL`; of a list of nodes, the first (the preferred one)."""
    parts = urlsplit(amqp_urls(amqp_url)[0])
    return Server(
        "RabbitMQ", parts.hostname or "127.0.0.1", parts.port or 5672, _rabbitmq_start_command()
    )


async def answers(server: Server, timeout: float = 1.0) -> bool:
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(server.host, server.port), timeout
        )
    except (OSError, TimeoutError):
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True


async def ensure_running(server: Server, timeout: float = 60.0) -> None:
    """Return when `server` accepts connections; start it first if it is local and down."""
    if await answers(server):
        return
    where = f"{server.name} at {server.host}:{server.port}"
    if not server.local or server.start_command is None:
        raise RuntimeError(f"{where} does not answer, and this tool cannot start it")
    print(f"{where} does not answer; starting it: {' '.join(server.start_command)}", flush=True)
    # Output to a file, not a pipe: a daemon it leaves behind would keep a pipe open forever.
    with tempfile.TemporaryFile() as output:
        proc = await asyncio.create_subprocess_exec(
            *server.start_command, stdout=output, stderr=output, stdin=asyncio.subprocess.DEVNULL
        )
        if await proc.wait() != 0:
            output.seek(0)
            said = output.read(300).decode(errors="replace")
            print(f"  ({server.start_command[0]} exited with {proc.returncode}: {said})")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await answers(server):
            return
        await asyncio.sleep(0.5)
    raise RuntimeError(f"{where} still does not answer after {timeout:.0f}s")
