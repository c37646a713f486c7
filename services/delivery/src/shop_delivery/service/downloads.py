"""The client's download page, and the file downloads behind its links.

Counting: a GET of the whole file, or of a range starting at byte 0, counts one download
(atomically, before the first byte leaves). A range starting later is a resume: it counts
nothing, and is allowed while the link is neither revoked nor expired and has been used at
least once (even when that use was its last). HEAD and unsatisfiable or malformed ranges
count nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shop_delivery.db.deliveries import DeliveryRepository
from shop_delivery.db.links import LinkedFile, LinkRepository
from shop_delivery.db.settings import SettingsRepository
from shop_delivery.domain import DeliveryStatus, LinkState
from shop_delivery.domain.ranges import RangeKind, classify_range
from shop_delivery.service.archives import ArchiveSummary, archive_summaries
from shop_delivery.service.context import DOWNLOAD_PURPOSE, DeliveryContext
from shop_platform.errors import ConflictError, GoneError, NotFoundError
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
    license_name: str
    is_terms: bool


@dataclass(frozen=True)
class DownloadPage:
    order_id: uuid.UUID
    number: str | None
    status: PageStatus
    files: list[PageFile]
    archives: list[ArchiveSummary]
    held: int = 0  # Proof files that follow once marked Final


@dataclass(frozen=True)
class Download:
    path: Path
    file_name: str
    mime_type: str
    size_bytes: int


def check_order_token(ctx: DeliveryContext, order_id: uuid.UUID, token: str | None) -> None:
    if not check_order_access_token(ctx.secret_key, order_id, token):
        raise NotFoundError("no such order")


async def download_page(
    session: AsyncSession, ctx: DeliveryContext, order_id: uuid.UUID, token: str | None
) -> DownloadPage:
    check_order_token(ctx, order_id, token)
    delivery = await DeliveryRepository(session).get(order_id)
    if delivery is None or delivery.status is DeliveryStatus.AWAITING_TRIGGER:
        number = delivery.number if delivery else None
        return DownloadPage(order_id, number, PageStatus.PREPARING, [], [])
    if delivery.status is DeliveryStatus.CANCELLED:
        return DownloadPage(order_id, delivery.number, PageStatus.CANCELLED, [], [])
    now = ctx.now()
    linked = await LinkRepository(session).for_order(order_id)
    files = [_page_file(ctx, f, now) for f in linked]
    policy = await SettingsRepository(session).get()
    archives = archive_summaries(ctx, order_id, linked, policy.zip_max_bytes, now)
    held = sum(1 for item in await DeliveryRepository(session).items(order_id) if item.held)
    return DownloadPage(order_id, delivery.number, PageStatus.DELIVERED, files, archives, held)


def _page_file(ctx: DeliveryContext, linked: LinkedFile, now: datetime) -> PageFile:
    return PageFile(
        name=linked.file_name,
        size_bytes=linked.file.size_bytes,
        url=f"/downloads/{ctx.link_token(linked.link.id)}",
        state=linked.link.state(now),
        expires_at=linked.link.expires_at,
        remaining=linked.link.remaining,
        license_name=linked.license_name,
        is_terms=linked.kind.value == "terms",
    )


async def find_download(session: AsyncSession, ctx: DeliveryContext, link_token: str) -> LinkedFile:
    """The link and its file, nothing counted yet; 404 when unknown or the file is gone."""
    link_id = _link_id(ctx, link_token)
    linked = await LinkRepository(session).get(link_id)
    if linked is None:
        raise NotFoundError("unknown download link")
    if not ctx.renderer.path_of(linked.file).is_file():
        log.error("download.file_missing", link_id=str(link_id), key=linked.file.key)
        raise NotFoundError("this file is no longer available")
    return linked


async def use_download(
    session: AsyncSession,
    ctx: DeliveryContext,
    linked: LinkedFile,
    *,
    head: bool,
    range_header: str | None,
) -> Download:
    """Count the download (or check the link) as the request asks; 404/409/410 with why."""
    kind = classify_range(range_header, linked.file.size_bytes)
    state = linked.link.state(ctx.now())
    if head or kind in (RangeKind.UNSATISFIABLE, RangeKind.MALFORMED):
        _refuse_unless_available(state)
    elif kind is RangeKind.RESUME:
        _refuse_unless_resumable(state, linked.link.download_count)
    elif await LinkRepository(session).count_download(linked.link.id):
        log.info(
            "download.counted", link_id=str(linked.link.id), order_id=str(linked.link.order_id)
        )
    else:
        _refuse_unless_available(state)
        raise GoneError("this download link is no longer available")  # lost a race
    path = ctx.renderer.path_of(linked.file)
    return Download(path, linked.file_name, linked.file.mime_type, linked.file.size_bytes)


def _link_id(ctx: DeliveryContext, link_token: str) -> uuid.UUID:
    value = unsign_value(ctx.secret_key, DOWNLOAD_PURPOSE, link_token)
    try:
        return uuid.UUID(value or "")
    except ValueError:
        raise NotFoundError("unknown download link") from None


def _refuse_if_dead(state: LinkState) -> None:
    if state is LinkState.REVOKED:
        raise NotFoundError("this download link was revoked")
    if state is LinkState.EXPIRED:
        raise GoneError("this download link has expired")


def _refuse_unless_available(state: LinkState) -> None:
    _refuse_if_dead(state)
    if state is LinkState.USED_UP:
        raise GoneError("this download link has been used the maximum number of times")


def _refuse_unless_resumable(state: LinkState, download_count: int) -> None:
    _refuse_if_dead(state)
    if download_count == 0:
        raise ConflictError("this download was never started: download the whole file first")
