"""keep the media itself: archive columns, blobs and the job queue

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Every record gains the state of the copy mediaapp keeps (pending until a job stores it), the
blob store gets its registry (`blobs`) and background work its durable queue (`jobs`). Every
existing record is queued for archiving, so an upgraded history starts keeping its files.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE = "generated_media"


def _columns() -> list[sa.Column]:
    return [
        sa.Column("archive_status", sa.String(16), server_default="pending", nullable=False),
        sa.Column("archive_error", sa.Text(), nullable=True),
        sa.Column("archive_sha256", sa.String(64), nullable=True),
        sa.Column("archive_bytes", sa.BigInteger(), nullable=True),
        sa.Column("archive_mime", sa.String(64), nullable=True),
        sa.Column("archive_width", sa.Integer(), nullable=True),
        sa.Column("archive_height", sa.Integer(), nullable=True),
        sa.Column("archive_duration_ms", sa.Integer(), nullable=True),
        sa.Column("archive_thumb_sha256", sa.String(64), nullable=True),
        sa.Column("archive_placeholder", sa.String(128), nullable=True),
    ]


def _partial(name: str, columns: list, where: str) -> None:
    op.create_index(
        name, TABLE, columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where)
    )


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch:
        for column in _columns():
            batch.add_column(column)
    _partial(
        "ix_generated_media_archive_missing",
        ["owner_id", sa.text("created_at DESC"), sa.text("id DESC")],
        "deleted_at IS NULL AND archive_status IN ('failed', 'expired')",
    )
    _partial("ix_generated_media_archive_sha256", ["archive_sha256"], "archive_sha256 IS NOT NULL")
    _partial(
        "ix_generated_media_archive_thumb_sha256",
        ["archive_thumb_sha256"],
        "archive_thumb_sha256 IS NOT NULL",
    )
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_generated_media_stored_bytes",
            TABLE,
            ["owner_id"],
            postgresql_include=["archive_bytes"],
            postgresql_where=sa.text("archive_sha256 IS NOT NULL"),
        )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("mime", sa.String(64), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "jobs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("media_id", sa.Uuid(), nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("kind", "owner_id", "media_id", name="uq_jobs_kind_media"),
    )
    op.create_index("ix_jobs_run_at", "jobs", ["run_at"])
    # The history from before: every record is queued to be archived now.
    op.execute(
        "INSERT INTO jobs (kind, owner_id, media_id, run_at, attempts) "
        f"SELECT 'archive', owner_id, id, CURRENT_TIMESTAMP, 0 FROM {TABLE}"
    )


def downgrade() -> None:
    op.drop_index("ix_jobs_run_at", table_name="jobs")
    op.drop_table("jobs")
    op.drop_table("blobs")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_generated_media_stored_bytes", table_name=TABLE)
    for name in ("archive_thumb_sha256", "archive_sha256", "archive_missing"):
        op.drop_index(f"ix_generated_media_{name}", table_name=TABLE)
    with op.batch_alter_table(TABLE) as batch:
        for column in reversed(_columns()):
            batch.drop_column(column.name)
