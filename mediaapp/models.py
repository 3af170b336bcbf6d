"""The tables: accounts, guests, their generated media, its share links and collections.

Every owner-scoped table carries one non-null `owner_id` (an account's id, or the id minted
for a guest) that leads its primary key, its unique constraints and the foreign keys between
owner tables, and that no statement ever changes: the shape a distributed PostgreSQL (Citus)
needs to place each owner's rows together. README's scaling section says how they distribute.
"""

import enum
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from .dates import tolerant_sqlite_reader
from .extensions import db
from .variants import KEY_LENGTH, key_of_values


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp that is always an aware datetime in UTC, on every backend.

    PostgreSQL keeps timestamptz; SQLite keeps the UTC wall time as text and hands it back
    naive, so the zone is put back here, once, instead of in every reader.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime.")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def result_processor(self, dialect, coltype):
        # PostgreSQL's driver is made tolerant per connection (dates.register_tolerant_dates).
        process = super().result_processor(dialect, coltype)
        if dialect.name != "sqlite" or process is None:
            return process
        return tolerant_sqlite_reader(process)


# Amounts (a generation's cost in USD, its credits) keep this many decimal places, exactly.
AMOUNT_SCALE = 10
_AMOUNT_UNIT = Decimal(1).scaleb(-AMOUNT_SCALE)


class ExactAmount(sa.TypeDecorator):
    """A non-negative decimal kept exactly: NUMERIC on PostgreSQL; on SQLite, whose NUMERIC
    would turn it into a float, an integer count of 10^-AMOUNT_SCALE units, which sums
    exactly too. Always a Decimal (or None) in Python."""

    impl = sa.Numeric(28, AMOUNT_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(28, AMOUNT_SCALE, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value).quantize(_AMOUNT_UNIT)
        return int(value.scaleb(AMOUNT_SCALE)) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-AMOUNT_SCALE)
        return Decimal(value)


class MediaType(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"


media_type_enum = sa.Enum(
    "image", "video", name="media_type", create_constraint=True, validate_strings=True
)
settings_json = sa.JSON().with_variant(JSONB(), "postgresql")


def _created_at() -> Mapped[datetime]:
    # Set in Python for microsecond precision on SQLite too (CURRENT_TIMESTAMP has seconds).
    return mapped_column(UTCDateTime, default=utcnow, server_default=sa.func.now())


class User(db.Model):
    """An account; its id is also the owner_id of everything it owns (a reference table)."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    # Stored normalised (NFKC, casefolded: credentials.normalize_email), so the plain UNIQUE
    # holds across case, fullwidth forms and compatibility characters such as the Kelvin sign.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    # The SHA-256 of what the address looks like (credentials.email_key): unique, so a
    # look-alike of an existing address (Cyrillic letters for Latin ones) cannot register.
    email_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = _created_at()


class Guest(db.Model):
    """A guest: the SHA-256 digest of the secret in its cookie, and the owner_id minted for it.

    Looked up by digest only, so it distributes by that column; the secret itself never
    reaches the database.
    """

    __tablename__ = "guests"

    secret_digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    created_at: Mapped[datetime] = _created_at()


class Session(db.Model):
    """A signed-in session of an account: the digest of the secret its cookie carries.

    A request is signed in only while its row exists and has not expired, so logging out,
    signing out everywhere and changing the password end sessions at once. Keyed by the
    account's id (owner_id) first, so every statement names one owner.
    """

    __tablename__ = "sessions"
    __table_args__ = (sa.PrimaryKeyConstraint("owner_id", "secret_digest", name="pk_sessions"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    secret_digest: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = _created_at()
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


def _owned_index(name: str, *columns, where: str, unique: bool = False) -> sa.Index:
    """A partial index on generated_media that leads with owner_id."""
    condition = sa.text(where)
    return sa.Index(
        f"{'uq' if unique else 'ix'}_generated_media_{name}",
        "owner_id",
        *columns,
        unique=unique,
        postgresql_where=condition,
        sqlite_where=condition,
    )


NEWEST = (sa.text("created_at DESC"), sa.text("id DESC"))


def _variant_default(context) -> str:
    return key_of_values(context.get_current_parameters())


class GeneratedMedia(db.Model):
    __tablename__ = "generated_media"
    __table_args__ = (
        sa.PrimaryKeyConstraint("owner_id", "id", name="pk_generated_media"),
        # userId on the wire: the account, which is then also the owner; null for guests.
        sa.CheckConstraint(
            "user_id IS NULL OR user_id = owner_id", name="ck_generated_media_user_is_owner"
        ),
        sa.CheckConstraint("rating BETWEEN 0 AND 5", name="ck_generated_media_rating"),
        # Idempotent save: one requestId per owner.
        _owned_index("request", "request_id", where="request_id IS NOT NULL", unique=True),
        # The history views are each one ordered range of one of these (keyset paging); they
        # cover only rows outside the trash, which is what every normal view reads.
        _owned_index("recent", *NEWEST, where="deleted_at IS NULL"),
        _owned_index("type_recent", "type", *NEWEST, where="deleted_at IS NULL"),
        _owned_index("favorite_recent", *NEWEST, where="deleted_at IS NULL AND favorite"),
        # minRating views: the rated live rows in history order (rating checked on each).
        _owned_index("rated_recent", *NEWEST, where="deleted_at IS NULL AND rating > 0"),
        _owned_index("model", "model", where="deleted_at IS NULL"),
        _owned_index(
            "trash", sa.text("deleted_at DESC"), sa.text("id DESC"), where="deleted_at IS NOT NULL"
        ),
        # Variant stacks (services/media.py): is there a newer live member of this item's
        # stack, how many members has it, and its members newest first are each one range.
        _owned_index("variant_recent", "variant_key", *NEWEST, where="deleted_at IS NULL"),
        # "Source expired" and "failed" cards, for archive=missing.
        _owned_index(
            "archive_missing",
            *NEWEST,
            where="deleted_at IS NULL AND archive_status IN ('failed', 'expired')",
        ),
        # Which records still hold a blob, asked before its bytes are deleted.
        sa.Index(
            "ix_generated_media_archive_sha256",
            "archive_sha256",
            postgresql_where=sa.text("archive_sha256 IS NOT NULL"),
            sqlite_where=sa.text("archive_sha256 IS NOT NULL"),
        ),
        sa.Index(
            "ix_generated_media_archive_thumb_sha256",
            "archive_thumb_sha256",
            postgresql_where=sa.text("archive_thumb_sha256 IS NOT NULL"),
            sqlite_where=sa.text("archive_thumb_sha256 IS NOT NULL"),
        ),
        # The bytes an owner's kept copies take, summed from the index alone (PostgreSQL).
        sa.Index(
            "ix_generated_media_stored_bytes",
            "owner_id",
            postgresql_include=["archive_bytes"],
            postgresql_where=sa.text("archive_sha256 IS NOT NULL"),
        ).ddl_if(dialect="postgresql"),
        # Case-insensitive substring search of prompts (ILIKE '%q%'), PostgreSQL only.
        sa.Index(
            "ix_generated_media_prompt_trgm",
            "prompt",
            postgresql_using="gin",
            postgresql_ops={"prompt": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    type: Mapped[str] = mapped_column(media_type_enum)
    url: Mapped[str] = mapped_column(sa.Text)
    prompt: Mapped[str] = mapped_column(sa.Text)
    model: Mapped[str] = mapped_column(sa.String(128))
    settings: Mapped[dict[str, Any]] = mapped_column(settings_json)
    project_id: Mapped[str | None] = mapped_column(sa.Text)
    request_id: Mapped[str | None] = mapped_column(sa.Text)
    file_id: Mapped[str | None] = mapped_column(sa.Text)
    thumbnail_url: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = _created_at()
    favorite: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    # 1-5 stars from culling; 0 is unrated (schemas.RATING_MAX). The database's default
    # only, so inserts that do not name it (as at older revisions) leave it out.
    rating: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    # The stack of variants it belongs to (variants.py); every save, import and upload sets it,
    # and the default covers any other INSERT that names type, prompt, model and settings.
    variant_key: Mapped[str] = mapped_column(sa.String(KEY_LENGTH), default=_variant_default)
    # Set when the item is moved to the trash; NULL for every item in the normal views.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The copy mediaapp keeps (services/archive.py): pending until a job stores it, then
    # stored, or failed / expired with the reason. The bytes live in the blob store under
    # archive_sha256, shared by every record with the same bytes.
    archive_status: Mapped[str] = mapped_column(
        sa.String(16), default="pending", server_default="pending"
    )
    archive_error: Mapped[str | None] = mapped_column(sa.Text)
    archive_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    archive_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    archive_mime: Mapped[str | None] = mapped_column(sa.String(64))
    archive_width: Mapped[int | None] = mapped_column(sa.Integer)
    archive_height: Mapped[int | None] = mapped_column(sa.Integer)
    archive_duration_ms: Mapped[int | None] = mapped_column(sa.Integer)
    archive_thumb_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    archive_placeholder: Mapped[str | None] = mapped_column(sa.String(128))

    # What the generation cost, when the generator says (all optional): who made it, its
    # price in USD and/or in the provider's credits (exact decimals), and how long it ran.
    provider: Mapped[str | None] = mapped_column(sa.String(64))
    cost_usd: Mapped[Decimal | None] = mapped_column(ExactAmount)
    credits: Mapped[Decimal | None] = mapped_column(ExactAmount)
    duration_ms: Mapped[int | None] = mapped_column(sa.Integer)


class ShareLink(db.Model):
    """A public, unguessable link to one media item or one collection: optionally expiring,
    hiding the prompt, asking for a password or refusing downloads; it counts its views."""

    __tablename__ = "share_links"
    __table_args__ = (
        sa.PrimaryKeyConstraint("owner_id", "id", name="pk_share_links"),
        sa.ForeignKeyConstraint(
            ["owner_id", "media_id"],
            ["generated_media.owner_id", "generated_media.id"],
            name="fk_share_links_media",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id", "collection_id"],
            ["collections.owner_id", "collections.id"],
            name="fk_share_links_collection",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "(media_id IS NULL) <> (collection_id IS NULL)", name="ck_share_links_one_target"
        ),
        sa.UniqueConstraint("owner_id", "token", name="uq_share_links_owner_token"),
        sa.Index("ix_share_links_media", "owner_id", "media_id"),
        sa.Index("ix_share_links_collection", "owner_id", "collection_id"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, default=uuid.uuid4)
    # A link names one item or one collection (live: what it holds when opened).
    media_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    collection_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    token: Mapped[str] = mapped_column(sa.String(64))
    hide_prompt: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = _created_at()
    # NULL: open to anyone with the link; else the visitor gives this password first.
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    # False: the original file is neither offered nor served through the link.
    allow_download: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    view_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ShareToken(db.Model):
    """Which owner a public token belongs to, so opening a link reads one owner's rows.

    Keyed (and distributed) by the token alone; the token carries no trace of its owner.
    """

    __tablename__ = "share_tokens"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)


class Blob(db.Model):
    """Bytes mediaapp keeps, by SHA-256: one row per blob in the store, whoever holds it.

    The row is what the archiver and the collector lock, so bytes are never deleted while a
    record is being pointed at them (services/archive.py).
    """

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    bytes: Mapped[int] = mapped_column(sa.BigInteger)
    mime: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = _created_at()


class Job(db.Model):
    """A durable unit of background work (jobs.py): claimed with a lease, retried with backoff."""

    __tablename__ = "jobs"
    __table_args__ = (
        sa.UniqueConstraint("kind", "owner_id", "media_id", name="uq_jobs_kind_media"),
        sa.Index("ix_jobs_run_at", "run_at"),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    kind: Mapped[str] = mapped_column(sa.String(32))
    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    media_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    # While a worker holds the job; a worker that dies lets it run again once this passes.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = _created_at()


class StatsByDay(db.Model):
    """How many live items an owner has per UTC day of created_at (the stats heatmap).

    A rollup of generated_media that database triggers keep exact in every writer's own
    transaction (migration 0007); nothing in the app writes it. A day without items has no row.
    """

    __tablename__ = "stats_by_day"
    __table_args__ = (sa.PrimaryKeyConstraint("owner_id", "day", name="pk_stats_by_day"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    day: Mapped[date] = mapped_column(sa.Date)
    items: Mapped[int] = mapped_column(sa.Integer)
    # The live items' summed cost and credits (migration "cost"); 0 when none was given.
    cost_usd: Mapped[Decimal] = mapped_column(ExactAmount)
    credits: Mapped[Decimal] = mapped_column(ExactAmount)


class StatsByModel(db.Model):
    """An owner's counts per model; summed over the models they are the stats' totals.

    Kept by the same triggers as StatsByDay. Live items only, except `trashed` (what is in
    the trash) and `stored_bytes` (the kept copies' bytes, trash included).
    """

    __tablename__ = "stats_by_model"
    __table_args__ = (sa.PrimaryKeyConstraint("owner_id", "model", name="pk_stats_by_model"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    model: Mapped[str] = mapped_column(sa.String(128))
    images: Mapped[int] = mapped_column(sa.Integer)
    videos: Mapped[int] = mapped_column(sa.Integer)
    favorites: Mapped[int] = mapped_column(sa.Integer)
    trashed: Mapped[int] = mapped_column(sa.Integer)
    missing: Mapped[int] = mapped_column(sa.Integer)  # files not kept: failed or expired
    stored_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    cost_usd: Mapped[Decimal] = mapped_column(ExactAmount)  # live items' summed cost
    credits: Mapped[Decimal] = mapped_column(ExactAmount)


class Collection(db.Model):
    """A named set of an owner's items: manual (its members are collection_items rows) or,
    when `search` is set, smart (the saved filter arguments of a history view, applied live).
    """

    __tablename__ = "collections"
    __table_args__ = (
        sa.PrimaryKeyConstraint("owner_id", "id", name="pk_collections"),
        # The name normalised and casefolded (services/collections.name_key): one per owner.
        sa.UniqueConstraint("owner_id", "name_key", name="uq_collections_owner_name"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(sa.String(120))
    name_key: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # A chosen cover (an item of the owner); no foreign key: a cover that is trashed,
    # destroyed or no longer in the collection is not shown, the newest item is.
    cover_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    # Smart collections: the URL arguments of the filters (MediaFilters.params); else NULL.
    search: Mapped[dict[str, Any] | None] = mapped_column(settings_json)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _created_at()


class CollectionItem(db.Model):
    """One item in one manual collection; gone with either (ON DELETE CASCADE)."""

    __tablename__ = "collection_items"
    __table_args__ = (
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
        sa.Index("ix_collection_items_media", "owner_id", "media_id"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    collection_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    media_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    added_at: Mapped[datetime] = _created_at()


class ApiKey(db.Model):
    """A named API key of an account: its scopes, and the SHA-256 digest of its secret only.

    The key a person copies names its account (the owner_id) and carries a random secret, so
    finding it is one lookup by (owner_id, digest) and no secret is ever compared in Python.
    A revoked key keeps its row (the list shows it was revoked) and never works again.
    """

    __tablename__ = "api_keys"
    __table_args__ = (
        sa.PrimaryKeyConstraint("owner_id", "id", name="pk_api_keys"),
        sa.UniqueConstraint("owner_id", "digest", name="uq_api_keys_owner_digest"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(sa.String(100))
    # Space-separated: "read write", or "all".
    scopes: Mapped[str] = mapped_column(sa.String(64))
    digest: Mapped[str] = mapped_column(sa.String(64))
    # Requests this key may make, as Flask-Limiter writes it ("60 per minute"); None: unlimited.
    rate_limit: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IngestEndpoint(db.Model):
    """Where a provider posts completion callbacks for one account (POST /api/ingest/<name>):
    its public name and the webhook secret that signs them, sealed (sealing.py).

    The name is made by the server, a label plus 96 random bits, so it is unique and
    unguessable without any constraint across owners; IngestName maps it to its owner.
    """

    __tablename__ = "ingest_endpoints"
    __table_args__ = (
        sa.PrimaryKeyConstraint("owner_id", "id", name="pk_ingest_endpoints"),
        sa.UniqueConstraint("owner_id", "name", name="uq_ingest_endpoints_owner_name"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(sa.String(96))
    label: Mapped[str] = mapped_column(sa.String(64))
    provider: Mapped[str] = mapped_column(sa.String(32))
    secret_sealed: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = _created_at()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IngestName(db.Model):
    """Which owner an ingest endpoint's public name belongs to (like ShareToken): a callback
    carries only the name, so it is looked up here first, then the owner's rows are read."""

    __tablename__ = "ingest_names"

    name: Mapped[str] = mapped_column(sa.String(96), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)


# The tables whose every statement must name an owner (tests/test_owner_scoping.py checks it).
OWNER_SCOPED_TABLES = (
    GeneratedMedia.__tablename__,
    ShareLink.__tablename__,
    Session.__tablename__,
    ApiKey.__tablename__,
    StatsByDay.__tablename__,
    StatsByModel.__tablename__,
    Collection.__tablename__,
    CollectionItem.__tablename__,
    IngestEndpoint.__tablename__,
)
