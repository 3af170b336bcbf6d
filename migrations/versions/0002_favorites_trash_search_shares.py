"""add favorites, trash, prompt search and share links

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OWNERS = (("user_id", "user"), ("session_id", "session"))
NEWEST = [sa.text("created_at DESC"), sa.text("id DESC")]


def _partial(name: str, columns: list, where: str) -> None:
    op.create_index(
        name,
        "generated_media",
        columns,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )


def upgrade() -> None:
    with op.batch_alter_table("generated_media") as batch:
        batch.add_column(
            sa.Column("favorite", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))

    # The history indexes now skip trashed rows; favorites and the trash get their own.
    for owner, short in OWNERS:
        op.drop_index(f"ix_generated_media_{short}_recent", table_name="generated_media")
        op.drop_index(f"ix_generated_media_{short}_type_recent", table_name="generated_media")
        live = f"{owner} IS NOT NULL AND deleted_at IS NULL"
        _partial(f"ix_generated_media_{short}_recent", [owner, *NEWEST], live)
        _partial(f"ix_generated_media_{short}_type_recent", [owner, "type", *NEWEST], live)
        _partial(
            f"ix_generated_media_{short}_favorite_recent", [owner, *NEWEST], f"{live} AND favorite"
        )
        _partial(
            f"ix_generated_media_{short}_trash",
            [owner, sa.text("deleted_at DESC"), sa.text("id DESC")],
            f"{owner} IS NOT NULL AND deleted_at IS NOT NULL",
        )

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_generated_media_prompt_trgm",
            "generated_media",
            ["prompt"],
            postgresql_using="gin",
            postgresql_ops={"prompt": "gin_trgm_ops"},
        )

    op.create_table(
        "share_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("media_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("hide_prompt", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["media_id"],
            ["generated_media.id"],
            name=op.f("fk_share_links_media_id_generated_media"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token", name=op.f("uq_share_links_token")),
    )
    op.create_index(op.f("ix_share_links_media_id"), "share_links", ["media_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_share_links_media_id"), table_name="share_links")
    op.drop_table("share_links")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_generated_media_prompt_trgm", table_name="generated_media")
    for owner, short in OWNERS:
        for name in ("recent", "type_recent", "favorite_recent", "trash"):
            op.drop_index(f"ix_generated_media_{short}_{name}", table_name="generated_media")
        present = f"{owner} IS NOT NULL"
        _partial(f"ix_generated_media_{short}_recent", [owner, *NEWEST], present)
        _partial(f"ix_generated_media_{short}_type_recent", [owner, "type", *NEWEST], present)
    with op.batch_alter_table("generated_media") as batch:
        batch.drop_column("deleted_at")
        batch.drop_column("favorite")
