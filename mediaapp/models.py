"""The two tables: users and their generated media."""

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class MediaType(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"


media_type_enum = sa.Enum(
    "image", "video", name="media_type", create_constraint=True, validate_strings=True
)
settings_json = sa.JSON().with_variant(JSONB(), "postgresql")


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    # Stored normalised (stripped, lower-cased) so the plain UNIQUE is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, server_default=sa.func.now()
    )


def _owner_indexes(owner: str) -> list[sa.Index]:
    """Partial indexes for one owner column: idempotency key and the keyset history scans."""
    present = sa.text(f"{owner} IS NOT NULL")
    keyed = sa.text(f"{owner} IS NOT NULL AND request_id IS NOT NULL")
    short = owner.split("_")[0]
    return [
        sa.Index(
            f"uq_generated_media_{short}_request",
            owner,
            "request_id",
            unique=True,
            postgresql_where=keyed,
            sqlite_where=keyed,
        ),
        sa.Index(
            f"ix_generated_media_{short}_recent",
            owner,
            sa.text("created_at DESC"),
            sa.text("id DESC"),
            postgresql_where=present,
            sqlite_where=present,
        ),
        sa.Index(
            f"ix_generated_media_{short}_type_recent",
            owner,
            "type",
            sa.text("created_at DESC"),
            sa.text("id DESC"),
            postgresql_where=present,
            sqlite_where=present,
        ),
    ]


class GeneratedMedia(db.Model):
    __tablename__ = "generated_media"
    __table_args__ = (
        sa.CheckConstraint(
            "(user_id IS NULL) <> (session_id IS NULL)", name="ck_generated_media_one_owner"
        ),
        *_owner_indexes("user_id"),
        *_owner_indexes("session_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    # SHA-256 hex digest of the guest's secret; the secret itself never reaches the database.
    session_id: Mapped[str | None] = mapped_column(sa.String(64))
    type: Mapped[str] = mapped_column(media_type_enum)
    url: Mapped[str] = mapped_column(sa.Text)
    prompt: Mapped[str] = mapped_column(sa.Text)
    model: Mapped[str] = mapped_column(sa.String(128))
    settings: Mapped[dict[str, Any]] = mapped_column(settings_json)
    project_id: Mapped[str | None] = mapped_column(sa.Text)
    request_id: Mapped[str | None] = mapped_column(sa.Text)
    file_id: Mapped[str | None] = mapped_column(sa.Text)
    thumbnail_url: Mapped[str | None] = mapped_column(sa.Text)
    # Set in Python for microsecond precision on SQLite too (CURRENT_TIMESTAMP has seconds).
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, server_default=sa.func.now()
    )
