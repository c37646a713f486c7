"""The HTTP app factory: routes, pages, templates, error handlers, body limit, /health."""

from __future__ import annotations

import jinja2
from fastapi import FastAPI
from fastapi.templating import Jinja2Templates

from shop_contracts.money import format_money
from shop_messaging.health import health_router
from shop_orders.api import (
    admin_api,
    admin_catalog_api,
    admin_catalog_pages,
    admin_pages,
    internal,
    preview,
    shop_pages,
    storefront,
)
from shop_orders.api.context import WebContext
from shop_orders.api.errors import install_order_error_handlers
from shop_orders.api.openapi import install_openapi
from shop_platform.body_limit import BodySizeLimitMiddleware
from shop_platform.web_security import install_http_security

# The routers of the app, in the order they are matched.
ROUTER_MODULES = (
    storefront,
    admin_api,
    admin_catalog_api,
    preview,
    shop_pages,
    admin_pages,
    admin_catalog_pages,
    internal,
)


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("shop_orders", "templates"),
        autoescape=True,
    )
    env.filters["price"] = format_money
    return Jinja2Templates(env=env)


def create_app(ctx: WebContext) -> FastAPI:
    app = FastAPI(
        title="Photo license shop: orders",
        version="1.0.0",
        description="Storefront API, checkout pages, admin API and admin pages.",
        docs_url=None,
        redoc_url=None,
    )
    install_http_security(app, public_url=ctx.settings.orders_public_url)
    app.state.ctx = ctx  # read by the routes through `context.web_context`
    app.add_middleware(BodySizeLimitMiddleware)  # 413 before anything reads the body
    install_order_error_handlers(app)
    install_openapi(app)
    app.include_router(health_router(ctx.runtime))
    for module in ROUTER_MODULES:
        app.include_router(module.router)
    return app
