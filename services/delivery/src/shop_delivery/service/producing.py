"""Produce each item's delivered file: render (cached), name, stamp the license (per order).

Stamping writes a per-order copy under `<rendition root>/orders/<order id>/`: the shared
cached rendition is never modified. Not stamped: the `original` mode (it promises the
original file), videos and formats without an XMP slot we can write (WebP...): those
are delivered as rendered, and the download page and LICENSE.txt still carry the license.

A rights-managed license is its usage (what the client chose and paid for), so its file
carries it even when delivered as the original (the default for rights-managed profiles):
a JPEG or TIFF original gets the license in its XMP without its image data being touched
(the JPEG's compressed data and the TIFF's strips are copied byte for byte: nothing is
re-encoded). Other originals (PNG would be re-saved) are delivered as they are, the usage
in LICENSE.txt and on the download page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import structlog

from shop_delivery.domain import Delivery
from shop_delivery.domain.archives import credits_of
from shop_delivery.domain.items import DeliveryItem, FileSource, ItemKind, StoredFile
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.naming import (
    TERMS_FILE_NAME,
    NamingOrder,
    check_templates,
    name_files,
)
from shop_delivery.service.renditions import parse_spec
from shop_media.license_xmp import LicenseInfo, LicenseStampError, write_licensed_copy
from shop_media.naming import unique_names
from shop_media.rendition import is_video, rendition_key
from shop_media.store import validate_key

log = structlog.get_logger()


async def produce_files(
    ctx: ServiceContext,
    delivery: Delivery,
    items: Sequence[DeliveryItem],
    *,
    media_count: int,
    taken_names: Sequence[str] = (),
) -> None:
    """Give every item its file and name (in memory; the caller saves them).

    Raises `RenditionFailedError` with the reason when any file cannot be produced.
    """
    media = [item for item in items if item.kind is ItemKind.MEDIA]
    check_templates(media)
    rendered = await _render_all(ctx, media)
    at = delivery.triggered_at or ctx.now()
    order = NamingOrder(delivery.number, media_count, at)
    names = await name_files(ctx.renderer, order, rendered, taken_names)
    for (item, stored), name in zip(rendered, names, strict=True):
        item.file_name = name
        item.file = await stamped(ctx, delivery, item, stored, at)
    taken = [*taken_names, *names]
    for item in items:
        if item.kind is ItemKind.TERMS:
            item.file_name = unique_names([*taken, TERMS_FILE_NAME])[-1]
            item.file = await _terms_pdf(ctx, delivery, media, at)


async def _render_all(
    ctx: ServiceContext, items: Sequence[DeliveryItem]
) -> list[tuple[DeliveryItem, StoredFile]]:
    """Each distinct (media, format) once, in a stable order."""

    def key(item: DeliveryItem) -> tuple[str, str]:
        return item.media_key, json.dumps(item.spec, sort_keys=True)

    ctx.renderer.require_known((item.media_key, item.spec) for item in items)
    produced: dict[tuple[str, str], StoredFile] = {}
    for item in sorted(items, key=key):
        if key(item) not in produced:
            produced[key(item)] = await ctx.renderer.file_for(item.media_key, item.spec)
    return [(item, produced[key(item)]) for item in items]


# Originals whose license goes into the XMP without re-encoding (`shop_media.license_xmp`).
_STAMPED_AS_IS = frozenset({"image/jpeg", "image/tiff"})


def _should_stamp(item: DeliveryItem, stored: StoredFile, src: Path) -> bool:
    spec = parse_spec(item.media_key, item.spec)
    if not spec.stamp_license or is_video(src):
        return False
    if stored.source is FileSource.MEDIA or rendition_key(spec, video=False) == "original":
        return item.usage is not None and stored.mime_type in _STAMPED_AS_IS
    return True


def license_terms(item: DeliveryItem) -> str:
    """The XMP's usage terms: a rights-managed usage first, then the license's own terms."""
    parts = [f"Licensed usage (rights-managed): {item.usage}"] if item.usage else []
    if item.usage_terms:
        parts.append(item.usage_terms)
    return "\n".join(parts)


async def stamped(
    ctx: ServiceContext,
    delivery: Delivery,
    item: DeliveryItem,
    stored: StoredFile,
    at: datetime,
) -> StoredFile:
    renderer = ctx.renderer
    src = renderer.path_of(stored)
    if not _should_stamp(item, stored, src):
        return stored
    info = LicenseInfo(
        licensee=delivery.client_name,
        order_number=delivery.number,
        license_name=f"{item.license_name} ({item.usage})" if item.usage else item.license_name,
        usage_terms=license_terms(item),
        credit=item.credit or "",
        licensed_on=at,
        file_name=item.file_name,
    )
    key = f"orders/{delivery.order_id}/{item.id}{stored.extension}"
    dest = renderer.root / validate_key(key)
    try:
        await renderer.in_pool(write_licensed_copy, src, dest, info)
    except LicenseStampError as exc:
        log.info("delivery.not_stamped", item_id=str(item.id), reason=str(exc))
        return stored
    size = dest.stat().st_size
    return StoredFile(
        FileSource.ORDER,
        key,
        size,
        stored.mime_type,
        stored.extension,
        stored.width,
        stored.height,
    )


async def _terms_pdf(
    ctx: ServiceContext, delivery: Delivery, media: Sequence[DeliveryItem], at: datetime
) -> StoredFile:
    # fpdf2 (with fontTools) costs ~45 MB: loaded only once a shop delivers terms.
    from shop_media.terms_pdf import TermsDocument, write_terms_pdf

    credit = ", ".join(credits_of(item.credit for item in media)) or None
    document = TermsDocument(
        text=delivery.terms_text or "",
        order_number=delivery.number,
        photographer=credit,
        issued_on=at.date(),
    )
    key = f"orders/{delivery.order_id}/{TERMS_FILE_NAME}"
    dest = ctx.renderer.root / validate_key(key)
    size = await ctx.renderer.in_pool(write_terms_pdf, dest, document)
    return StoredFile(FileSource.ORDER, key, size, "application/pdf", ".pdf")
