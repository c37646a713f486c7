"""Delivery's pages in the shop's look (`shop_web`): the download page, and the shop's error
page for a browser (the kernel's), titled for a download link that can no longer be used."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import HTMLResponse

from shop_web import Web

LINK_GONE_TITLE = "This link is no longer valid"  # expired, or its downloads used up


class DeliveryWeb(Web):
    async def error_page(
        self,
        request: Request,
        status_code: int,
        message: str,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        if title is None and status_code == 410:
            title = LINK_GONE_TITLE
        return await super().error_page(request, status_code, message, title=title, headers=headers)
