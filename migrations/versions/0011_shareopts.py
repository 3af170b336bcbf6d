"""share links with a password, a download switch and a count of their views

Revision ID: shareopts
Revises: cost
Create Date: 2026-12-01

`share_links` gains:
- `password_hash`: NULL for an open link; else the visitor must give the password (hashed as
  account passwords are, werkzeug's scrypt) before the item shows;
- `allow_download`: when false the original file is neither offered nor served through the
  link (the thumbnail still is); existing links keep allowing it;
- `view_count` and `last_viewed_at`: each public view adds one, in the same UPDATE.

Existing links are unchanged (no password, downloads allowed, no views counted yet).
"""

import sqlalchemy as sa
from alembic import op

revision = "shareopts"
down_revision = "cost"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("share_links") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(256), nullable=True))
        batch.add_column(
            sa.Column("allow_download", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch.add_column(sa.Column("view_count", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_viewed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("share_links") as batch:
        batch.drop_column("last_viewed_at")
        batch.drop_column("view_count")
        batch.drop_column("allow_download")
        batch.drop_column("password_hash")
