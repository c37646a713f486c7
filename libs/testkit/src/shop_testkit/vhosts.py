"""A private RabbitMQ virtual host per test run: its own exchanges and queues, then deleted."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

from shop_testkit.servers import amqp_server_url


class VhostError(RuntimeError):
    pass


async def _rabbitmqctl(*args: str) -> None:
    if not shutil.which("rabbitmqctl"):
        raise VhostError("rabbitmqctl is needed to create a test vhost (or set TEST_AMQP_URL)")
    proc = await asyncio.create_subprocess_exec(
        "rabbitmqctl",
        "-q",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    if proc.returncode != 0:
        raise VhostError(f"rabbitmqctl {' '.join(args)} failed: {err.decode()[:500]}")


async def create_vhost(prefix: str = "shoptest") -> tuple[str, str]:
    """Returns (vhost name, AMQP URL pointing at it)."""
    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    await _rabbitmqctl("add_vhost", name)
    parts = urlsplit(amqp_server_url())
    user = parts.username or "guest"
    await _rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
    url = urlunsplit((parts.scheme, parts.netloc, "/" + quote(name, safe=""), "", ""))
    return name, url


async def delete_vhost(name: str) -> None:
    await _rabbitmqctl("delete_vhost", name)
