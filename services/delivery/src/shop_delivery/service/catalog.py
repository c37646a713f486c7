"""What delivery keeps of the catalog: its own copy of each gallery (whole-gallery lines are
expanded from it), and replaced originals (their cached renditions are dropped).

A replaced original keeps its media key: the renditions cached for it are deleted (rows and
files), so the next order renders from the new file; files already delivered from it are
marked stale and produced again, from the new original, the next time a link or an archive
serves them (`service.refresh`): issued links keep working and give the new file.
"""

from __future__ import annotations

import uuid

import structlog

from shop_contracts.events import GalleryOffered, MediaFileReplaced
from shop_delivery.domain.galleries import GalleryCopy
from shop_delivery.service.context import ServiceContext
from shop_delivery.service.ports import Repositories

log = structlog.get_logger()


async def record_gallery(repos: Repositories, event: GalleryOffered) -> bool:
    """Keep the snapshot unless a higher revision is kept (a deleted gallery stays, deleted)."""
    copy = GalleryCopy(
        gallery_id=event.gallery_id,
        revision=event.revision,
        title=event.title,
        members=list(event.members),
        deleted=event.deleted,
    )
    kept = await repos.galleries.apply(copy, event.slug)
    log.info(
        "gallery.copied" if kept else "gallery.older_revision",
        gallery_id=str(event.gallery_id),
        revision=event.revision,
        files=len(event.members),
        deleted=event.deleted,
    )
    return kept


async def drop_replaced_renditions(
    repos: Repositories, ctx: ServiceContext, event: MediaFileReplaced, message_id: uuid.UUID
) -> int:
    """Forget every rendition of the replaced original; returns how many were cached."""
    paths = await repos.renditions.drop(event.media_key)
    stale = await repos.files.mark_stale(event.media_key, ctx.now())
    # Deleted now, before the commit: a row left by a rollback finds no file and is rendered
    # again (`Renderer` checks the file of every cached row it uses).
    ctx.renderer.forget(event.media_key, paths)
    log.info(
        "media.file_replaced",
        media_key=event.media_key,
        renditions=len(paths),
        delivered_files=stale,
    )
    return len(paths)
