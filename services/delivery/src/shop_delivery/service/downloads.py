"""The client's download page and the file downloads behind its links."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.deliveries import DeliveryRepository
from shop_delivery.db.links import LinkRepository
from shop_delivery.domain import DeliveryStatus, LinkState
from shop_delivery.service.context import DOWNLOAD_PURPOSE, DeliveryContext
from shop_platform.errors import GoneError, NotFoundError
from shop_platform.security import check_order_access_token, unsign_value

log = structlog.get_logger()


class PageStatus(StrEnum):
    PREPARING = "preparing"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PageFile:
    name: str
    size_bytes: int
    url: str  # relative: /downloads/<link token>
    state: LinkState
    expires_at: datetime
    remaining: int


@dataclass(frozen=True)
class DownloadPage:
    order_id: uuid.UUID
    number: str | None
    status: PageStatus
    files: list[PageFile]


class DownloadMode(StrEnum):
    COUNT = "count"  # a GET: counts one download
    CHECK = "check"  # a HEAD: the same answer, counts nothing


@dataclass(frozen=True)
class Download:
    path: Path
    file_name: str
    mime_type: str
    size_bytes: int


async def download_page(
    session: AsyncSession, ctx: DeliveryContext, order_id: uuid.UUID, token: str | None
) -> DownloadPage:
    if not check_order_access_token(ctx.secret_key, order_id, token):
        raise NotFoundError("no such order")
    delivery = await DeliveryRepository(session).get(order_id)
    if delivery is None or delivery.status is DeliveryStatus.AWAITING_TRIGGER:
        number = delivery.number if delivery else None
        return DownloadPage(order_id, number, PageStatus.PREPARING, [])
    if delivery.status is DeliveryStatus.CANCELLED:
        return DownloadPage(order_id, delivery.number, PageStatus.CANCELLED, [])
    now = ctx.now()
    files = [
        PageFile(
            name=linked.file_name,
            size_bytes=linked.file.size_bytes,
            url=f"/downloads/{ctx.link_token(linked.link.id)}",
            state=linked.link.state(now),
            expires_at=linked.link.expires_at,
            remaining=linked.link.remaining,
        )
        for linked in await LinkRepository(session).for_order(order_id)
    ]
    return DownloadPage(order_id, delivery.number, PageStatus.DELIVERED, files)


async def open_download(
    session: AsyncSession, ctx: DeliveryContext, link_token: str, mode: DownloadMode
) -> Download:
    """Check the link (and count the download in COUNT mode); 404 or 410 with the reason."""
    link_id = _link_id(ctx, link_token)
    links = LinkRepository(session)
    counted = mode is DownloadMode.COUNT and await links.count_download(link_id)
    linked = await links.get(link_id)
    if linked is None:
        raise NotFoundError("unknown download link")
    if not counted:
        _refuse_unless_allowed(linked.link.state(ctx.now()), mode)
    path = ctx.renderer.path_of(linked.file)
    if not path.is_file():  # the transaction rolls back: the download is not counted
        log.error("download.file_missing", link_id=str(link_id), key=linked.file.key)
        raise NotFoundError("this file is no longer available")
    if counted:
        log.info("download.counted", link_id=str(link_id), order_id=str(linked.link.order_id))
    return Download(path, linked.file_name, linked.file.mime_type, linked.file.size_bytes)


def _link_id(ctx: DeliveryContext, link_token: str) -> uuid.UUID:
    value = unsign_value(ctx.secret_key, DOWNLOAD_PURPOSE, link_token)
    try:
        return uuid.UUID(value or "")
    except ValueError:
        raise NotFoundError("unknown download link") from None


def _refuse_unless_allowed(state: LinkState, mode: DownloadMode) -> None:
    if state is LinkState.REVOKED:
        raise NotFoundError("this download link was revoked")
    if state is LinkState.EXPIRED:
        raise GoneError("this download link has expired")
    if state is LinkState.USED_UP:
        raise GoneError("this download link has been used the maximum number of times")
    if mode is DownloadMode.COUNT:  # the atomic count refused while the row looked fine
        raise GoneError("this download link is no longer available")
