"""The kernel's pieces on their own: error map, context dependency, migrations metadata."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, FastAPI
from sqlalchemy import Column, Integer, MetaData, Table

from shop_kernel.deps import context_dependency, set_context
from shop_kernel.errors import ErrorAnswer, install_error_map
from shop_kernel.migrations import service_metadata


class DomainError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotThereError(DomainError):
    pass


class VeryMissingError(NotThereError):
    pass


class FieldProblem(DomainError):
    field = "items.0"


class Context:
    greeting = "hello"


Ctx = Annotated[Context, Depends(context_dependency(Context))]


def _app() -> FastAPI:
    app = FastAPI()
    set_context(app, Context())
    install_error_map(
        app,
        {
            DomainError: ErrorAnswer(409, "conflict"),
            NotThereError: ErrorAnswer(404, "not_found"),
            FieldProblem: ErrorAnswer(422, "invalid_input", lambda e: {"fields": ["items.0"]}),
        },
    )
    router = APIRouter()

    @router.get("/hello")
    async def hello(ctx: Ctx) -> dict[str, str]:
        return {"said": ctx.greeting}

    @router.get("/raise/{what}")
    async def fail(what: str) -> None:
        raise {
            "domain": DomainError("not now"),
            "missing": VeryMissingError("no such thing"),
            "field": FieldProblem("wrong item"),
        }[what]

    app.include_router(router)
    return app


async def test_routes_get_the_context_and_errors_answer_from_the_table() -> None:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.get("/hello")).json() == {"said": "hello"}
        domain = await client.get("/raise/domain")
        assert (domain.status_code, domain.json()) == (
            409,
            {"error": "conflict", "detail": "not now"},
        )
        missing = await client.get("/raise/missing")  # the closest class in the table wins
        assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
        field = await client.get("/raise/field")
        assert field.status_code == 422
        assert field.json() == {
            "error": "invalid_input",
            "detail": "wrong item",
            "fields": ["items.0"],
        }


def test_migrations_always_include_the_messaging_tables() -> None:
    own = MetaData()
    Table("orders", own, Column("id", Integer, primary_key=True))
    target = service_metadata(own)
    assert {"orders", "outbox", "inbox"} <= set(target.tables)
