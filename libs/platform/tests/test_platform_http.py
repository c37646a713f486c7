"""Oversized bodies are refused before a route runs; formats agree everywhere."""

from __future__ import annotations

import httpx
from fastapi import FastAPI, Request

from shop_contracts.money import format_money
from shop_platform.body_limit import BodySizeLimitMiddleware
from shop_platform.formatting import format_size


def app_with_limit(calls: list[int]) -> FastAPI:
    app = FastAPI()
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=100)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        body = await request.body()
        calls.append(len(body))
        return {"size": len(body)}

    return app


async def test_an_oversized_body_gets_413_and_the_route_never_runs() -> None:
    calls: list[int] = []
    transport = httpx.ASGITransport(app=app_with_limit(calls))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        ok = await client.post("/echo", content=b"x" * 100)
        too_big = await client.post("/echo", content=b"x" * 101)

        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(5):
                yield b"x" * 30

        chunked = await client.post("/echo", content=chunks())
    assert ok.status_code == 200
    assert too_big.status_code == 413
    assert too_big.json()["error"] == "payload_too_large"
    assert chunked.status_code == 413
    assert calls == [100]


def test_sizes_and_money_read_the_same_everywhere() -> None:
    assert format_size(512) == "512 B"
    assert format_size(45_123) == "45.1 KB"
    assert format_size(3_800_000) == "3.8 MB"
    assert format_money(4500, "EUR") == "45.00 EUR"
    assert format_money(1234567, "EUR") == "12,345.67 EUR"
    assert format_money(500, "JPY") == "500 JPY"
