"""add collections (manual and smart) and their items

Revision ID: collections
Revises: 0007
Create Date: 2026-12-01

People sort thousands of generations into collections. A collection is one owner's row keyed
(owner_id, id); `name_key` (the name normalised and casefolded) is unique per owner, so
"Cats" and "cats" cannot both exist. A non-null `search` makes it a smart collection: the
saved filter arguments of a history view (as MediaFiltersSchema reads them), applied live.
`collection_items` holds the members of manual collections, keyed (owner_id, collection_id,
media_id) with foreign keys that include owner_id; deleting a collection or destroying an
item removes its memberships (ON DELETE CASCADE). `cover_id` has no foreign key: a chosen
cover that is trashed, destroyed or removed is simply not shown (the newest item is).
"""

import sqlalchemy as sa
from alembic import op

revision = "collections"
down_revision = "0007"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "collections",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("cover_id", sa.Uuid(), nullable=True),
        sa.Column("search", JSON, nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("owner_id", "id", name="pk_collections"),
        sa.UniqueConstraint("owner_id", "name_key", name="uq_collections_owner_name"),
    )
    op.create_table(
        "collection_items",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("collection_id", sa.Uuid(), nullable=False),
        sa.Column("media_id", sa.Uuid(), nullable=False),
        sa.Column(
            "added_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint(
            "owner_id", "collection_id", "media_id", name="pk_collection_items"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id", "collection_id"],
            ["collections.owner_id", "collections.id"],
            name="fk_collection_items_collection",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id", "media_id"],
            ["generated_media.owner_id", "generated_media.id"],
            name="fk_collection_items_media",
            ondelete="CASCADE",
        ),
    )
    # Which collections an item is in (the detail view), and the cascade from a destroyed item.
    op.create_index("ix_collection_items_media", "collection_items", ["owner_id", "media_id"])


def downgrade() -> None:
    op.drop_index("ix_collection_items_media", table_name="collection_items")
    op.drop_table("collection_items")
    op.drop_table("collections")
