"""Galleries, selections, pricing profiles, access, free-download grants, offered media.

Revision ID: c0002
Revises: c0001
Create Date: 2026-12-06 13:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None

MAX_PRICE = 10**12


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def _fk(name: str, target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column(
        name, UUID(as_uuid=True), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "pricing_profiles",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False, server_default="royalty_free"),
        sa.Column("rights_managed", JSONB, nullable=True),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint(
            "kind IN ('royalty_free', 'rights_managed')", name="ck_pricing_profiles_kind"
        ),
    )
    op.create_table(
        "profile_rows",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _fk("profile_id", "pricing_profiles.id"),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("usage_terms", sa.Text, nullable=True),
        sa.Column("price", sa.BigInteger, nullable=False),
        sa.Column("delivery", JSONB, nullable=False),
        sa.CheckConstraint(f"price >= 0 AND price <= {MAX_PRICE}", name="ck_profile_rows_price"),
    )
    op.create_index("ix_profile_rows_profile", "profile_rows", ["profile_id", "position"])
    op.create_table(
        "media_profiles",
        _fk("media_id", "media.id"),
        _fk("profile_id", "pricing_profiles.id"),
        sa.Column("position", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("media_id", "profile_id"),
    )
    op.create_index("ix_media_profiles_profile", "media_profiles", ["profile_id"])
    op.create_table(
        "galleries",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("slug", sa.String(200), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        _fk("parent_id", "galleries.id", nullable=True, ondelete="SET NULL"),
        sa.Column("position", sa.Integer, nullable=False, server_default=sa.text("0")),
        _fk("cover_media_id", "media.id", nullable=True, ondelete="SET NULL"),
        sa.Column("visibility", sa.String(10), nullable=False, server_default="public"),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("whole_gallery_price", sa.BigInteger, nullable=True),
        sa.Column("whole_gallery_delivery", JSONB, nullable=True),
        sa.Column("revision", sa.Integer, nullable=False, server_default=sa.text("0")),
        _now("created_at"),
        _now("updated_at"),
        sa.CheckConstraint(
            "visibility IN ('public', 'unlisted', 'private')", name="ck_galleries_visibility"
        ),
        sa.CheckConstraint(
            f"whole_gallery_price IS NULL OR (whole_gallery_price >= 0 AND whole_gallery_price <= {MAX_PRICE})",
            name="ck_galleries_whole_price",
        ),
    )
    op.create_index("ix_galleries_listing", "galleries", ["visibility", "parent_id", "position"])
    op.create_table(
        "gallery_media",
        _fk("gallery_id", "galleries.id"),
        _fk("media_id", "media.id"),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("gallery_id", "media_id"),
    )
    op.create_index("ix_gallery_media_page", "gallery_media", ["gallery_id", "position"])
    op.create_index("ix_gallery_media_media", "gallery_media", ["media_id"])
    op.create_table(
        "gallery_profiles",
        _fk("gallery_id", "galleries.id"),
        _fk("profile_id", "pricing_profiles.id"),
        sa.Column("position", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.PrimaryKeyConstraint("gallery_id", "profile_id"),
    )
    op.create_index("ix_gallery_profiles_profile", "gallery_profiles", ["profile_id"])
    op.create_table(
        "gallery_allowed_emails",
        _fk("gallery_id", "galleries.id"),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("gallery_id", "email"),
    )
    op.create_table(
        "free_download_grants",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _fk("gallery_id", "galleries.id"),
        sa.Column("client_email", sa.String(320), nullable=False),
        sa.Column("delivery", JSONB, nullable=False),
        _now("created_at"),
    )
    op.create_table(
        "selections",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("token", sa.String(100), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("client_email", sa.String(320), nullable=False),
        sa.Column("message", sa.Text, nullable=True),
        _now("created_at"),
    )
    op.create_table(
        "selection_media",
        _fk("selection_id", "selections.id"),
        _fk("media_id", "media.id"),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("selection_id", "media_id"),
    )
    op.create_table(
        "offered_media",
        sa.Column(
            "media_id",
            UUID(as_uuid=True),
            sa.ForeignKey("media.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("offers", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        _now("updated_at"),
    )


def downgrade() -> None:
    for table in (
        "offered_media",
        "selection_media",
        "selections",
        "free_download_grants",
        "gallery_allowed_emails",
        "gallery_profiles",
        "gallery_media",
        "galleries",
        "media_profiles",
        "profile_rows",
        "pricing_profiles",
    ):
        op.drop_table(table)
