"""add a 0-5 rating to every item, with an index for "rated N or more"

Revision ID: ratings
Revises: apikeys
Create Date: 2026-12-01

Culling a batch rates items 1-5 (0 is unrated, the default for every existing row). The
gallery and the list API filter by `minRating`, newest first: a partial index on the rated
live rows, in the history's keyset order, makes that one ordered range of the owner's rated
items (rating checked on each), like the favorites index. The column is added in place
(ALTER TABLE ... ADD COLUMN on both backends), so SQLite keeps the stats triggers of 0007,
which a table rebuild would drop.
"""

import sqlalchemy as sa
from alembic import op

revision = "ratings"
down_revision = "apikeys"
branch_labels = None
depends_on = None

TABLE = "generated_media"
INDEX = "ix_generated_media_rated_recent"
CHECK = "ck_generated_media_rating"
LIVE_RATED = "deleted_at IS NULL AND rating > 0"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column(
            TABLE, sa.Column("rating", sa.SmallInteger(), server_default="0", nullable=False)
        )
        op.create_check_constraint(CHECK, TABLE, "rating BETWEEN 0 AND 5")
    else:
        # SQLite adds a CHECK only with the column itself (no ALTER ... ADD CONSTRAINT).
        op.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN rating SMALLINT DEFAULT '0' NOT NULL "
            f"CONSTRAINT {CHECK} CHECK (rating BETWEEN 0 AND 5)"
        )
    where = sa.text(LIVE_RATED)
    op.create_index(
        INDEX,
        TABLE,
        ["owner_id", sa.text("created_at DESC"), sa.text("id DESC")],
        postgresql_where=where,
        sqlite_where=where,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(CHECK, TABLE, type_="check")
    # SQLite (3.35+) drops a column in place when only its own CHECK names it.
    op.drop_column(TABLE, "rating")
