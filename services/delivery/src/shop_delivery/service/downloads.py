"""The client's download page, and the file downloads behind its links.

A download: load the link (its row locked), let `domain.downloads` decide what the request
sends and costs (the whole file, or a range, counts one download unless bytes already paid
for cover it; a used-up, expired or revoked link serves nothing), save it, commit; the bytes
leave after the commit. HEAD answers alike and saves nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import structlog

from shop_delivery.domain import DeliveryStatus, LinkState
from shop_delivery.domain.downloads import use_link
from shop_delivery.domain.errors import (
    NO_SUCH_ORDER,
    UNKNOWN_LINK,
    DownloadNotFoundError,
    FileOutdatedError,
)
from shop_delivery.domain.ranges import RangeRequest, parse_range
from shop_delivery.service.archives import ArchiveSummary, archive_summaries
from shop_delivery.service.context import DOWNLOAD_PURPOSE, ServiceContext
from shop_delivery.service.ports import LinkedFile, Repositories
from shop_delivery.service.refresh import outdated
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
    gallery: str | None = None  # the whole gallery (or free download) it belongs to
    usage: str | None = None  # a rights-managed license's usage


@dataclass(frozen=True)
class DownloadPage:
    order_id: uuid.UUID
    number: str | None
    status: PageStatus
    files: list[PageFile]
    archives: list[ArchiveSummary]
    held: int = 0  # Proof files that follow once marked Final
    payment_due: bool = False  # delivered on the photographer's word, not paid yet
    payment_url: str | None = None  # where the client pays (when known)
    free: bool = False  # a free download, not an order
    refunded: bool = False  # refunded in full: nothing to download, for good


@dataclass(frozen=True)
class FoundFile:
    """A link and its file on disk, found before anything is counted."""

    linked: LinkedFile
    path: Path

    @property
    def file_name(self) -> str:
        return self.linked.file_name

    @property
    def mime_type(self) -> str:
        return self.linked.file.mime_type


@dataclass(frozen=True)
class Download:
    path: Path
    file_name: str
    mime_type: str
    size_bytes: int
    send: RangeRequest  # the whole file, these ranges, or nothing (416)


def check_order_token(ctx: ServiceContext, order_id: uuid.UUID, token: str | None) -> None:
    if not check_order_access_token(ctx.secret_key, order_id, token):
        raise DownloadNotFoundError(NO_SUCH_ORDER)


async def download_page(
    repos: Repositories, ctx: ServiceContext, order_id: uuid.UUID, token: str | None
) -> DownloadPage:
    check_order_token(ctx, order_id, token)
    loaded = await repos.deliveries.load(order_id)
    if loaded is None or loaded.delivery.status is DeliveryStatus.AWAITING_TRIGGER:
        number = loaded.delivery.number if loaded else None
        free = loaded.delivery.is_free if loaded else False
        refunded = loaded.delivery.fully_refunded if loaded else False
        return DownloadPage(
            order_id, number, PageStatus.PREPARING, [], [], free=free, refunded=refunded
        )
    delivery = loaded.delivery
    if delivery.status is DeliveryStatus.CANCELLED:
        return DownloadPage(order_id, delivery.number, PageStatus.CANCELLED, [], [])
    now = ctx.now()
    linked = await repos.links.for_order(order_id)
    files = [_page_file(ctx, f, now) for f in linked]
    archives = archive_summaries(ctx, order_id, linked, loaded.policy.zip_max_bytes, now)
    held = sum(1 for item in loaded.items if item.held)
    return DownloadPage(
        order_id,
        delivery.number,
        PageStatus.DELIVERED,
        files,
        archives,
        held,
        payment_due=delivery.payment_due,
        payment_url=delivery.payment_url if delivery.payment_due else None,
        free=delivery.is_free,
        refunded=delivery.fully_refunded,
    )


def _page_file(ctx: ServiceContext, linked: LinkedFile, now: datetime) -> PageFile:
    return PageFile(
        name=linked.file_name,
        size_bytes=linked.file.size_bytes,
        url=f"/downloads/{ctx.link_token(linked.link.id)}",
        state=linked.link.state(now),
        expires_at=linked.link.expires_at,
        remaining=linked.link.remaining,
        license_name=linked.license_name,
        is_terms=linked.kind.value == "terms",
        gallery=linked.gallery_title,
        usage=linked.usage,
    )


async def find_download(
    repos: Repositories, ctx: ServiceContext, link_token: str, *, for_update: bool = False
) -> FoundFile:
    """The link and its file, nothing counted yet; 404 when unknown or the file is gone.

    `for_update` locks the link until the commit (a GET: its count is decided on it)."""
    link_id = _link_id(ctx, link_token)
    linked = await repos.links.get(link_id, for_update=for_update)
    if linked is None:
        raise DownloadNotFoundError(UNKNOWN_LINK)
    path = ctx.renderer.path_of(linked.file)
    if outdated(linked, path):  # produced again first (`service.refresh`)
        raise FileOutdatedError(linked.link.order_id, [linked.link.item_id])
    if not path.is_file():
        log.error("download.file_missing", link_id=str(link_id), key=linked.file.key)
        raise DownloadNotFoundError("This file is no longer available.")
    return FoundFile(linked, path)


async def use_download(
    repos: Repositories,
    ctx: ServiceContext,
    found: FoundFile,
    *,
    head: bool,
    range_header: str | None,
) -> Download:
    """Decide what the request gets and count it (a GET of a link found `for_update`)."""
    linked = found.linked
    size = linked.file.size_bytes
    # A revoked (404), expired or used-up (410) link raises the domain's refusal.
    use = use_link(linked.link, size, parse_range(range_header, size), ctx.now())
    if not head and use.link != linked.link:
        await repos.links.save_use(use.link)
        if use.counted:
            log.info(
                "download.counted",
                link_id=str(linked.link.id),
                order_id=str(linked.link.order_id),
            )
    return Download(found.path, linked.file_name, linked.file.mime_type, size, use.send)


def _link_id(ctx: ServiceContext, link_token: str) -> uuid.UUID:
    value = unsign_value(ctx.secret_key, DOWNLOAD_PURPOSE, link_token)
    try:
        return uuid.UUID(value or "")
    except ValueError:
        raise DownloadNotFoundError(UNKNOWN_LINK) from None
