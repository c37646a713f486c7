"""Galleries, selections, price lists and the storefront: their routers and errors."""

from __future__ import annotations

from fastapi import APIRouter

from shop_kernel.errors import ErrorMap

ROUTERS: list[APIRouter] = []
ERRORS: ErrorMap = {}
