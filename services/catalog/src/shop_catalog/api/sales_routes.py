"""Galleries, selections, price lists and the storefront: their routers and errors."""

from __future__ import annotations

from fastapi import APIRouter

from shop_catalog.api import (
    profile_admin_pages,
    sales_admin_api,
    sales_admin_pages,
    storefront_api,
    storefront_pages,
)
from shop_catalog.api.sales_errors import SALES_ERRORS
from shop_kernel.errors import ErrorMap

ROUTERS: list[APIRouter] = [
    sales_admin_api.router,
    storefront_api.router,
    storefront_pages.router,
    sales_admin_pages.router,
    profile_admin_pages.router,
]
ERRORS: ErrorMap = SALES_ERRORS
