"""Galleries, selections, price lists, access and free-download grants.

`media.id` (the media library's table) is referenced by foreign key; the media row itself is
written by the media library (and, once, by the demo seed / legacy import).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shop_catalog.db.tables import metadata, owner_columns

MAX_PRICE = 10**12


def _created_at() -> Column[object]:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def _updated_at() -> Column[object]:
    return Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now())


def _media_fk(name: str = "media_id", *, nullable: bool = False) -> Column[object]:
    return Column(
        name,
        UUID(as_uuid=True),
        ForeignKey("media.id", ondelete="CASCADE" if not nullable else "SET NULL"),
        nullable=nullable,
    )


pricing_profiles = Table(
    "pricing_profiles",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(20), nullable=False, server_default="royalty_free"),
    # rights-managed profiles (pricing issue): base/minimum price, delivery, groups of
    # options, description, usage terms (`sales_profiles.rights_managed_json`)
    Column("rights_managed", JSONB(none_as_null=True), nullable=True),
    # quantity discounts of either kind: [{"min_quantity": 3, "percent": "10"}]
    Column("quantity_discounts", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    _created_at(),
    _updated_at(),
    *owner_columns(),
    Index("ix_pricing_profiles_photographer", "photographer_id", "name"),
    CheckConstraint("kind IN ('royalty_free', 'rights_managed')", name="ck_pricing_profiles_kind"),
    CheckConstraint(
        "(kind = 'rights_managed') = (rights_managed IS NOT NULL)",
        name="ck_pricing_profiles_rights_managed",
    ),
)

profile_rows = Table(
    "profile_rows",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),  # the license_id orders name
    Column(
        "profile_id",
        UUID(as_uuid=True),
        ForeignKey("pricing_profiles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("description", Text, nullable=True),
    Column("usage_terms", Text, nullable=True),
    Column("price", BigInteger, nullable=False),
    Column("delivery", JSONB, nullable=False),  # DeliverySpec with link_expiry_days, max_downloads
    CheckConstraint(f"price >= 0 AND price <= {MAX_PRICE}", name="ck_profile_rows_price"),
    Index("ix_profile_rows_profile", "profile_id", "position"),
)

media_profiles = Table(
    "media_profiles",
    metadata,
    _media_fk(),
    Column(
        "profile_id",
        UUID(as_uuid=True),
        ForeignKey("pricing_profiles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("media_id", "profile_id"),
    Index("ix_media_profiles_profile", "profile_id"),
)

galleries = Table(
    "galleries",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("slug", String(200), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=True),
    Column(
        "parent_id",
        UUID(as_uuid=True),
        ForeignKey("galleries.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("position", Integer, nullable=False, server_default=text("0")),
    _media_fk("cover_media_id", nullable=True),
    Column("visibility", String(10), nullable=False, server_default="public"),
    Column("password_hash", Text, nullable=True),
    Column("whole_gallery_price", BigInteger, nullable=True),
    Column("whole_gallery_delivery", JSONB, nullable=True),  # None: the original files
    Column("revision", Integer, nullable=False, server_default=text("0")),
    _created_at(),
    _updated_at(),
    *owner_columns(),
    Index("ix_galleries_photographer", "photographer_id"),
    CheckConstraint(
        "visibility IN ('public', 'unlisted', 'private')", name="ck_galleries_visibility"
    ),
    CheckConstraint(
        f"whole_gallery_price IS NULL OR (whole_gallery_price >= 0 AND whole_gallery_price <= "
        f"{MAX_PRICE})",
        name="ck_galleries_whole_price",
    ),
    Index("ix_galleries_listing", "visibility", "parent_id", "position"),
)

gallery_media = Table(
    "gallery_media",
    metadata,
    Column(
        "gallery_id",
        UUID(as_uuid=True),
        ForeignKey("galleries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    _media_fk(),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("gallery_id", "media_id"),
    Index("ix_gallery_media_page", "gallery_id", "position"),
    Index("ix_gallery_media_media", "media_id"),
)

gallery_profiles = Table(
    "gallery_profiles",
    metadata,
    Column(
        "gallery_id",
        UUID(as_uuid=True),
        ForeignKey("galleries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "profile_id",
        UUID(as_uuid=True),
        ForeignKey("pricing_profiles.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False, server_default=text("0")),
    PrimaryKeyConstraint("gallery_id", "profile_id"),
    Index("ix_gallery_profiles_profile", "profile_id"),
)

gallery_allowed_emails = Table(
    "gallery_allowed_emails",
    metadata,
    Column(
        "gallery_id",
        UUID(as_uuid=True),
        ForeignKey("galleries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("email", String(320), nullable=False),
    # sha256 of the access link's random token (the link itself is only in the email)
    Column("token_hash", String(64), nullable=False, unique=True),
    _created_at(),
    PrimaryKeyConstraint("gallery_id", "email"),
)

free_download_grants = Table(
    "free_download_grants",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column(
        "gallery_id",
        UUID(as_uuid=True),
        ForeignKey("galleries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("client_email", String(320), nullable=False),
    Column("delivery", JSONB, nullable=False),
    _created_at(),
)

selections = Table(
    "selections",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("token", String(100), nullable=False, unique=True),
    Column("title", String(200), nullable=False),
    Column("client_email", String(320), nullable=False),
    Column("message", Text, nullable=True),
    _created_at(),
    *owner_columns(),
    Index("ix_selections_photographer", "photographer_id", "created_at"),
)

selection_media = Table(
    "selection_media",
    metadata,
    Column(
        "selection_id",
        UUID(as_uuid=True),
        ForeignKey("selections.id", ondelete="CASCADE"),
        nullable=False,
    ),
    _media_fk(),
    Column("position", Integer, nullable=False),
    PrimaryKeyConstraint("selection_id", "media_id"),
)

# What each media was last published with (the offers of its latest `catalog.media_offered`):
# the storefront reads offers from here in the same query as the media, never re-resolving
# profiles per request.
offered_media = Table(
    "offered_media",
    metadata,
    Column(
        "media_id", UUID(as_uuid=True), ForeignKey("media.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("revision", Integer, nullable=False),
    Column("offers", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
    _updated_at(),
)

# The shop's currency as orders last announced it (`order.currency_changed`); no row yet:
# the `ORDERS_CURRENCY` environment value. Amounts are shown and typed in it.
shop_currency = Table(
    "shop_currency",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("id = 1", name="ck_shop_currency_singleton"),
    CheckConstraint("currency ~ '^[A-Z]{3}$'", name="ck_shop_currency_code"),
)
