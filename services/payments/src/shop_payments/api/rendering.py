"""What the OpenAPI document says of routes that answer browsers with pages."""

from __future__ import annotations

from typing import Any

from shop_platform.errors import ERROR_SCHEMA


def page_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for errors a page answers as HTML to browsers and as JSON otherwise."""
    content = {
        "application/json": {"schema": ERROR_SCHEMA},
        "text/html": {"schema": {"type": "string"}},
    }
    return {
        s: {"description": "error (an HTML page for browsers)", "content": content}
        for s in statuses
    }


def redirect(description: str) -> dict[int | str, dict[str, Any]]:
    return {303: {"description": description}}
