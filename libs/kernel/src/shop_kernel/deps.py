"""The one way routes get what they need: the service's context, stored on the app.

    Ctx = Annotated[OrdersContext, Depends(context_dependency(OrdersContext))]

    @router.get("/orders/{id}")
    async def get_order(ctx: Ctx, id: uuid.UUID) -> OrderRead: ...

Dependencies are `async def`: FastAPI runs a plain `def` one in its thread pool, a hand-off
per request that cost orders 6-13 % of its CPU (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from fastapi import FastAPI, Request

T = TypeVar("T")


def set_context(app: FastAPI, context: Any) -> None:
    app.state.context = context


def context_dependency(kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    async def dependency(request: Request) -> T:
        context = request.app.state.context
        assert isinstance(context, kind), f"the app's context is not a {kind.__name__}"
        return context

    dependency.__name__ = f"{kind.__name__.lower()}_context"
    return dependency
