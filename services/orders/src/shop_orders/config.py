"""The orders service's settings: the shared ones plus its own (CONTRACT.md)."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from shop_platform.settings import SharedSettings


class OrdersSettings(SharedSettings):
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/shop_orders",
        validation_alias=AliasChoices("ORDERS_DATABASE_URL", "database_url"),
    )
    port: int = Field(default=8001, validation_alias=AliasChoices("ORDERS_PORT", "port"))
    currency: str = Field(
        default="EUR",
        pattern=r"^[A-Z]{3}$",
        validation_alias=AliasChoices("ORDERS_CURRENCY", "currency"),
    )
    # Orders placed per client address per minute (429 beyond); 0 turns it off (benchmarks).
    rate_limit_per_minute: int = Field(
        default=30,
        ge=0,
        validation_alias=AliasChoices("ORDERS_RATE_LIMIT_PER_MINUTE", "rate_limit_per_minute"),
    )
    # No longer used (previews are catalog's); kept so that older .env files still load.
    preview_cache_dir: str = Field(
        default="var/cache/orders-previews",
        validation_alias=AliasChoices("ORDERS_PREVIEW_CACHE_DIR", "preview_cache_dir"),
    )
