"""The HTTP app: the kernel's app with delivery's routers, error table and pages."""

from __future__ import annotations

from fastapi import FastAPI

from shop_delivery.api import admin, archives, downloads, pages
from shop_delivery.api.context import DeliveryContext
from shop_delivery.api.errors import ERRORS
from shop_kernel.http import service_app
from shop_kernel.root import ServiceRoot
from shop_platform.auth import set_admin_auth

ROUTER_MODULES = (pages, downloads, archives, admin)


def create_app(root: ServiceRoot, ctx: DeliveryContext) -> FastAPI:
    app = service_app(
        root,
        title="Delivery service",
        description="The client's download page, signed file downloads and delivery settings.",
        public_url=ctx.settings.delivery_public_url,
        context=ctx,
        routers=[module.router for module in ROUTER_MODULES],
        errors=ERRORS,
        web=ctx.web,  # a browser gets the shop's pages, errors included
    )
    # The admin API checks the person's role (require_api); personal API tokens are checked
    # with orders, which keeps the accounts.
    set_admin_auth(app, ctx.auth, f"{ctx.settings.orders_public_url.rstrip('/')}/admin/login")
    return app
