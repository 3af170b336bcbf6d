"""give every owner-scoped table one non-null owner_id

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

An owner was two nullable columns (user_id for accounts, session_id holding a guest secret's
digest) that adopting a guest's history updated in place. Now every owner-scoped row carries
owner_id (the account's id, or an id minted for the guest and kept in `guests` beside the
digest), which leads the primary keys, unique keys and foreign keys between owner tables, as
a distributed PostgreSQL (Citus) needs. Public share tokens resolve to their owner through
`share_tokens`. Both directions keep every row, id, date and link.
"""

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLE = "generated_media"
OLD_OWNERS = (("user_id", "user"), ("session_id", "session"))
NEWEST = [sa.text("created_at DESC"), sa.text("id DESC")]
TRASH_ORDER = [sa.text("deleted_at DESC"), sa.text("id DESC")]


def _index(name: str, columns: list, where: str, *, unique: bool = False) -> None:
    condition = sa.text(where)
    op.create_index(
        name, TABLE, columns, unique=unique, postgresql_where=condition, sqlite_where=condition
    )


def _owner_indexes(owner: str, short: str | None, condition: str) -> list[tuple]:
    """(name, columns, where, unique) of the keyset and key indexes for one owner column."""
    prefix = f"generated_media_{short}_" if short else "generated_media_"
    live = f"{condition}deleted_at IS NULL"
    return [
        (f"uq_{prefix}request", [owner, "request_id"], f"{condition}request_id IS NOT NULL", True),
        (f"ix_{prefix}recent", [owner, *NEWEST], live, False),
        (f"ix_{prefix}type_recent", [owner, "type", *NEWEST], live, False),
        (f"ix_{prefix}favorite_recent", [owner, *NEWEST], f"{live} AND favorite", False),
        (f"ix_{prefix}model", [owner, "model"], live, False),
        (f"ix_{prefix}trash", [owner, *TRASH_ORDER], f"{condition}deleted_at IS NOT NULL", False),
    ]


def _old_indexes() -> list[tuple]:
    return [
        index
        for owner, short in OLD_OWNERS
        for index in _owner_indexes(owner, short, f"{owner} IS NOT NULL AND ")
    ]


def _new_indexes() -> list[tuple]:
    return _owner_indexes("owner_id", None, "")


def upgrade() -> None:
    bind = op.get_bind()
    guests = op.create_table(
        "guests",
        sa.Column("secret_digest", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("secret_digest", name=op.f("pk_guests")),
    )
    # Every guest who has media gets its owner id now, dated by its first item.
    media = sa.table(
        TABLE, sa.column("session_id", sa.String), sa.column("created_at", sa.DateTime(True))
    )
    known = bind.execute(
        sa.select(media.c.session_id, sa.func.min(media.c.created_at))
        .where(media.c.session_id.is_not(None))
        .group_by(media.c.session_id)
    ).all()
    if known:
        op.bulk_insert(
            guests,
            [
                {"secret_digest": digest, "owner_id": uuid.uuid4(), "created_at": first}
                for digest, first in known
            ],
        )

    for name, *_ in _old_indexes():
        op.drop_index(name, table_name=TABLE)
    op.drop_index("ix_share_links_media_id", table_name="share_links")
    with op.batch_alter_table("share_links") as batch:
        batch.drop_constraint("fk_share_links_media_id_generated_media", type_="foreignkey")
        batch.drop_constraint("uq_share_links_token", type_="unique")
        batch.add_column(sa.Column("owner_id", sa.Uuid(), nullable=True))

    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("owner_id", sa.Uuid(), nullable=True))
    op.execute(f"UPDATE {TABLE} SET owner_id = user_id WHERE user_id IS NOT NULL")
    op.execute(
        f"UPDATE {TABLE} SET owner_id = (SELECT g.owner_id FROM guests g "
        f"WHERE g.secret_digest = {TABLE}.session_id) WHERE session_id IS NOT NULL"
    )
    op.execute(
        f"UPDATE share_links SET owner_id = (SELECT m.owner_id FROM {TABLE} m "
        "WHERE m.id = share_links.media_id)"
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint("ck_generated_media_one_owner", type_="check")
        batch.drop_constraint("pk_generated_media", type_="primary")
        batch.alter_column("owner_id", existing_type=sa.Uuid(), nullable=False)
        batch.drop_column("session_id")
        batch.create_primary_key("pk_generated_media", ["owner_id", "id"])
        batch.create_check_constraint(
            "ck_generated_media_user_is_owner", "user_id IS NULL OR user_id = owner_id"
        )
    for name, columns, where, unique in _new_indexes():
        _index(name, columns, where, unique=unique)

    with op.batch_alter_table("share_links") as batch:
        batch.drop_constraint("pk_share_links", type_="primary")
        batch.alter_column("owner_id", existing_type=sa.Uuid(), nullable=False)
        batch.create_primary_key("pk_share_links", ["owner_id", "id"])
        batch.create_foreign_key(
            "fk_share_links_media",
            TABLE,
            ["owner_id", "media_id"],
            ["owner_id", "id"],
            ondelete="CASCADE",
        )
        batch.create_unique_constraint("uq_share_links_owner_token", ["owner_id", "token"])
    op.create_index("ix_share_links_media", "share_links", ["owner_id", "media_id"])

    op.create_table(
        "share_tokens",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_share_tokens")),
    )
    op.execute("INSERT INTO share_tokens (token, owner_id) SELECT token, owner_id FROM share_links")


def downgrade() -> None:
    op.drop_table("share_tokens")
    op.drop_index("ix_share_links_media", table_name="share_links")
    with op.batch_alter_table("share_links") as batch:
        batch.drop_constraint("fk_share_links_media", type_="foreignkey")
        batch.drop_constraint("uq_share_links_owner_token", type_="unique")
        batch.drop_constraint("pk_share_links", type_="primary")
        batch.drop_column("owner_id")
        batch.create_primary_key("pk_share_links", ["id"])
        batch.create_unique_constraint("uq_share_links_token", ["token"])

    for name, *_ in _new_indexes():
        op.drop_index(name, table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("session_id", sa.String(length=64), nullable=True))
    op.execute(
        f"UPDATE {TABLE} SET session_id = (SELECT g.secret_digest FROM guests g "
        f"WHERE g.owner_id = {TABLE}.owner_id) WHERE user_id IS NULL"
    )
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_constraint("ck_generated_media_user_is_owner", type_="check")
        batch.drop_constraint("pk_generated_media", type_="primary")
        batch.drop_column("owner_id")
        batch.create_primary_key("pk_generated_media", ["id"])
        batch.create_check_constraint(
            "ck_generated_media_one_owner", "(user_id IS NULL) <> (session_id IS NULL)"
        )
    for name, columns, where, unique in _old_indexes():
        _index(name, columns, where, unique=unique)

    with op.batch_alter_table("share_links") as batch:
        batch.create_foreign_key(
            "fk_share_links_media_id_generated_media",
            TABLE,
            ["media_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_index("ix_share_links_media_id", "share_links", ["media_id"])
    op.drop_table("guests")
