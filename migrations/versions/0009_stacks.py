"""key each item by its variant stack (prompt, model, type, settings but the seed)

Revision ID: stacks
Revises: collections
Create Date: 2026-12-01

Items that share prompt, model, type and settings except `seed` are variants of one another;
the gallery and GET /api/media/list?stack=variants collapse them into one entry. Each row
gets `variant_key`, a digest of the canonical JSON of those fields (mediaapp/variants.py,
frozen below as it was when this ran), filled here for the existing rows in batches of
keyset-ordered reads, and an owner-leading index on (owner_id, variant_key, created_at DESC,
id DESC) over live rows: "is there a newer member", "how many members" and "the members,
newest first" are each one range of it.
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "stacks"
down_revision = "collections"
branch_labels = None
depends_on = None

TABLE = "generated_media"
INDEX = "ix_generated_media_variant_recent"
BATCH = 2000


def _canonical(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def variant_key(media_type, prompt, model, settings) -> str:
    """mediaapp.variants.variant_key as of this revision."""
    if isinstance(settings, str):  # SQLite's JSON comes back as text on a plain read
        settings = json.loads(settings)
    rest = (
        {key: value for key, value in settings.items() if key != "seed"}
        if isinstance(settings, dict)
        else settings
    )
    blob = json.dumps(
        {"type": str(media_type), "prompt": prompt, "model": model, "settings": _canonical(rest)},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _backfill(conn) -> None:
    """Key every existing row, BATCH at a time in (owner_id, id) order (the primary key)."""
    postgresql = conn.dialect.name == "postgresql"
    after = None
    while True:
        where = "WHERE (owner_id, id) > (:owner, :id) " if after else ""
        rows = conn.execute(
            sa.text(
                f"SELECT owner_id, id, type, prompt, model, settings FROM {TABLE} {where}"
                f"ORDER BY owner_id, id LIMIT {BATCH}"
            ),
            {"owner": after[0], "id": after[1]} if after else {},
        ).all()
        if not rows:
            return
        keyed = [{"o": row.owner_id, "i": row.id, "k": variant_key(*row[2:])} for row in rows]
        if postgresql:  # one UPDATE per batch, joined to its VALUES
            values = ", ".join(
                f"(CAST(:o{n} AS uuid), CAST(:i{n} AS uuid), :k{n})" for n in range(len(keyed))
            )
            params = {f"{name}{n}": item[name] for n, item in enumerate(keyed) for name in item}
            conn.execute(
                sa.text(
                    f"UPDATE {TABLE} AS g SET variant_key = v.k FROM (VALUES {values}) "
                    "AS v(o, i, k) WHERE g.owner_id = v.o AND g.id = v.i"
                ),
                params,
            )
        else:
            conn.execute(
                sa.text(f"UPDATE {TABLE} SET variant_key = :k WHERE owner_id = :o AND id = :i"),
                keyed,
            )
        after = (rows[-1].owner_id, rows[-1].id)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        # SQLite adds a NOT NULL column only with a default; every row is keyed right after.
        op.add_column(
            TABLE, sa.Column("variant_key", sa.String(32), nullable=False, server_default="")
        )
    else:
        op.add_column(TABLE, sa.Column("variant_key", sa.String(32), nullable=True))
    _backfill(conn)
    if conn.dialect.name != "sqlite":
        # The app always writes the key (and the model's default covers any other INSERT it
        # makes); a row written by hand in SQL becomes a stack of its own.
        op.alter_column(
            TABLE,
            "variant_key",
            existing_type=sa.String(32),
            nullable=False,
            server_default=sa.text("md5(gen_random_uuid()::text)"),
        )
    live = sa.text("deleted_at IS NULL")
    op.create_index(
        INDEX,
        TABLE,
        ["owner_id", "variant_key", sa.text("created_at DESC"), sa.text("id DESC")],
        postgresql_where=live,
        sqlite_where=live,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name=TABLE)
    if op.get_bind().dialect.name == "sqlite":
        # Native DROP COLUMN (SQLite 3.35+): a batch rebuild would drop the stats triggers.
        op.execute(f"ALTER TABLE {TABLE} DROP COLUMN variant_key")
    else:
        op.drop_column(TABLE, "variant_key")
