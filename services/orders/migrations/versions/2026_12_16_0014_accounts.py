"""Issue 14 (back office): accounts, link tokens (invitations, password resets), personal API tokens, the account behind an admin session.

- `accounts`: the people of the back office (owner, photographer, assistant). Email is
  stored lowercased and unique; `password_hash` is argon2id (null until the invitation is
  accepted); `failed_logins` / `locked_until` are the per-account lockout.
- `account_links`: single-use link tokens (an invitation, a password reset), stored as the
  SHA-256 hex of the token; a used or superseded link has `used_at`.
- `api_tokens`: personal API tokens (`shp_...`), stored as SHA-256 hex; `revoked_at` ends one.
- `admin_sessions.account_id`: the person behind a session (null: the bootstrap owner who
  signed in with ADMIN_TOKEN). Deleting an account deletes its sessions, links and tokens.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-16
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=True),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("email", name="uq_accounts_email"),
        sa.CheckConstraint(
            "role IN ('owner', 'photographer', 'assistant')", name="ck_accounts_role"
        ),
        sa.CheckConstraint(
            "status IN ('invited', 'active', 'disabled')", name="ck_accounts_status"
        ),
    )
    op.create_table(
        "account_links",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "account_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('invitation', 'reset')", name="ck_account_links_purpose"
        ),
    )
    op.create_index("ix_account_links_account_id", "account_links", ["account_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column(
            "account_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    op.create_index("ix_api_tokens_account_id", "api_tokens", ["account_id"])
    op.add_column(
        "admin_sessions",
        sa.Column(
            "account_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=True,
        ),
    )
    op.create_index("ix_admin_sessions_account_id", "admin_sessions", ["account_id"])


def downgrade() -> None:
    op.drop_index("ix_admin_sessions_account_id", table_name="admin_sessions")
    op.drop_column("admin_sessions", "account_id")
    op.drop_index("ix_api_tokens_account_id", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("ix_account_links_account_id", table_name="account_links")
    op.drop_table("account_links")
    op.drop_table("accounts")
