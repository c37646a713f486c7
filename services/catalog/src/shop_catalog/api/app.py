"""The HTTP app: the kernel's app with the catalog's routers and error table."""

from __future__ import annotations

from fastapi import FastAPI

from shop_catalog.api import media_routes, sales_routes
from shop_catalog.api.context import CatalogContext
from shop_kernel.errors import ErrorMap
from shop_kernel.http import service_app
from shop_kernel.root import ServiceRoot
from shop_platform.auth import set_admin_auth

ERRORS: ErrorMap = {**media_routes.ERRORS, **sales_routes.ERRORS}


def create_app(root: ServiceRoot, context: CatalogContext) -> FastAPI:
    app = service_app(
        root,
        title="Photo license shop: catalog",
        description=(
            "What is for sale: the media library, previews, galleries, selections and price "
            "lists (admin), and the storefront's browsing pages and API."
        ),
        public_url=context.settings.catalog_public_url,
        context=context,
        routers=[*media_routes.ROUTERS, *sales_routes.ROUTERS],
        errors=ERRORS,
        web=context.web,
        body_limit=media_routes.upload_body_limit(context.settings),
    )
    # who is asking on the admin routes (require_api / require_page), and where a page
    # sends someone not signed in: orders' login
    set_admin_auth(app, context.auth, context.login_url)
    return app
