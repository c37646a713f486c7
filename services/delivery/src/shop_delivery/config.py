"""The delivery service's settings: the shared variables plus its own `DELIVERY_*` ones."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from shop_platform.settings import SharedSettings

SERVICE = "delivery"


class DeliverySettings(SharedSettings):
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/shop_delivery",
        validation_alias="DELIVERY_DATABASE_URL",
    )
    port: int = Field(default=8003, validation_alias="DELIVERY_PORT")
    rendition_root: str = Field(
        default="var/renditions", validation_alias="DELIVERY_RENDITION_ROOT"
    )

    @property
    def rendition_path(self) -> Path:
        return Path(self.rendition_root)

    @property
    def media_path(self) -> Path:
        return Path(self.media_root)
