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
    """Partial indexes for one owner column: idempotency key and the keyset history scans.

    The history indexes cover only rows outside the trash, which is what every normal view
    reads; favorites and the trash have their own, so each view is one ordered index range.
    """
    keyed = sa.text(f"{owner} IS NOT NULL AND request_id IS NOT NULL")
    live = sa.text(f"{owner} IS NOT NULL AND deleted_at IS NULL")
    favorites = sa.text(f"{owner} IS NOT NULL AND deleted_at IS NULL AND favorite")
    trashed = sa.text(f"{owner} IS NOT NULL AND deleted_at IS NOT NULL")
    short = owner.split("_")[0]
    newest = (sa.text("created_at DESC"), sa.text("id DESC"))

    def partial(name: str, *columns, where, unique: bool = False) -> sa.Index:
        return sa.Index(
            f"{'uq' if unique else 'ix'}_generated_media_{short}_{name}",
            *columns,
            unique=unique,
            postgresql_where=where,
            sqlite_where=where,
        )

    return [
        partial("request", owner, "request_id", where=keyed, unique=True),
        partial("recent", owner, *newest, where=live),
        partial("type_recent", owner, "type", *newest, where=live),
        partial("favorite_recent", owner, *newest, where=favorites),
        partial("model", owner, "model", where=live),
        partial("trash", owner, sa.text("deleted_at DESC"), sa.text("id DESC"), where=trashed),
    ]


class GeneratedMedia(db.Model):
    __tablename__ = "generated_media"
    __table_args__ = (
        sa.CheckConstraint(
            "(user_id IS NULL) <> (session_id IS NULL)", name="ck_generated_media_one_owner"
        ),
        *_owner_indexes("user_id"),
        *_owner_indexes("session_id"),
        # Case-insensitive substring search of prompts (ILIKE '%q%'), PostgreSQL only.
        sa.Index(
            "ix_generated_media_prompt_trgm",
            "prompt",
            postgresql_using="gin",
            postgresql_ops={"prompt": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
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
    favorite: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # Set when the item is moved to the trash; NULL for every item in the normal views.
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class ShareLink(db.Model):
    """A public, unguessable link to one media item, optionally expiring or hiding the prompt."""

    __tablename__ = "share_links"
    __table_args__ = (sa.Index("ix_share_links_media_id", "media_id"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    media_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("generated_media.id", ondelete="CASCADE")
    )
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hide_prompt: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, server_default=sa.func.now()
    )
