"""Where the test PostgreSQL and RabbitMQ servers are."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
from functools import cache
from urllib.parse import urlsplit


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def _docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0


@cache
def postgres_server_url() -> str:
    """An asyncpg SQLAlchemy URL of a server where tests may create databases."""
    url = os.environ.get(
        "TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    )
    if _reachable(url, 5432) or not _docker_available():
        return url
    from testcontainers.postgres import PostgresContainer

    container = PostgresContainer("postgres:16-alpine", driver="asyncpg")
    container.start()
    atexit.register(container.stop)
    return str(container.get_connection_url())


@cache
def amqp_server_url() -> str:
    url = os.environ.get("TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    if _reachable(url, 5672) or not _docker_available():
        return url
    from testcontainers.rabbitmq import RabbitMqContainer

    container = RabbitMqContainer("rabbitmq:3.13-management")
    container.start()
    atexit.register(container.stop)
    host, port = container.get_container_host_ip(), container.get_exposed_port(5672)
    return f"amqp://guest:guest@{host}:{port}/"
