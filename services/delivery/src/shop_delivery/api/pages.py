"""GET /orders/{order_id}/downloads?token=: the client's download page."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from shop_delivery.api.context import Ctx
from shop_delivery.service.downloads import download_page
from shop_platform.errors import error_responses

router = APIRouter(tags=["client pages"])


@router.get(
    "/orders/{order_id}/downloads",
    response_class=HTMLResponse,
    responses=error_responses(404, 422),
    summary="The client's download page",
)
async def downloads_page(
    ctx: Ctx,
    request: Request,
    order_id: uuid.UUID,
    token: Annotated[str | None, Query(description="the order's access token")] = None,
) -> HTMLResponse:
    """One link per delivered file, with its size, expiry and downloads left.

    Before delivery it says the files are being prepared; a cancelled order shows no link.
    A wrong or missing token answers 404.
    """
    async with ctx.transaction() as repos:
        page = await download_page(repos, ctx.service, order_id, token)
    return await ctx.web.page(
        request, "downloads.html", {"page": page}, headers={"Cache-Control": "no-store"}
    )
