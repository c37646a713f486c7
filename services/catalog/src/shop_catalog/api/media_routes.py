"""The media library's routers and errors (API, admin page, previews), and the body limit
of its upload routes (they stream the body and enforce the upload cap themselves)."""

from __future__ import annotations

import re

from fastapi import APIRouter
from starlette.types import Scope

from shop_catalog.api import media_api, media_pages, media_previews, media_settings_pages
from shop_catalog.api.media_errors import ERRORS as ERRORS
from shop_catalog.config import CatalogSettings
from shop_platform.body_limit import BodyLimit

# the settings' router first: `/admin/media/settings` before `/admin/media/{media_id}`
ROUTERS: list[APIRouter] = [
    media_api.router,
    media_previews.router,
    media_settings_pages.router,
    media_pages.router,
]
FORM_SLACK_BYTES = 1_000_000  # the multipart headers, the title and the CSRF token
MAX_FILES_PER_FORM = 20  # a page's form sent without JavaScript
_UPLOADS = re.compile(
    r"^/api/admin/media(/[^/]+/file)?$|^/api/admin/catalog-settings/watermark-logo$"
    r"|^/admin/media(/upload|/[^/]+/file|/settings/logo)?$"
)


def upload_body_limit(settings: CatalogSettings) -> BodyLimit:
    """The body limit of the upload routes: one file (a page's form: several) plus slack."""
    one = settings.upload_max_bytes + FORM_SLACK_BYTES

    def limit(scope: Scope) -> int | None:
        if scope.get("method") not in ("POST", "PUT") or not _UPLOADS.match(scope["path"]):
            return None
        if scope["path"] == "/admin/media":
            return settings.upload_max_bytes * MAX_FILES_PER_FORM + FORM_SLACK_BYTES
        return one

    return limit
