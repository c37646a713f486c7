"""The media library's use cases: upload, read, list, edit, replace the file, delete.

Load -> decide (domain/media.py) -> save; every change calls `publish_media` in the same
transaction, and the facts other services act on go to the outbox with it.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from shop_catalog.domain.media import (
    DEFAULT_TITLE,
    Media,
    MediaEdit,
    apply_edit,
    replaced,
    title_from_filename,
    withdraw,
)
from shop_catalog.domain.media_errors import (
    DuplicateMediaError,
    InvalidMediaEditError,
    InvalidUploadError,
    MediaNotFoundError,
    UnsupportedUploadError,
)
from shop_catalog.domain.media_settings import WatermarkSettings
from shop_catalog.service.media_ports import PreviewWorkshop
from shop_catalog.service.media_staging import StagedFile, adopt, kept_aside, remove
from shop_catalog.service.offering import publish_media
from shop_catalog.service.owners import creator, sees
from shop_catalog.service.ports import Repositories, Transaction
from shop_contracts.events import MediaFileReplaced, MediaFinalized, MediaWithdrawn
from shop_media.ingest import (
    DEFAULT_MAX_PIXELS,
    Inspected,
    UnsupportedFileError,
    UploadError,
)
from shop_media.store import MediaStore
from shop_platform.accounts import Principal
from shop_platform.text import text_problem

PAGE_SIZE = 50


@dataclass(frozen=True)
class MediaLibrary:
    """What the media use cases work with, handed over by the composition root."""

    transaction: Transaction
    store: MediaStore
    workshop: PreviewWorkshop
    max_upload_bytes: int
    max_pixels: int = DEFAULT_MAX_PIXELS


def now_utc() -> datetime:
    return datetime.now(UTC)


async def inspect(
    library: MediaLibrary,
    staged: StagedFile,
    *,
    preview_as: tuple[uuid.UUID, int] | None = None,
    watermark: WatermarkSettings | None = None,
) -> Inspected:
    """The upload checked by content, or the domain's refusal naming the problem."""
    if not staged.complete:
        raise InvalidUploadError("the upload was cut off before the file's end")
    try:
        return await library.workshop.inspect(
            staged.path, preview_as=preview_as, watermark=watermark
        )
    except UnsupportedFileError as exc:
        raise UnsupportedUploadError(str(exc)) from exc
    except UploadError as exc:
        raise InvalidUploadError(str(exc)) from exc


def media_key(media_id: uuid.UUID, extension: str) -> str:
    return f"library/{media_id.hex[:2]}/{media_id}{extension}"


async def _refuse_duplicate(
    repos: Repositories, sha256: str, who: Principal, *, other_than: uuid.UUID | None = None
) -> None:
    await repos.media.lock_content(sha256)  # a second upload of the same bytes waits here
    existing = await repos.media.live_with_content(sha256)
    if existing is not None and existing.id != other_than and not sees(who, existing.owner):
        raise DuplicateMediaError(
            "this file is already in the shop's library, uploaded by another photographer",
            None,
        )
    if existing is not None and existing.id != other_than:
        raise DuplicateMediaError(
            f"this file is already in the library as “{existing.title}” ({existing.id})",
            existing.id,
        )


async def upload_media(
    library: MediaLibrary, staged: StagedFile, *, who: Principal, title: str | None = None
) -> Media:
    """A new media from a staged upload; the file joins the store only if the row commits.
    An image's previews are made while it is checked (one decode), a video's after. It is
    `who`'s (a photographer's own, else the shop's); a photographer's file without a
    credit line gets their name."""
    media_id = uuid.uuid4()
    async with library.transaction() as repos:
        watermark = (await repos.media.settings()).watermark
    inspected = await inspect(library, staged, preview_as=(media_id, 1), watermark=watermark)
    now = now_utc()
    described = inspected.descriptive
    owner = creator(who)
    wanted_title = (title or "").strip()
    media = Media(
        id=media_id,
        media_key=media_key(media_id, inspected.type.extension),
        kind=inspected.type.kind,
        mime_type=inspected.type.mime_type,
        title=(
            wanted_title[:300]
            or described.title
            or title_from_filename(staged.filename)
            or DEFAULT_TITLE
        ),
        caption=described.caption,
        keywords=described.keywords,
        credit=described.credit or owner.name,
        copyright=described.copyright,
        width=inspected.width,
        height=inspected.height,
        duration_s=inspected.duration_s,
        captured_at=described.captured_at,
        size_bytes=staged.size,
        sha256=staged.sha256,
        created_at=now,
        updated_at=now,
        owner=owner,
    )
    moved = False
    try:
        async with library.transaction() as repos:
            await _refuse_duplicate(repos, staged.sha256, who)
            await repos.media.add(media)
            await publish_media(repos, [media.id], now=now)
            settings = await repos.media.settings()
            adopt(library.store, media.media_key, staged)
            moved = True
    except BaseException:
        if moved:
            remove(library.store, media.media_key)
        await library.workshop.drop(media.id)
        raise
    library.workshop.make_soon(media, settings.watermark)
    return await _load(library, media.id)


async def _load(library: MediaLibrary, media_id: uuid.UUID) -> Media:
    async with library.transaction() as repos:
        found = await repos.media.get(media_id)
    if found is None:
        raise MediaNotFoundError(media_id)
    return found


async def get_media(library: MediaLibrary, media_id: uuid.UUID, *, who: Principal) -> Media:
    """The media, if `who` may see it (another photographer's: not found)."""
    found = await _load(library, media_id)
    if not sees(who, found.owner):
        raise MediaNotFoundError(media_id)
    return found


async def _for_change(repos: Repositories, media_id: uuid.UUID, who: Principal) -> Media:
    """The media locked for a change, if `who` may change it (else not found)."""
    current = await repos.media.get(media_id, for_update=True)
    if current is None or not sees(who, current.owner):
        raise MediaNotFoundError(media_id)
    return current


def encode_cursor(media: Media) -> str:
    raw = f"{media.created_at.isoformat()}|{media.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        when, _, media_id = raw.partition("|")
        return datetime.fromisoformat(when), uuid.UUID(media_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidMediaEditError("cursor: not a cursor this list gave") from exc


async def list_media(
    library: MediaLibrary,
    *,
    who: Principal,
    q: str | None,
    cursor: str | None,
    limit: int = PAGE_SIZE,
) -> tuple[list[Media], str | None]:
    """A page of the library (newest first) and the cursor of the next page, if any: a
    photographer's own media only. A `q` with control characters is refused (422): a NUL
    would break PostgreSQL."""
    if problem := text_problem(q or "", multiline=False):
        raise InvalidMediaEditError(f"q: {problem}")
    after = decode_cursor(cursor) if cursor else None
    async with library.transaction() as repos:
        found = await repos.media.page(
            q=q or None, after=after, limit=limit + 1, photographer_id=who.photographer_scope
        )
    more = len(found) > limit
    found = found[:limit]
    return found, encode_cursor(found[-1]) if more and found else None


async def edit_media(
    library: MediaLibrary, media_id: uuid.UUID, edit: MediaEdit, *, who: Principal
) -> Media:
    now = now_utc()
    async with library.transaction() as repos:
        current = await _for_change(repos, media_id, who)
        outcome = apply_edit(current, edit, now)
        if outcome.media is not current:
            await repos.media.save(outcome.media)
            await publish_media(repos, [media_id], now=now)
        if outcome.finalized:
            event = MediaFinalized(media_id=media_id, media_key=current.media_key)
            await repos.outbox.add(event.envelope(correlation_id=media_id, occurred_at=now))
    return await _load(library, media_id)


async def delete_media(library: MediaLibrary, media_id: uuid.UUID, *, who: Principal) -> None:
    """409 while an unfinished order uses it; otherwise withdrawn (row and file kept)."""
    now = now_utc()
    async with library.transaction() as repos:
        current = await _for_change(repos, media_id, who)
        if current.withdrawn:
            return
        in_use = await repos.usage.unfinished_orders_using(media_id)
        await repos.media.save(withdraw(current, in_use_by=in_use, now=now))
        await publish_media(repos, [media_id], now=now)
        revision = await _revision(repos, media_id)
        event = MediaWithdrawn(media_id=media_id, revision=revision)
        await repos.outbox.add(event.envelope(correlation_id=media_id, occurred_at=now))


async def _revision(repos: Repositories, media_id: uuid.UUID) -> int:
    found = await repos.media.get(media_id)
    return max(1, found.revision if found else 1)


async def replace_media_file(
    library: MediaLibrary, media_id: uuid.UUID, staged: StagedFile, *, who: Principal
) -> Media:
    """Same id, same key: the new original takes the old one's place atomically (put back
    if the transaction fails); the previews are dropped and made again."""
    key = (await get_media(library, media_id, who=who)).media_key  # a key never changes
    inspected = await inspect(library, staged)
    now = now_utc()
    with kept_aside(library.store, key):  # the old original comes back if anything fails
        async with library.transaction() as repos:
            current = await _for_change(repos, media_id, who)
            if inspected.type.mime_type != current.mime_type:
                raise UnsupportedUploadError(
                    f"replace this {current.mime_type} file with one of the same type "
                    f"(this one is {inspected.type.mime_type}); upload a new media otherwise"
                )
            await _refuse_duplicate(repos, staged.sha256, who, other_than=media_id)
            new = replaced(
                current,
                size_bytes=staged.size,
                sha256=staged.sha256,
                width=inspected.width,
                height=inspected.height,
                duration_s=inspected.duration_s,
                now=now,
            )
            await repos.media.save(new)
            await publish_media(repos, [media_id], now=now)
            revision = await _revision(repos, media_id)
            event = MediaFileReplaced(media_id=media_id, media_key=key, revision=revision)
            await repos.outbox.add(event.envelope(correlation_id=media_id, occurred_at=now))
            settings = await repos.media.settings()
            adopt(library.store, key, staged)
    await library.workshop.drop(media_id, keep_revision=new.file_revision)
    library.workshop.make_soon(new, settings.watermark)
    return await _load(library, media_id)
