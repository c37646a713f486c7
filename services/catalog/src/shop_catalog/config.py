"""The catalog service's settings: the shared ones plus its own (prefixed)."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from shop_platform.settings import SharedSettings


class CatalogSettings(SharedSettings):
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/shop_catalog",
        validation_alias=AliasChoices("CATALOG_DATABASE_URL", "database_url"),
    )
    port: int = Field(default=8005, validation_alias=AliasChoices("CATALOG_PORT", "port"))
    currency: str = Field(
        default="EUR",
        pattern=r"^[A-Z]{3}$",
        validation_alias=AliasChoices("ORDERS_CURRENCY", "currency"),
        description="the shop's currency, as orders charges it (shown beside prices)",
    )
    # Where thumbnails and watermarked previews are kept (made once per media and file).
    preview_dir: str = Field(
        default="var/cache/catalog-previews",
        validation_alias=AliasChoices("CATALOG_PREVIEW_DIR", "preview_dir"),
    )
    upload_max_bytes: int = Field(
        default=2 * 1024**3,
        ge=1,
        validation_alias=AliasChoices("CATALOG_UPLOAD_MAX_BYTES", "upload_max_bytes"),
    )
    # libvips and PyAV run in this many threads at most (previews are CPU-bound).
    preview_workers: int = Field(
        default=2, ge=1, validation_alias=AliasChoices("CATALOG_PREVIEW_WORKERS", "preview_workers")
    )
    # Wrong private-gallery passwords per client address per minute before 429.
    unlock_rate_limit_per_minute: int = Field(
        default=10,
        ge=0,
        validation_alias=AliasChoices(
            "CATALOG_UNLOCK_RATE_LIMIT_PER_MINUTE", "unlock_rate_limit_per_minute"
        ),
    )
    # The one-off move of the catalog out of orders (`python -m shop_catalog seed` on an
    # empty catalog): orders' database, whose old `media` / `license_options` rows are copied
    # with their ids. The only time catalog reads another service's tables.
    legacy_orders_database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("ORDERS_DATABASE_URL", "legacy_orders_database_url"),
    )
