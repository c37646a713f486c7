"""Jinja2 rendering of `templates/emails/<template>.html` and `.txt`.

HTML is autoescaped (a client named `<script>` stays text); plain text is not. Undefined
variables raise, so a template never silently sends a blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import jinja2

from shop_notifications.service.ports import RenderedEmail
from shop_web import BrandingSource

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def make_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the templates ship with the code: no stat() per render
    )


class EmailRenderer:
    def __init__(self, *, shop_name: str, branding: BrandingSource | None = None) -> None:
        """`shop_name`: until `branding` (the shop settings, read from orders) says better."""
        self._env = make_environment()
        self._env.globals["shop_name"] = shop_name
        self._branding = branding

    async def refresh(self) -> None:
        if self._branding is not None:
            self._env.globals["shop_name"] = (await self._branding.branding()).name

    def render(self, template: str, context: Mapping[str, object]) -> RenderedEmail:
        html = self._env.get_template(f"emails/{template}.html").render(context)
        text = self._env.get_template(f"emails/{template}.txt").render(context)
        return RenderedEmail(text=text, html=html)
