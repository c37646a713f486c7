"""The HTTP app: the kernel's app with orders' routers, error table and OpenAPI patches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from shop_kernel.http import service_app
from shop_orders.api import (
    accounts_api,
    accounts_pages,
    admin_api,
    admin_pages,
    admin_quote_pages,
    admin_settings_pages,
    admin_system_pages,
    cart_api,
    cart_pages,
    dashboard_pages,
    export_api,
    internal,
    invoice_routes,
    pricing_admin_api,
    pricing_admin_pages,
    quote_api,
    quote_pages,
    shop_pages,
    storefront,
)
from shop_orders.api.context import WebContext
from shop_orders.api.errors import ERRORS
from shop_orders.api.openapi import install_openapi

if TYPE_CHECKING:
    from shop_kernel.root import ServiceRoot

# The routers of the app, in the order they are matched.
ROUTER_MODULES = (
    storefront,
    cart_api,
    export_api,  # /api/admin/orders/export.csv before /api/admin/orders/{order_id}
    admin_api,
    pricing_admin_api,
    cart_pages,
    shop_pages,
    accounts_api,  # issue 14: accounts, one's own account, the public account steps
    accounts_pages,  # issue 14: login, logout, links, My account, Accounts (before admin_pages)
    admin_pages,
    dashboard_pages,  # issue 14: the sales dashboard and its CSVs
    admin_settings_pages,
    pricing_admin_pages,
    admin_system_pages,
    invoice_routes,
    quote_api,
    quote_pages,
    admin_quote_pages,
    internal,
)


def create_app(root: ServiceRoot, ctx: WebContext) -> FastAPI:
    app = service_app(
        root,
        title="Photo license shop: orders",
        description="Storefront API, checkout pages, admin API and admin pages.",
        public_url=ctx.settings.orders_public_url,
        context=ctx,
        routers=[module.router for module in ROUTER_MODULES],
        errors=ERRORS,
        web=ctx.web,  # pages on the shared look; browsers get error pages, programs JSON
    )
    install_openapi(app)
    return app
