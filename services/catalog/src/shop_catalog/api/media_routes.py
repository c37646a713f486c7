"""The media library's routers and errors (API, admin page, previews)."""

from __future__ import annotations

from fastapi import APIRouter

from shop_kernel.errors import ErrorMap

ROUTERS: list[APIRouter] = []
ERRORS: ErrorMap = {}
