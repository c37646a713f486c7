"""Issue 11: whole-gallery lines, free-download grants, replaced originals.

- `deliveries.kind`: `order`, or `free` (a free-download grant: its id plays the order id,
  no payment, never announced as an order's delivery); the trigger `grant` starts those.
- `deliveries.gallery_lines`: the order's whole-gallery lines as placed (JSON `OrderLine`s
  with their position), expanded into one item per file when the order is delivered.
- `delivery_items` were keyed by (order, line): a gallery line now gives several items, so
  (order, line, media). Existing rows stay valid (one item per line). `gallery_title`
  groups a gallery's files; `file_stale_at`: the original was replaced after the file was
  produced (it is produced again before it is served).
- `gallery_copies`: delivery's own copy of each gallery (`catalog.gallery_offered`).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 22:00:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "deliveries",
        sa.Column("kind", sa.String(10), nullable=False, server_default=sa.text("'order'")),
    )
    op.create_check_constraint("ck_deliveries_kind", "deliveries", "kind IN ('order', 'free')")
    op.add_column(
        "deliveries",
        sa.Column("gallery_lines", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
    )
    op.drop_constraint("ck_deliveries_trigger", "deliveries", type_="check")
    op.create_check_constraint(
        "ck_deliveries_trigger", "deliveries", "trigger IN ('payment', 'force', 'grant')"
    )
    op.add_column("delivery_items", sa.Column("gallery_title", sa.Text, nullable=True))
    op.add_column(
        "delivery_items", sa.Column("file_stale_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.drop_constraint("uq_delivery_items_line", "delivery_items", type_="unique")
    op.create_unique_constraint(
        "uq_delivery_items_line_media", "delivery_items", ["order_id", "line_id", "media_id"]
    )
    op.create_index("ix_delivery_items_media_key", "delivery_items", ["media_key"])
    op.create_table(
        "gallery_copies",
        sa.Column("gallery_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("members", JSONB, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )


def downgrade() -> None:
    op.drop_table("gallery_copies")
    op.drop_index("ix_delivery_items_media_key", "delivery_items")
    op.execute(
        "DELETE FROM delivery_items i USING delivery_items j WHERE i.order_id = j.order_id"
        " AND i.line_id = j.line_id AND i.position > j.position"
    )
    op.drop_constraint("uq_delivery_items_line_media", "delivery_items", type_="unique")
    op.create_unique_constraint(
        "uq_delivery_items_line", "delivery_items", ["order_id", "line_id"]
    )
    op.drop_column("delivery_items", "file_stale_at")
    op.drop_column("delivery_items", "gallery_title")
    op.execute("DELETE FROM deliveries WHERE kind = 'free'")
    op.drop_constraint("ck_deliveries_trigger", "deliveries", type_="check")
    op.create_check_constraint(
        "ck_deliveries_trigger", "deliveries", "trigger IN ('payment', 'force')"
    )
    op.drop_column("deliveries", "gallery_lines")
    op.drop_constraint("ck_deliveries_kind", "deliveries", type_="check")
    op.drop_column("deliveries", "kind")
