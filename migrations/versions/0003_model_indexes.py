"""add (owner, model) indexes for the model menu and stats

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

OWNERS = (("user_id", "user"), ("session_id", "session"))


def upgrade() -> None:
    # The gallery's model menu walks these one distinct model at a time (a loose index scan),
    # and the stats' top models count from them without reading the table.
    for owner, short in OWNERS:
        live = sa.text(f"{owner} IS NOT NULL AND deleted_at IS NULL")
        op.create_index(
            f"ix_generated_media_{short}_model",
            "generated_media",
            [owner, "model"],
            postgresql_where=live,
            sqlite_where=live,
        )


def downgrade() -> None:
    for _, short in OWNERS:
        op.drop_index(f"ix_generated_media_{short}_model", table_name="generated_media")
