"""Every service's FastAPI app, built the same way: limits, security headers, error map,
/health, local /docs, the service's context, its routers."""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from shop_kernel.deps import set_context
from shop_kernel.errors import ErrorMap, install_error_map
from shop_kernel.metrics import install_metrics
from shop_kernel.pages import install_error_pages, refusal_page
from shop_kernel.root import ServiceRoot
from shop_platform.body_limit import BodyLimit, BodySizeLimitMiddleware
from shop_platform.web_security import install_http_security
from shop_web import Web


def health_router(root: ServiceRoot) -> APIRouter:
    router = APIRouter()

    @router.get("/health", tags=["health"], responses={503: {"description": "not ready"}})
    async def health() -> JSONResponse:
        checks = await root.health()
        ok = all(checks.values())
        return JSONResponse(
            {"status": "ok" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )

    return router


def service_app(
    root: ServiceRoot,
    *,
    title: str,
    description: str,
    public_url: str,
    context: object,
    routers: Iterable[APIRouter],
    errors: ErrorMap,
    web: Web | None = None,
    body_limit: BodyLimit | None = None,
) -> FastAPI:
    """`web`: the service's pages (shared look); with it, browsers get error pages and the
    shared styles are served. `body_limit`: a larger body limit for some requests (file
    uploads: the route then streams the body and enforces its own cap)."""
    app = FastAPI(
        title=title, version="1.0.0", description=description, docs_url=None, redoc_url=None
    )
    set_context(app, context)
    # 413 before anything reads the body (a page for a browser's form)
    app.add_middleware(
        BodySizeLimitMiddleware, page=refusal_page(web) if web else None, limit_for=body_limit
    )
    install_error_map(app, errors)
    install_http_security(app, public_url=public_url)
    app.include_router(health_router(root))
    for router in routers:
        app.include_router(router)
    if web is not None:
        web.install(app)
        install_error_pages(app, web)
    install_metrics(app, root.metrics)  # GET /metrics; every request counted (outermost)
    return app
