"""share links to a collection, live: its items as they are when the link is opened

Revision ID: sharecoll
Revises: ratings
Create Date: 2026-12-01

`share_links` gains `collection_id` (a manual or smart collection of the same owner, its
foreign key leading with owner_id; the link goes when the collection does), and `media_id`
may be NULL: a link names exactly one of the two (a check constraint says so).
"""

import sqlalchemy as sa
from alembic import op

revision = "sharecoll"
down_revision = "ratings"
branch_labels = None
depends_on = None

ONE_TARGET = "(media_id IS NULL) <> (collection_id IS NULL)"


def upgrade() -> None:
    with op.batch_alter_table("share_links") as batch:
        batch.add_column(sa.Column("collection_id", sa.Uuid(), nullable=True))
        batch.alter_column("media_id", existing_type=sa.Uuid(), nullable=True)
        batch.create_foreign_key(
            "fk_share_links_collection",
            "collections",
            ["owner_id", "collection_id"],
            ["owner_id", "id"],
            ondelete="CASCADE",
        )
        batch.create_check_constraint("ck_share_links_one_target", ONE_TARGET)
        batch.create_index("ix_share_links_collection", ["owner_id", "collection_id"])


def downgrade() -> None:
    op.execute(
        "DELETE FROM share_tokens WHERE token IN "
        "(SELECT token FROM share_links WHERE collection_id IS NOT NULL)"
    )
    op.execute("DELETE FROM share_links WHERE collection_id IS NOT NULL")
    with op.batch_alter_table("share_links") as batch:
        batch.drop_index("ix_share_links_collection")
        batch.drop_constraint("ck_share_links_one_target", type_="check")
        batch.drop_constraint("fk_share_links_collection", type_="foreignkey")
        batch.alter_column("media_id", existing_type=sa.Uuid(), nullable=False)
        batch.drop_column("collection_id")
