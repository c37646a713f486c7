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


async def test_framework_errors_have_the_shop_shape_and_405_names_every_method() -> None:
    from shop_platform.errors import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)

    @app.get("/thing")
    async def get_thing() -> dict[str, str]:
        return {}

    @app.put("/thing")
    async def put_thing(body: dict[str, int]) -> dict[str, str]:
        return {}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        missing = await client.get("/nothing")
        wrong_method = await client.delete("/thing")
        broken = await client.put(
            "/thing", content=b"{not json", headers={"content-type": "application/json"}
        )
        schema = (await client.get("/openapi.json")).json()
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET, PUT"
    assert broken.status_code == 422
    assert broken.json()["error"] == "invalid_input"
    assert "fields" in schema["components"]["schemas"]["HTTPValidationError"]["properties"]
