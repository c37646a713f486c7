"""Issue 17: idempotency keys scoped to the client and bound to the request's body;
server-side admin sessions (logout ends a session at once on every service).

Existing keys are re-scoped the way `service/idempotency.py` scopes new ones (sha256 of the
client's email and the key); their request hash stays empty, so an old key still replays its
own order but never answers a different client.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("request_hash", sa.String(64), nullable=True))
    op.execute(
        "UPDATE orders SET idempotency_key = encode(sha256(convert_to("
        "lower(trim(client_email)) || chr(31) || idempotency_key, 'UTF8')), 'hex') "
        "WHERE idempotency_key IS NOT NULL"
    )
    op.create_table(
        "admin_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_admin_sessions_expires_at", "admin_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("admin_sessions")
    op.drop_column("orders", "request_hash")
