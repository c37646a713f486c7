"""What an order delivers: one item per licensed file, with where its file is once rendered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class FileSource(StrEnum):
    """Where a delivered file lives: the media store (originals) or the rendition cache."""

    MEDIA = "media"
    RENDITION = "rendition"


@dataclass(frozen=True)
class StoredFile:
    source: FileSource
    key: str  # relative to the media root or to the rendition root
    size_bytes: int
    mime_type: str
    extension: str  # with the dot


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
