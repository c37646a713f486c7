"""The HTTP app: the kernel's app with payments' routers, error table and pages."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from shop_kernel.http import service_app
from shop_kernel.root import ServiceRoot
from shop_payments.api import admin, pages, paypal, paypal_sandbox, sandbox, webhooks
from shop_payments.api.context import PaymentsContext
from shop_payments.api.errors import ERRORS, install_page_errors
from shop_platform.auth import set_admin_auth

# The routers of the app, in the order they are matched.
ROUTERS = (
    pages.router,
    paypal.router,
    sandbox.router,
    paypal_sandbox.router,
    webhooks.router,
    admin.api_router,
    admin.page_router,
)
STATIC_PATH = "/static/payments"  # the payment page's own script (no inline script: CSP)


def create_app(root: ServiceRoot, ctx: PaymentsContext) -> FastAPI:
    public_url = ctx.settings.payments_public_url
    app = service_app(
        root,
        title="Photo license shop: payments",
        description="The client's payment page, card checkout (Stripe, PayPal, or "
        "their built-in sandboxes), processor webhooks and payment settings.",
        public_url=public_url,
        context=ctx,
        routers=ROUTERS,
        errors=ERRORS,
        web=ctx.web,
    )
    install_page_errors(app, ctx.web, public_url=public_url)
    # Admin routes check the person's role (require_api / require_page); not signed in, a
    # page sends them to orders' login, which serves every service.
    set_admin_auth(app, ctx.auth, f"{ctx.settings.orders_public_url.rstrip('/')}/admin/login")
    app.mount(STATIC_PATH, StaticFiles(packages=[("shop_payments", "static")]), name="payments")
    return app
