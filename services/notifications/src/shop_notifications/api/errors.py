"""Errors rendered as `{"error", "detail"}` by the platform's handlers (ours and the
framework's own: unparsable request, unknown path, wrong method)."""

from __future__ import annotations

from fastapi import FastAPI

from shop_platform.errors import install_error_handlers


def install_notifications_error_handlers(app: FastAPI) -> None:
    install_error_handlers(app)
