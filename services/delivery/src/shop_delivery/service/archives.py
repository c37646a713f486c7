"""Download all: the order's files as ZIP archive(s), planned under the size cap.

Rules (docs/delivery.md): an archive needs the order's access token; it includes those of
its files whose links still allow a download, counting one download on each of them (a
file whose link expired or was used up is left out and named in LICENSE.txt); it is
refused (410) when none is left, and once the order was cancelled or refunded in full
(404). Every archive also carries LICENSE.txt and, when the photographer set terms, the
terms PDF (not counted).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import structlog

from shop_delivery.domain import LinkState
from shop_delivery.domain.archives import ArchiveFile, LicenseText, license_text, plan_archives
from shop_delivery.domain.errors import (
    NO_SUCH_ORDER,
    DownloadNotFoundError,
    FileOutdatedError,
    LinkGoneError,
)
from shop_delivery.domain.files import slug
from shop_delivery.domain.items import ItemKind
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.ports import LinkedFile, Repositories
from shop_delivery.service.refresh import outdated
from shop_platform.security import check_order_access_token, order_access_token

log = structlog.get_logger()

LICENSE_NAME = "LICENSE.txt"


@dataclass(frozen=True)
class ArchiveSummary:
    """One "Download all" button of the page."""

    part: int
    parts: int
    url: str
    size_bytes: int  # the files' sizes (the archive adds a few KB)
    files: int
    available: bool  # at least one of its links still allows a download


@dataclass(frozen=True)
class Archive:
    file_name: str
    entries: list[tuple[Path, str]]  # (file on disk, name in the archive)
    license_text: str


def _archive_file(linked: LinkedFile) -> ArchiveFile:
    return ArchiveFile(
        item_id=linked.link.item_id,
        name=linked.file_name,
        size_bytes=linked.file.size_bytes,
        license_name=linked.license_name,
        usage_terms=linked.usage_terms,
        credit=linked.credit,
        gallery=linked.gallery_title,
        usage=linked.usage,
    )


def _plan(linked: Sequence[LinkedFile], zip_max_bytes: int) -> list[list[ArchiveFile]]:
    media = [_archive_file(f) for f in linked if f.kind is ItemKind.MEDIA]
    return plan_archives(media, zip_max_bytes)


def archive_url(ctx: ServiceContext, order_id: uuid.UUID, part: int) -> str:
    token = order_access_token(ctx.secret_key, order_id)
    return f"/orders/{order_id}/archive/{part}?token={token}"


def archive_summaries(
    ctx: ServiceContext,
    order_id: uuid.UUID,
    linked: Sequence[LinkedFile],
    zip_max_bytes: int,
    now: datetime,
) -> list[ArchiveSummary]:
    states = {f.link.item_id: f.link.state(now) for f in linked}
    plan = _plan(linked, zip_max_bytes)
    return [
        ArchiveSummary(
            part=n,
            parts=len(plan),
            url=archive_url(ctx, order_id, n),
            size_bytes=sum(f.size_bytes for f in files),
            files=len(files),
            available=any(states[f.item_id] is LinkState.AVAILABLE for f in files),
        )
        for n, files in enumerate(plan, start=1)
    ]


async def open_archive(
    repos: Repositories,
    ctx: ServiceContext,
    order_id: uuid.UUID,
    token: str | None,
    part: int,
    *,
    head: bool,
) -> Archive:
    """What archive `part` holds now; in a GET, one download counted on each included file."""
    if not check_order_access_token(ctx.secret_key, order_id, token):
        raise DownloadNotFoundError(NO_SUCH_ORDER)
    loaded = await repos.deliveries.load(order_id)
    if loaded is None or loaded.delivery.delivered_at is None:
        raise DownloadNotFoundError("This order has no files to download yet.")
    delivery = loaded.delivery
    if delivery.withdrawn_at is not None:
        raise DownloadNotFoundError(
            "This order was cancelled: its files can no longer be downloaded."
        )
    if delivery.fully_refunded:
        raise DownloadNotFoundError(
            "This order was refunded: its files can no longer be downloaded."
        )
    linked = await repos.links.for_order(order_id)
    plan = _plan(linked, loaded.policy.zip_max_bytes)
    if not 1 <= part <= len(plan):
        raise DownloadNotFoundError(f"There is no archive {part}: this order has {len(plan)}.")
    by_item = {f.link.item_id: f for f in linked}
    now = ctx.now()
    files = [by_item[f.item_id] for f in plan[part - 1]]
    stale = [f.link.item_id for f in files if outdated(f, ctx.renderer.path_of(f.file))]
    if stale:  # produced again first (`service.refresh`)
        raise FileOutdatedError(order_id, stale)
    candidates = [f for f in files if f.link.state(now) is LinkState.AVAILABLE]
    if not head:
        counted = await repos.links.count_downloads([f.link.id for f in candidates])
        candidates = [f for f in candidates if f.link.id in counted]
    if not candidates:
        raise LinkGoneError("Every download link in this archive has expired or been used up.")
    included_ids = {f.link.id for f in candidates}
    terms = next((f for f in linked if f.kind is ItemKind.TERMS), None)
    entries = [(ctx.renderer.path_of(f.file), f.file_name) for f in candidates]
    if terms is not None:
        entries.append((ctx.renderer.path_of(terms.file), terms.file_name))
    missing = [name for path, name in entries if not path.is_file()]
    if missing:  # the transaction rolls back: nothing counted
        log.error("archive.file_missing", order_id=str(order_id), files=missing)
        raise DownloadNotFoundError(f"{missing[0]} is no longer available.")
    text = license_text(
        LicenseText(
            number=delivery.number,
            licensee=delivery.client_name,
            part=part,
            parts=len(plan),
            delivered_at=delivery.delivered_at,
            included=[_archive_file(f) for f in candidates],
            left_out=[_archive_file(f) for f in files if f.link.id not in included_ids],
            terms_name=terms.file_name if terms else None,
            free=delivery.is_free,
        )
    )
    if not head:
        log.info("archive.counted", order_id=str(order_id), part=part, files=len(candidates))
    name = _archive_name(delivery.number, part, len(plan), free=delivery.is_free)
    return Archive(name, entries, text)


def _archive_name(number: str, part: int, parts: int, *, free: bool = False) -> str:
    stem = slug(number) if free else f"order-{slug(number) or 'files'}"
    return f"{stem}.zip" if parts == 1 else f"{stem}-part-{part}-of-{parts}.zip"
