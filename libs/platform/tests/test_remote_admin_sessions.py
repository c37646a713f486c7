"""RemoteAdminSessions: the services' check of an admin session with orders, over real HTTP."""

from __future__ import annotations

import asyncio
import socket

import pytest
import uvicorn
from fastapi import FastAPI, Request

from shop_platform.accounts import bootstrap_owner
from shop_platform.auth import SESSION_CHECK_PATH, RemoteAdminSessions, session_check_proof_valid

SECRET = "s" * 32


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _orders_stand_in(connections: set[int]) -> FastAPI:
    """Answers the session check as orders does: live for session "good", else not."""
    app = FastAPI()

    @app.post(SESSION_CHECK_PATH)
    async def check(request: Request) -> dict[str, object]:
        assert request.client is not None
        connections.add(request.client.port)  # one client port per TCP connection
        body = await request.json()
        session_id = session_check_proof_valid(SECRET, body["session"])
        if session_id != "good":
            return {"live": False}
        return {"live": True, "principal": bootstrap_owner().to_json()}

    return app


@pytest.fixture
async def orders_url():
    connections: set[int] = set()
    port = _free_port()
    # The server drops idle connections after 1 s: a client reusing one must cope.
    config = uvicorn.Config(
        _orders_stand_in(connections), port=port, log_level="warning", timeout_keep_alive=1
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # up to 5 s
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started
    yield f"http://127.0.0.1:{port}", connections
    server.should_exit = True
    await task


async def test_checks_share_one_connection_and_survive_the_servers_idle_close(orders_url):
    url, connections = orders_url
    sessions = RemoteAdminSessions(url, SECRET)
    for _ in range(5):
        principal = await sessions.principal("good")
        assert principal is not None
        assert principal.name == bootstrap_owner().name
    assert len(connections) == 1  # five checks, one TCP connection
    assert await sessions.principal("forged") is None

    await asyncio.sleep(1.4)  # the server closed the idle connection meanwhile
    assert await sessions.principal("good") is not None  # still signed in


async def test_orders_not_answering_means_not_signed_in():
    sessions = RemoteAdminSessions(f"http://127.0.0.1:{_free_port()}", SECRET, timeout_s=1.0)
    assert await sessions.principal("good") is None
