"""The catalog's settings: the previews' watermark and "offer only Final" (pure)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from shop_catalog.domain.media_errors import InvalidCatalogSettingsError

WatermarkKind = Literal["none", "text", "logo"]
WatermarkPosition = Literal["center", "top-left", "top-right", "bottom-left", "bottom-right"]
KINDS: tuple[WatermarkKind, ...] = get_args(WatermarkKind)
POSITIONS: tuple[WatermarkPosition, ...] = get_args(WatermarkPosition)
MAX_WATERMARK_TEXT = 100


@dataclass(frozen=True)
class WatermarkSettings:
    kind: WatermarkKind = "text"
    text: str = "Preview"
    logo_key: str | None = None  # a PNG in the media store
    position: WatermarkPosition = "center"
    size_pct: int = 40
    opacity_pct: int = 35
    version: int = 1  # large previews are cached per version

    def look(self) -> tuple[object, ...]:
        return (self.kind, self.text, self.logo_key, self.position, self.size_pct, self.opacity_pct)


@dataclass(frozen=True)
class CatalogSettings:
    offer_only_final: bool = False
    watermark: WatermarkSettings = dataclasses.field(default_factory=WatermarkSettings)
    updated_at: datetime | None = None


def checked_watermark(mark: WatermarkSettings) -> WatermarkSettings:
    if mark.kind not in KINDS:
        raise InvalidCatalogSettingsError("watermark.kind", f"one of {', '.join(KINDS)}")
    if mark.position not in POSITIONS:
        raise InvalidCatalogSettingsError("watermark.position", f"one of {', '.join(POSITIONS)}")
    if not 1 <= mark.size_pct <= 100:
        raise InvalidCatalogSettingsError("watermark.size_pct", "between 1 and 100")
    if not 0 <= mark.opacity_pct <= 100:
        raise InvalidCatalogSettingsError("watermark.opacity_pct", "between 0 and 100")
    text = " ".join(mark.text.split())
    if len(text) > MAX_WATERMARK_TEXT:
        raise InvalidCatalogSettingsError(
            "watermark.text", f"at most {MAX_WATERMARK_TEXT} characters"
        )
    if mark.kind == "text" and not text:
        raise InvalidCatalogSettingsError("watermark.text", "a text watermark needs a text")
    if mark.kind == "logo" and not mark.logo_key:
        raise InvalidCatalogSettingsError(
            "watermark.kind", "upload a PNG logo before choosing the logo watermark"
        )
    return dataclasses.replace(mark, text=text)


def change_settings(current: CatalogSettings, wanted: CatalogSettings) -> CatalogSettings:
    """`wanted` checked; the watermark's version grows when its look changes."""
    mark = checked_watermark(wanted.watermark)
    version = current.watermark.version
    if mark.look() != current.watermark.look():
        version += 1
    return dataclasses.replace(wanted, watermark=dataclasses.replace(mark, version=version))
