"""Request and response bodies of the admin API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shop_delivery.domain import DeliveryPolicy
from shop_delivery.domain.policy import (
    MAX_DOWNLOADS,
    MAX_EXPIRY_DAYS,
    MAX_ZIP_MAX_BYTES,
    MIN_ZIP_MAX_BYTES,
)


class DeliverySettingsRead(BaseModel):
    link_expiry_days: int
    max_downloads: int
    zip_max_bytes: int
    deliver_only_final: bool

    @classmethod
    def of(cls, policy: DeliveryPolicy) -> DeliverySettingsRead:
        return cls(
            link_expiry_days=policy.link_expiry_days,
            max_downloads=policy.max_downloads,
            zip_max_bytes=policy.zip_max_bytes,
            deliver_only_final=policy.deliver_only_final,
        )


class DeliverySettingsUpdate(BaseModel):
    """The whole settings; the fields added later may be left out (they keep their value)."""

    model_config = ConfigDict(extra="forbid")

    link_expiry_days: int = Field(
        ge=1,
        le=MAX_EXPIRY_DAYS,
        description="days a download link stays valid (licenses may set their own)",
    )
    max_downloads: int = Field(
        ge=1,
        le=MAX_DOWNLOADS,
        description="downloads allowed per link (licenses may set their own)",
    )
    zip_max_bytes: int | None = Field(
        default=None,
        ge=MIN_ZIP_MAX_BYTES,
        le=MAX_ZIP_MAX_BYTES,
        description="largest ZIP archive of 'Download all'; a larger order is split",
    )
    deliver_only_final: bool | None = Field(
        default=None, description="hold Proof files until they are marked Final"
    )

    def policy(self, current: DeliveryPolicy) -> DeliveryPolicy:
        return DeliveryPolicy(
            link_expiry_days=self.link_expiry_days,
            max_downloads=self.max_downloads,
            zip_max_bytes=(
                self.zip_max_bytes if self.zip_max_bytes is not None else current.zip_max_bytes
            ),
            deliver_only_final=(
                self.deliver_only_final
                if self.deliver_only_final is not None
                else current.deliver_only_final
            ),
        )
