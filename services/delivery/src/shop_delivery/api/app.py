"""The FastAPI app factory, built over the composition root."""

from __future__ import annotations

from fastapi import FastAPI

from shop_delivery.api.admin import admin_router
from shop_delivery.api.archives import archives_router
from shop_delivery.api.downloads import downloads_router
from shop_delivery.api.errors import install_page_error_handler
from shop_delivery.api.pages import pages_router
from shop_delivery.bootstrap import Container
from shop_messaging.health import health_router
from shop_platform.body_limit import BodySizeLimitMiddleware
from shop_platform.errors import install_error_handlers
from shop_platform.web_security import install_http_security


def create_app(container: Container) -> FastAPI:
    app = FastAPI(
        title="Delivery service",
        version="1.0.0",
        description="The client's download page, signed file downloads and delivery settings.",
        docs_url=None,
        redoc_url=None,
    )
    install_http_security(app, public_url=container.settings.delivery_public_url)
    app.add_middleware(BodySizeLimitMiddleware)
    install_error_handlers(app)
    install_page_error_handler(app)
    app.state.container = container
    app.include_router(pages_router(container))
    app.include_router(downloads_router(container))
    app.include_router(archives_router(container))
    app.include_router(admin_router(container))
    app.include_router(health_router(container.runtime))
    return app
