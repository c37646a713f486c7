"""Issue 11: orders keeps a read model of the catalog (fed by catalog's MediaOffered,
MediaWithdrawn and GalleryOffered snapshots, each kept only when its revision is higher),
whole-gallery order lines, and server-side carts.

- media: `revision` (0: a row from before the catalog service; any snapshot replaces it),
  `state` (undefined | proof | final, from the old `status`), `for_sale`, `withdrawn_at`;
  titles and credits as long as the catalog allows.
- license_options: one row per (media, offer): an offer's id is its price-list row's id,
  shared by every media the list is attached to, so the key becomes (media_id, id);
  `profile_id`, `description`.
- galleries_for_sale: the galleries' snapshots (whole-gallery price, delivery, members).
- order_lines: `gallery_id`, `members` (a whole gallery sold as one line).
- carts, cart_lines: one line per media (a new license replaces the old), one per gallery.

Existing ids and rows are kept: they stay valid until a snapshot with a higher revision
replaces them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("media", sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
    op.add_column(
        "media", sa.Column("state", sa.String(10), nullable=False, server_default="undefined")
    )
    op.execute("UPDATE media SET state = status")
    op.drop_constraint("ck_media_status", "media", type_="check")
    op.drop_column("media", "status")
    op.create_check_constraint(
        "ck_media_state", "media", "state IN ('undefined', 'proof', 'final')"
    )
    op.add_column(
        "media", sa.Column("for_sale", sa.Boolean, nullable=False, server_default="true")
    )
    op.add_column("media", sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
    op.alter_column("media", "title", type_=sa.Text)
    op.alter_column("media", "credit", type_=sa.Text)

    op.drop_constraint("license_options_pkey", "license_options", type_="primary")
    op.create_primary_key("license_options_pkey", "license_options", ["media_id", "id"])
    op.add_column("license_options", sa.Column("profile_id", UUID(as_uuid=True), nullable=True))
    op.add_column("license_options", sa.Column("description", sa.Text, nullable=True))

    op.create_table(
        "galleries_for_sale",
        sa.Column("gallery_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("whole_gallery_price", sa.BigInteger, nullable=True),
        sa.Column("delivery", JSONB, nullable=False),
        sa.Column("members", JSONB, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )

    op.add_column("order_lines", sa.Column("gallery_id", UUID(as_uuid=True), nullable=True))
    op.add_column(
        "order_lines",
        sa.Column("members", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    )
    op.alter_column("order_lines", "media_title", type_=sa.Text)
    op.alter_column("order_lines", "credit", type_=sa.Text)

    op.create_table(
        "carts",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_carts_expires_at", "carts", ["expires_at"])
    op.create_table(
        "cart_lines",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "cart_id",
            sa.String(64),
            sa.ForeignKey("carts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("media_id", UUID(as_uuid=True), nullable=True),
        sa.Column("license_id", UUID(as_uuid=True), nullable=True),
        sa.Column("gallery_id", UUID(as_uuid=True), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("cart_id", "media_id", name="uq_cart_lines_media"),
        sa.UniqueConstraint("cart_id", "gallery_id", name="uq_cart_lines_gallery"),
        sa.CheckConstraint(
            "(media_id IS NOT NULL AND license_id IS NOT NULL AND gallery_id IS NULL)"
            " OR (media_id IS NULL AND license_id IS NULL AND gallery_id IS NOT NULL)",
            name="ck_cart_lines_kind",
        ),
    )


def downgrade() -> None:
    op.drop_table("cart_lines")
    op.drop_index("ix_carts_expires_at", "carts")
    op.drop_table("carts")
    op.drop_column("order_lines", "members")
    op.drop_column("order_lines", "gallery_id")
    op.drop_table("galleries_for_sale")
    op.drop_column("license_options", "description")
    op.drop_column("license_options", "profile_id")
    op.execute("DELETE FROM license_options a USING license_options b WHERE a.id = b.id AND a.ctid > b.ctid")
    op.drop_constraint("license_options_pkey", "license_options", type_="primary")
    op.create_primary_key("license_options_pkey", "license_options", ["id"])
    op.add_column(
        "media", sa.Column("status", sa.String(10), nullable=False, server_default="final")
    )
    op.execute("UPDATE media SET status = CASE state WHEN 'proof' THEN 'proof' ELSE 'final' END")
    op.drop_constraint("ck_media_state", "media", type_="check")
    op.create_check_constraint("ck_media_status", "media", "status IN ('proof', 'final')")
    op.drop_column("media", "withdrawn_at")
    op.drop_column("media", "for_sale")
    op.drop_column("media", "state")
    op.drop_column("media", "revision")
