"""add api_keys: named, scoped keys of an account, kept as digests

Revision ID: apikeys
Revises: shareopts
Create Date: 2026-12-01

A generator's backend acts for an account with `Authorization: Bearer <key>`. The table keeps
each key's name, scopes, optional expiry and rate limit, when it was created, last used and
revoked, and only the SHA-256 digest of the key itself. Keyed by the account's id (owner_id)
first; the key names its account, so a lookup is one row by (owner_id, digest).
"""

import sqlalchemy as sa
from alembic import op

revision = "apikeys"
down_revision = "shareopts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("scopes", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("rate_limit", sa.String(64), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_api_keys_owner_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("owner_id", "id", name="pk_api_keys"),
        sa.UniqueConstraint("owner_id", "digest", name="uq_api_keys_owner_digest"),
    )


def downgrade() -> None:
    op.drop_table("api_keys")
