"""What the HTTP routes need, handed over by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from shop_media.store import MediaStore
from shop_messaging.runtime import MessagingRuntime
from shop_orders.config import OrdersSettings
from shop_orders.service.links import Links
from shop_orders.service.ports import Transaction
from shop_platform.auth import is_admin_request, require_admin


@dataclass(frozen=True)
class WebContext:
    settings: OrdersSettings
    transaction: Transaction
    links: Links
    runtime: MessagingRuntime
    media_store: MediaStore
    preview_dir: Path
    templates: Jinja2Templates


# Dependencies are `async def`: FastAPI runs a plain `def` one in its thread pool, a hand-off
# per request that cost orders 6-13 % of its CPU (docs/performance.md).


async def web_context(request: Request) -> WebContext:
    """The context `create_app` stored on the app (a FastAPI dependency)."""
    ctx = request.app.state.ctx
    assert isinstance(ctx, WebContext)
    return ctx


Ctx = Annotated[WebContext, Depends(web_context)]


async def require_admin_token(request: Request, ctx: Ctx) -> None:
    """401 unless the request carries the admin bearer token (or the admin cookie)."""
    require_admin(ctx.settings.admin_token, ctx.settings.secret_key)(request)


def is_admin(request: Request, ctx: WebContext) -> bool:
    return is_admin_request(
        request, admin_token=ctx.settings.admin_token, secret=ctx.settings.secret_key
    )
