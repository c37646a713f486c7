"""The media library's HTTP shapes (CONTRACT: "Catalog service")."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from shop_catalog.domain.media import Media, MediaEdit
from shop_catalog.domain.media_settings import (
    CatalogSettings,
    WatermarkKind,
    WatermarkPosition,
    WatermarkSettings,
)
from shop_catalog.service.media_urls import preview_urls
from shop_contracts.common import PhotographerContact
from shop_platform.text import check_multiline, check_single_line


class MediaRead(BaseModel):
    id: uuid.UUID
    kind: Literal["image", "video"]
    width: int
    height: int
    title: str
    caption: str | None
    keywords: list[str]
    credit: str | None
    copyright: str | None
    state: Literal["undefined", "proof", "final"]
    mime_type: str
    media_key: str
    size_bytes: int
    duration_s: float | None
    captured_at: datetime | None
    revision: int
    file_revision: int
    withdrawn_at: datetime | None
    created_at: datetime
    updated_at: datetime
    thumbnail_url: str
    preview_url: str
    clip_url: str | None
    photographer: PhotographerContact | None = Field(
        default=None, description="the photographer it belongs to; null: the shop owner's own"
    )

    @classmethod
    def of(cls, media: Media, base_url: str) -> MediaRead:
        urls = preview_urls(base_url, media)
        return cls(
            id=media.id,
            photographer=media.owner.contact(),
            kind=media.kind,
            width=media.width,
            height=media.height,
            title=media.title,
            caption=media.caption,
            keywords=media.keywords,
            credit=media.credit,
            copyright=media.copyright,
            state=media.state,
            mime_type=media.mime_type,
            media_key=media.media_key,
            size_bytes=media.size_bytes,
            duration_s=media.duration_s,
            captured_at=media.captured_at,
            revision=media.revision,
            file_revision=media.file_revision,
            withdrawn_at=media.withdrawn_at,
            created_at=media.created_at,
            updated_at=media.updated_at,
            thumbnail_url=urls["thumbnail_url"] or "",
            preview_url=urls["preview_url"] or "",
            clip_url=urls["clip_url"],
        )


class MediaList(BaseModel):
    media: list[MediaRead]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class MediaPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, BeforeValidator(check_single_line)] | None = Field(
        default=None, max_length=300
    )
    caption: Annotated[str, BeforeValidator(check_multiline)] | None = Field(
        default=None, max_length=5000
    )
    keywords: list[Annotated[str, BeforeValidator(check_single_line)]] | None = Field(
        default=None, max_length=100
    )
    state: Literal["undefined", "proof", "final"] | None = None

    def edit(self) -> MediaEdit:
        caption = self.caption
        if "caption" in self.model_fields_set and caption is None:
            caption = ""  # null removes the caption
        return MediaEdit(
            title=self.title, caption=caption, keywords=self.keywords, state=self.state
        )


class WatermarkBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: WatermarkKind = "text"
    text: Annotated[str, BeforeValidator(check_single_line)] = Field(
        default="Preview", max_length=100
    )
    position: WatermarkPosition = "center"
    size_pct: int = Field(default=40, ge=1, le=100)
    opacity_pct: int = Field(default=35, ge=0, le=100)


class WatermarkRead(WatermarkBody):
    logo_key: str | None
    version: int


class CatalogSettingsRead(BaseModel):
    offer_only_final: bool
    watermark: WatermarkRead

    @classmethod
    def of(cls, settings: CatalogSettings) -> CatalogSettingsRead:
        mark = settings.watermark
        return cls(
            offer_only_final=settings.offer_only_final,
            watermark=WatermarkRead(
                kind=mark.kind,
                text=mark.text,
                position=mark.position,
                size_pct=mark.size_pct,
                opacity_pct=mark.opacity_pct,
                logo_key=mark.logo_key,
                version=mark.version,
            ),
        )


class CatalogSettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer_only_final: bool
    watermark: WatermarkBody

    def apply_to(self, current: CatalogSettings) -> CatalogSettings:
        mark = self.watermark
        return CatalogSettings(
            offer_only_final=self.offer_only_final,
            watermark=WatermarkSettings(
                kind=mark.kind,
                text=mark.text,
                logo_key=current.watermark.logo_key,
                position=mark.position,
                size_pct=mark.size_pct,
                opacity_pct=mark.opacity_pct,
                version=current.watermark.version,
            ),
        )
