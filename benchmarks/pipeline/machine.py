"""What the numbers were measured on."""

from __future__ import annotations

import os
import platform
import sys

import aio_pika
import asyncpg
import psutil
from sqlalchemy.engine import make_url


def asyncpg_dsn(url: str) -> str:
    """A SQLAlchemy URL (postgresql+asyncpg://...) as an asyncpg DSN."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


async def describe(amqp_url: str, pg_url: str) -> dict[str, str]:
    info = {
        "cpu": f"{cpu_model()}, {os.cpu_count()} cores",
        "ram": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "load": "load average {:.2f} {:.2f} {:.2f} (before the run)".format(*os.getloadavg()),
    }
    try:
        conn = await aio_pika.connect(amqp_url)
        props = conn.transport.connection.server_properties  # type: ignore[union-attr]
        version = props.get("version", b"?")
        info["rabbitmq"] = version.decode() if isinstance(version, bytes) else str(version)
        await conn.close()
    except Exception as exc:
        info["rabbitmq"] = f"unknown ({exc!r})"
    try:
        pg = await asyncpg.connect(asyncpg_dsn(pg_url))
        info["postgresql"] = str(await pg.fetchval("SHOW server_version"))
        settings = await pg.fetch(
            "SELECT name, setting FROM pg_settings WHERE name = ANY($1)",
            ["synchronous_commit", "fsync", "max_connections", "shared_buffers"],
        )
        info["postgresql"] += (
            " (" + ", ".join(f"{r['name']}={r['setting']}" for r in settings) + ")"
        )
        await pg.close()
    except Exception as exc:
        info["postgresql"] = f"unknown ({exc!r})"
    return info
