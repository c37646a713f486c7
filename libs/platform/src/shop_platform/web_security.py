"""What every HTTP answer of every service carries against the browser-side attacks:

- `Content-Security-Policy`: our own scripts only (no inline script, no CDN), no plugins, no
  `<base>` tricks, and no framing (`frame-ancestors 'none'`, with `X-Frame-Options` for
  older browsers): a page of ours cannot be clickjacked or made to run injected script;
- `X-Content-Type-Options: nosniff`: a file is never run as something it does not claim;
- `Referrer-Policy: no-referrer`: order, payment and download URLs carry access tokens, and
  a link followed from those pages must not hand them to another site;
- `Cache-Control: no-store` on the admin, order, payment and download pages: a shared
  computer's back button or a proxy cache keeps none of them;
- `Strict-Transport-Security` when the shop is reached over https.

`/docs` is Swagger UI served from our own files (fastapi-offline's copy of swagger-ui-dist 5),
started by a script file, so the same policy holds there; `/redoc` is off.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shop_platform.errors import NotFoundError

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # style attributes in our templates; no script
        "img-src 'self' data: blob: https:",  # the shop's logo may live on its own site
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
# Pages that show one client's order, payment, files, or the admin: never kept in a cache.
NO_STORE_PREFIXES = (
    "/admin",
    "/api/admin",
    "/api/orders",
    "/orders",
    "/pay",
    "/sandbox",
    "/downloads",
    "/checkout",
    "/internal",
)
HSTS = "max-age=31536000; includeSubDomains"
DOCS_ASSETS = "/docs-assets"


def _no_store(path: str) -> bool:
    return any(
        path == p or path.startswith(p + "/") or path.startswith(p + "?") for p in NO_STORE_PREFIXES
    )


class SecurityHeadersMiddleware:
    """Adds the headers above to every HTTP answer (errors and 413s included)."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        over_https = self.https or scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-security-policy", CONTENT_SECURITY_POLICY)
                headers["x-content-type-options"] = "nosniff"
                headers["x-frame-options"] = "DENY"
                headers["referrer-policy"] = "no-referrer"
                if _no_store(path):
                    headers["cache-control"] = "no-store"
                if over_https:
                    headers["strict-transport-security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _docs_page(title: str, openapi_url: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - API</title>
<link rel="stylesheet" href="{DOCS_ASSETS}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="{openapi_url}"></div>
<script src="{DOCS_ASSETS}/swagger-ui-bundle.js"></script>
<script src="{DOCS_ASSETS}/docs-init.js"></script></body></html>"""


def install_http_security(app: FastAPI, *, public_url: str) -> None:
    """The headers on every answer, and `/docs` from local files. Build the app with
    `docs_url=None, redoc_url=None` (FastAPI's own pages load Swagger UI from a CDN)."""
    app.add_middleware(SecurityHeadersMiddleware, https=public_url.startswith("https://"))
    swagger = Path(fastapi_offline.__file__).parent / "static"
    ours = resources.files("shop_platform") / "static"
    assets = {
        "swagger-ui.css": swagger / "swagger-ui.css",
        "swagger-ui-bundle.js": swagger / "swagger-ui-bundle.js",
        "docs-init.js": Path(str(ours / "docs-init.js")),
    }
    page = _docs_page(app.title, app.openapi_url or "/openapi.json")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(DOCS_ASSETS + "/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> FileResponse:
        if name not in assets:
            raise NotFoundError(f"no docs asset {name}")
        return FileResponse(assets[name], headers={"Cache-Control": "public, max-age=86400"})
