"""Request and response bodies of the admin API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shop_delivery.domain import DeliveryPolicy
from shop_delivery.domain.policy import MAX_DOWNLOADS, MAX_EXPIRY_DAYS


class DeliverySettingsRead(BaseModel):
    link_expiry_days: int
    max_downloads: int

    @classmethod
    def of(cls, policy: DeliveryPolicy) -> DeliverySettingsRead:
        return cls(link_expiry_days=policy.link_expiry_days, max_downloads=policy.max_downloads)


class DeliverySettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    link_expiry_days: int = Field(
        ge=1, le=MAX_EXPIRY_DAYS, description="days a download link stays valid"
    )
    max_downloads: int = Field(ge=1, le=MAX_DOWNLOADS, description="downloads allowed per link")

    def policy(self) -> DeliveryPolicy:
        return DeliveryPolicy(
            link_expiry_days=self.link_expiry_days, max_downloads=self.max_downloads
        )
