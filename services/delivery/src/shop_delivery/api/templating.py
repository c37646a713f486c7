"""Jinja2 templates (autoescape on) and the filters the pages use."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from shop_platform.formatting import format_size

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def human_date(at: datetime) -> str:
    return at.strftime("%d %B %Y, %H:%M UTC")


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.filters["human_size"] = format_size  # the same text as in the emails
    env.filters["human_date"] = human_date
    return Jinja2Templates(env=env)


templates = make_templates()
