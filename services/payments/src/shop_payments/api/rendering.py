"""Jinja2 pages, autoescaped."""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from shop_contracts.money import format_money
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


class Pages:
    def __init__(self) -> None:
        self._env = Environment(
            loader=PackageLoader("shop_payments", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.filters["money"] = format_money

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = self._env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=status_code)
