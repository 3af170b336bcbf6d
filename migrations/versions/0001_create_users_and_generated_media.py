"""create users and generated_media

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

media_type = sa.Enum("image", "video", name="media_type", create_constraint=True)


def _owner_indexes(owner: str, short: str) -> None:
    present = sa.text(f"{owner} IS NOT NULL")
    keyed = sa.text(f"{owner} IS NOT NULL AND request_id IS NOT NULL")
    # Idempotent save: one requestId per owner.
    op.create_index(
        f"uq_generated_media_{short}_request",
        "generated_media",
        [owner, "request_id"],
        unique=True,
        postgresql_where=keyed,
        sqlite_where=keyed,
    )
    # "Newest N of one owner" (optionally of one type) is a forward scan of these, no sort.
    op.create_index(
        f"ix_generated_media_{short}_recent",
        "generated_media",
        [owner, sa.text("created_at DESC"), sa.text("id DESC")],
        postgresql_where=present,
        sqlite_where=present,
    )
    op.create_index(
        f"ix_generated_media_{short}_type_recent",
        "generated_media",
        [owner, "type", sa.text("created_at DESC"), sa.text("id DESC")],
        postgresql_where=present,
        sqlite_where=present,
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "generated_media",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=True),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("type", media_type, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=False),
        sa.Column(
            "settings", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("project_id", sa.Text(), nullable=True),
        sa.Column("request_id", sa.Text(), nullable=True),
        sa.Column("file_id", sa.Text(), nullable=True),
        sa.Column("thumbnail_url", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "(user_id IS NULL) <> (session_id IS NULL)", name="ck_generated_media_one_owner"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_generated_media_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_media")),
    )
    _owner_indexes("user_id", "user")
    _owner_indexes("session_id", "session")


def downgrade() -> None:
    op.drop_table("generated_media")
    op.drop_table("users")
    media_type.drop(op.get_bind(), checkfirst=True)
