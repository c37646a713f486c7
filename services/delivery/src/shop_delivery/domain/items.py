"""What an order delivers: one item per licensed file (plus the terms PDF), with its file."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class FileSource(StrEnum):
    """Where a delivered file lives, each relative to its root.

    MEDIA: the media store (originals). RENDITION: the shared rendition cache. ORDER: a file
    made for one order only (a license-stamped copy, the terms PDF), under the rendition root.
    """

    MEDIA = "media"
    RENDITION = "rendition"
    ORDER = "order"


class ItemKind(StrEnum):
    MEDIA = "media"  # a licensed image or clip
    TERMS = "terms"  # the photographer's terms and conditions, as a PDF


TERMS_NAMESPACE = uuid.UUID("6f1d7e0c-4c47-4a36-9d0e-2b1f7a9f1c11")


def terms_line_id(order_id: uuid.UUID) -> uuid.UUID:
    """The stable id the terms PDF uses where a file needs a line id (events, the page)."""
    return uuid.uuid5(TERMS_NAMESPACE, str(order_id))


@dataclass(frozen=True)
class StoredFile:
    source: FileSource
    key: str  # relative to the media root or to the rendition root
    size_bytes: int
    mime_type: str
    extension: str  # with the dot
    width: int | None = None  # known while delivering (file names); not stored
    height: int | None = None


@dataclass
class DeliveryItem:
    id: uuid.UUID
    order_id: uuid.UUID
    line_id: uuid.UUID
    media_id: uuid.UUID
    media_key: str
    media_kind: str
    license_name: str
    spec: dict[str, Any]
    file_name: str | None = None
    file: StoredFile | None = None
    position: int = 0
    kind: ItemKind = ItemKind.MEDIA
    media_status: str = "final"
    media_created_at: datetime | None = None
    media_updated_at: datetime | None = None
    credit: str | None = None
    usage_terms: str | None = None
    # A rights-managed line's chosen usage, in the profile's group order ("Usage: Web;
    # Size: A3"): written into the file's XMP and LICENSE.txt. None: royalty-free.
    usage: str | None = None
    held: bool = False  # a Proof file kept back until it is marked Final
    released_at: datetime | None = None
    gallery_title: str | None = None  # a file of a whole-gallery line (or a free download)
    file_stale_at: datetime | None = None  # its original was replaced since it was produced

    @property
    def is_proof(self) -> bool:
        return self.media_status == "proof"

    @property
    def delivered(self) -> bool:
        return self.file is not None
