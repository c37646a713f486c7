"""Errors on the client's pages and downloads: HTML for a browser, JSON for everything else."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from shop_delivery.api.templating import templates
from shop_platform.errors import ShopError

PAGE_PREFIXES = ("/orders/", "/downloads/")


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith(PAGE_PREFIXES) and "text/html" in accept


def install_page_error_handler(app: FastAPI) -> None:
    """Replaces the shared ShopError handler: same JSON, or a small page for browsers."""

    @app.exception_handler(ShopError)
    async def _shop_error(request: Request, exc: ShopError) -> Response:
        if wants_html(request):
            return templates.TemplateResponse(
                request,
                "error.html",
                {"status": exc.status, "detail": exc.detail},
                status_code=exc.status,
            )
        return JSONResponse({"error": exc.error, "detail": exc.detail}, status_code=exc.status)
