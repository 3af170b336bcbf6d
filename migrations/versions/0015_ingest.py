"""add ingest endpoints: provider callbacks signed the Standard Webhooks way

Revision ID: ingest
Revises: sharecoll
Create Date: 2026-12-01

`ingest_endpoints` (owner_id, id): one account's endpoint, its public name and its sealed
webhook secret. `ingest_names` (name): which owner a name belongs to, read first by a callback
(which carries only the name), like share_tokens.
"""

import sqlalchemy as sa
from alembic import op

revision = "ingest"
down_revision = "sharecoll"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_endpoints",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(96), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("provider", sa.String(32), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name="fk_ingest_endpoints_owner_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("owner_id", "id", name="pk_ingest_endpoints"),
        sa.UniqueConstraint("owner_id", "name", name="uq_ingest_endpoints_owner_name"),
    )
    op.create_table(
        "ingest_names",
        sa.Column("name", sa.String(96), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_ingest_names"),
    )


def downgrade() -> None:
    op.drop_table("ingest_names")
    op.drop_table("ingest_endpoints")
