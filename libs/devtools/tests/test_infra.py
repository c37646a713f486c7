"""Checking PostgreSQL / RabbitMQ answer, and starting them when they don't."""

from __future__ import annotations

import sys
import textwrap

import pytest

from shop_devtools.infra import Server, answers, ensure_running, rabbitmq_server
from shop_devtools.stack import free_port


def detached_listener(port: int) -> list[str]:
    """A start command that returns at once and leaves a listener behind (like -detached)."""
    listener = textwrap.dedent(f"""
        import socket, time
        s = socket.socket(); s.bind(("127.0.0.1", {port})); s.listen(); time.sleep(20)
    """)
    return [
        sys.executable,
        "-c",
        f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {listener!r}])",
    ]


async def test_a_local_server_that_is_down_is_started():
    port = free_port()
    server = Server("Fake", "127.0.0.1", port, detached_listener(port))
    assert not await answers(server)
    await ensure_running(server, timeout=20)
    assert await answers(server)


async def test_a_remote_server_that_is_down_is_reported():
    # 127.0.0.2 is not one of the names this tool starts servers for, and nothing listens
    # there: a made-up outside address (10.255.255.1) was sometimes answered by this
    # machine's network (the test flaked).
    server = Server("Fake", "127.0.0.2", free_port(), ["true"])
    assert not server.local
    with pytest.raises(RuntimeError, match="does not answer"):
        await ensure_running(server, timeout=1)


def test_urls_give_host_and_port():
    server = rabbitmq_server("amqp://u:p@broker.example:5673/vhost")
    assert (server.host, server.port, server.local) == ("broker.example", 5673, False)
    nodes = rabbitmq_server("amqp://u:p@broker1:5673,amqp://u:p@broker2:5674")
    assert (nodes.host, nodes.port) == ("broker1", 5673)  # a list: its preferred node
