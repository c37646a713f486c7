"""The catalog settings: the previews' watermark (text or PNG logo) and "offer only Final"."""

from __future__ import annotations

import dataclasses
import uuid

from shop_catalog.domain.media_errors import InvalidUploadError
from shop_catalog.domain.media_settings import CatalogSettings, change_settings
from shop_catalog.service.media_library import MediaLibrary, now_utc
from shop_catalog.service.media_staging import StagedFile, adopt
from shop_catalog.service.offering import publish_media
from shop_catalog.service.ports import Repositories
from shop_media.ingest import UploadError

MAX_LOGO_BYTES = 5 * 1024 * 1024


async def current_settings(library: MediaLibrary) -> CatalogSettings:
    async with library.transaction() as repos:
        return await repos.media.settings()


async def update_settings(library: MediaLibrary, wanted: CatalogSettings) -> CatalogSettings:
    """Save; when "offer only Final" changes, every live media is published again (its
    offers follow the setting)."""
    now = now_utc()
    async with library.transaction() as repos:
        current = await repos.media.settings(for_update=True)
        saved = change_settings(current, wanted)
        await repos.media.save_settings(saved, now)
        if saved.offer_only_final != current.offer_only_final:
            ids = await _live_ids(repos)
            if ids:
                await publish_media(repos, ids, now=now)
    return dataclasses.replace(saved, updated_at=now)


async def _live_ids(repos: Repositories) -> list[uuid.UUID]:
    media = repos.media
    ids: list[uuid.UUID] = []
    after = None
    while True:
        page = await media.page(q=None, after=after, limit=1000)
        ids += [m.id for m in page if m.state != "final"]
        if len(page) < 1000:
            return ids
        after = (page[-1].created_at, page[-1].id)


async def set_watermark_logo(library: MediaLibrary, staged: StagedFile) -> CatalogSettings:
    """A PNG logo becomes the watermark (kind "logo"); kept in the media store."""
    if not staged.complete:
        raise InvalidUploadError("the upload was cut off before the file's end")
    try:
        await library.workshop.check_logo(staged.path)
    except UploadError as exc:
        raise InvalidUploadError(f"the logo must be a PNG image: {exc}") from exc
    key = f"watermarks/logo-{uuid.uuid4()}.png"
    now = now_utc()
    async with library.transaction() as repos:
        current = await repos.media.settings(for_update=True)
        mark = dataclasses.replace(current.watermark, kind="logo", logo_key=key)
        saved = change_settings(current, dataclasses.replace(current, watermark=mark))
        await repos.media.save_settings(saved, now)
        adopt(library.store, key, staged)
    return dataclasses.replace(saved, updated_at=now)
