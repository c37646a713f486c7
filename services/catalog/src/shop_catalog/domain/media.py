"""A media of the library and what may happen to it (pure: no I/O)."""

from __future__ import annotations

import dataclasses
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, get_args

from shop_catalog.domain.media_errors import (
    IllegalStateChangeError,
    InvalidMediaEditError,
    MediaInUseError,
    MediaWithdrawnError,
)
from shop_catalog.domain.owners import SHOP, Owner

MediaKind = Literal["image", "video"]
MediaState = Literal["undefined", "proof", "final"]
STATES: tuple[MediaState, ...] = get_args(MediaState)
MAX_TITLE = 300
MAX_CAPTION = 5000
MAX_KEYWORD = 100
MAX_KEYWORDS = 100
DEFAULT_TITLE = "Untitled"

_PATH_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class Media:
    id: uuid.UUID
    media_key: str
    kind: MediaKind
    mime_type: str
    title: str
    width: int
    height: int
    size_bytes: int
    sha256: str
    created_at: datetime
    updated_at: datetime
    caption: str | None = None
    keywords: list[str] = field(default_factory=list)
    credit: str | None = None
    copyright: str | None = None
    duration_s: float | None = None
    captured_at: datetime | None = None
    state: MediaState = "undefined"
    revision: int = 0
    file_revision: int = 1
    withdrawn_at: datetime | None = None
    owner: Owner = SHOP  # the photographer it belongs to (never changes)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass(frozen=True)
class MediaEdit:
    """What the photographer changes; None: left as it is. `caption=""` removes it."""

    title: str | None = None
    caption: str | None = None
    keywords: list[str] | None = None
    state: MediaState | None = None


@dataclass(frozen=True)
class EditOutcome:
    media: Media
    finalized: bool  # proof -> final: paid orders holding it can now receive it


def title_from_filename(filename: str | None) -> str | None:
    """A default title from the client's file name: its last path segment, without the
    extension, path and control characters (never used as a key)."""
    if not filename:
        return None
    name = re.split(r"[/\\]", filename)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    text = _PATH_CHARACTERS.sub(" ", stem).strip(" .")
    text = re.sub(r"\s+", " ", text)
    return text[:MAX_TITLE] or None


def clean_keywords(words: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for raw in words:
        for part in re.split(r"[;,\n]", raw):
            word = re.sub(r"\s+", " ", part).strip()
            if len(word) > MAX_KEYWORD:
                raise InvalidMediaEditError(
                    f"keyword {word[:20]!r}... is over {MAX_KEYWORD} characters"
                )
            if word and word.lower() not in seen:
                seen[word.lower()] = word
    if len(seen) > MAX_KEYWORDS:
        raise InvalidMediaEditError(f"at most {MAX_KEYWORDS} keywords")
    return list(seen.values())


def check_state_change(current: MediaState, wanted: MediaState) -> None:
    if wanted not in STATES:
        raise InvalidMediaEditError(f"state must be one of {', '.join(STATES)}")
    if current == "final" and wanted == "proof":
        raise IllegalStateChangeError(
            "a Final file cannot go back to Proof: orders may already have received it"
        )


def apply_edit(media: Media, edit: MediaEdit, now: datetime) -> EditOutcome:
    if media.withdrawn:
        raise MediaWithdrawnError(f"media {media.id} was deleted; it can no longer be edited")
    changes: dict[str, object] = {}
    if edit.title is not None:
        title = re.sub(r"\s+", " ", edit.title).strip()
        if not title:
            raise InvalidMediaEditError("title: a media needs a title")
        if len(title) > MAX_TITLE:
            raise InvalidMediaEditError(f"title: at most {MAX_TITLE} characters")
        changes["title"] = title
    if edit.caption is not None:
        caption = edit.caption.strip()
        if len(caption) > MAX_CAPTION:
            raise InvalidMediaEditError(f"caption: at most {MAX_CAPTION} characters")
        changes["caption"] = caption or None
    if edit.keywords is not None:
        changes["keywords"] = clean_keywords(edit.keywords)
    finalized = False
    if edit.state is not None and edit.state != media.state:
        check_state_change(media.state, edit.state)
        finalized = media.state == "proof" and edit.state == "final"
        changes["state"] = edit.state
    if not changes:
        return EditOutcome(media, False)
    return EditOutcome(dataclasses.replace(media, **changes, updated_at=now), finalized)  # type: ignore[arg-type]


def withdraw(media: Media, *, in_use_by: int, now: datetime) -> Media:
    """Delete = withdraw from sale (row and file kept for re-issued links)."""
    if media.withdrawn:
        return media
    if in_use_by:
        orders = "order uses" if in_use_by == 1 else "orders use"
        raise MediaInUseError(
            f"{in_use_by} unfinished {orders} this media; "
            "it can be deleted once they are delivered or cancelled"
        )
    return dataclasses.replace(media, withdrawn_at=now, updated_at=now)


def replaced(
    media: Media,
    *,
    size_bytes: int,
    sha256: str,
    width: int,
    height: int,
    duration_s: float | None,
    now: datetime,
) -> Media:
    if media.withdrawn:
        raise MediaWithdrawnError(f"media {media.id} was deleted; its file cannot be replaced")
    return dataclasses.replace(
        media,
        size_bytes=size_bytes,
        sha256=sha256,
        width=width,
        height=height,
        duration_s=duration_s,
        file_revision=media.file_revision + 1,
        updated_at=now,
    )
