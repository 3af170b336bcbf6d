"""Saving, listing, fetching and deleting one owner's media."""

import base64
import binascii
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from ..errors import NotFound, Unauthorized, ValidationFailed
from ..extensions import db
from ..identity import Owner
from ..models import GeneratedMedia as GM
from ..models import utcnow

# The columns a record shows on the wire and in the gallery: one round trip, no ORM objects.
COLUMNS = (
    GM.id,
    GM.type,
    GM.url,
    GM.prompt,
    GM.model,
    GM.settings,
    GM.project_id,
    GM.request_id,
    GM.file_id,
    GM.thumbnail_url,
    GM.created_at,
    GM.user_id,
)


@dataclass(frozen=True)
class Page:
    items: list[Row]
    has_more: bool
    next_cursor: str | None
    limit: int
    offset: int


# --- cursors -----------------------------------------------------------------------------


def _fingerprint(filters: dict[str, Any]) -> str:
    """Ties a cursor to the query that made it, so another query refuses it."""
    blob = json.dumps(filters, sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def encode_cursor(row: Row, filters: dict[str, Any]) -> str:
    created = row.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    payload = {
        "t": created.astimezone(UTC).isoformat(),
        "i": row.id.hex,
        "f": _fingerprint(filters),
    }
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, filters: dict[str, Any]) -> tuple[datetime, uuid.UUID]:
    """The (created_at, id) position a cursor stands for; ValidationFailed when it is not ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        position = datetime.fromisoformat(payload["t"]), uuid.UUID(hex=payload["i"])
        fingerprint = payload["f"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "The cursor is not valid.",
            code="invalid_cursor",
            details={"cursor": ["Not a cursor from this API."]},
        ) from exc
    if position[0].tzinfo is None:
        raise ValidationFailed("The cursor is not valid.", code="invalid_cursor",
                               details={"cursor": ["Not a cursor from this API."]})
    if fingerprint != _fingerprint(filters):
        raise ValidationFailed(
            "The cursor belongs to a different query.",
            code="invalid_cursor",
            details={"cursor": ["This cursor was made for other filters; start again."]},
        )
    return position


# --- queries -----------------------------------------------------------------------------


def _records(owner: Owner) -> sa.Select:
    return owner.scope(sa.select(*COLUMNS))


def list_statement(
    owner: Owner,
    *,
    type: str | None = None,
    limit: int = 50,
    offset: int = 0,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> sa.Select:
    """The page query: owner-scoped, newest first, one row more than a page to see hasMore."""
    stmt = _records(owner)
    if type:
        stmt = stmt.where(GM.type == type)
    if after:
        # A row-value comparison is one index range on (owner, created_at DESC, id DESC).
        stmt = stmt.where(
            sa.tuple_(GM.created_at, GM.id)
            < sa.tuple_(sa.literal(after[0], GM.created_at.type), sa.literal(after[1], GM.id.type))
        )
    stmt = stmt.order_by(GM.created_at.desc(), GM.id.desc()).limit(limit + 1)
    return stmt.offset(offset) if offset else stmt


def list_media(
    owner: Owner,
    *,
    type: str | None = None,
    limit: int = 50,
    offset: int = 0,
    cursor: str | None = None,
) -> Page:
    """One page of the owner's media, newest first, by offset or by keyset cursor.

    Reads only; raises ValidationFailed for a cursor that does not decode or that was made
    for other filters.
    """
    filters = {"type": type}
    after = decode_cursor(cursor, filters) if cursor else None
    stmt = list_statement(owner, type=type, limit=limit, offset=offset, after=after)
    rows = db.session.execute(stmt).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1], filters) if has_more else None
    return Page(rows, has_more, next_cursor, limit, offset)


def get_media(owner: Owner, media_id: uuid.UUID) -> Row:
    """One of the owner's records; NotFound for a missing id and for another owner's."""
    row = db.session.execute(_records(owner).where(GM.id == media_id)).first()
    if row is None:
        raise NotFound("No media with that id.")
    return row


def dialect_insert(table):
    """INSERT with the dialect's ON CONFLICT support (PostgreSQL and SQLite both have it)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _insert(values: dict[str, Any]):
    # Any unique clash here is the owner's (owner, request_id) key: PKs are fresh UUIDs.
    return dialect_insert(GM).values(**values).on_conflict_do_nothing().returning(*COLUMNS)


def save_media(owner: Owner, payload: dict[str, Any]) -> tuple[Row, bool]:
    """Save one record for the owner and commit; (record, True) when created.

    Idempotent on (owner, requestId): a replay, also a concurrent one, answers the existing
    record unchanged with created=False. Raises Unauthorized if the logged-in account is gone.
    """
    values = {**payload, "id": uuid.uuid4(), "created_at": utcnow(), **owner.owner_columns()}
    try:
        row = db.session.execute(_insert(values)).first()
    except IntegrityError as exc:  # only the owner FK is left: the account was deleted
        db.session.rollback()
        raise Unauthorized("Your account no longer exists; log in again.") from exc
    if row is not None:
        db.session.commit()
        return row, True
    existing = db.session.execute(
        _records(owner).where(GM.request_id == payload["request_id"])
    ).first()
    db.session.commit()
    if existing is None:  # the clashing record was deleted in between: save afresh
        return save_media(owner, payload)
    return existing, False


def delete_media(owner: Owner, media_id: uuid.UUID) -> Row:
    """Delete one of the owner's records and commit; NotFound as for get_media."""
    row = db.session.execute(
        owner.scope(sa.delete(GM)).where(GM.id == media_id).returning(*COLUMNS)
    ).first()
    if row is None:
        db.session.rollback()
        raise NotFound("No media with that id.")
    db.session.commit()
    return row


def count_media(owner: Owner) -> dict[str, int]:
    """How many records the owner has in all and per type: {"all", "image", "video"}.

    Owner-scoped, one grouped query that reads only the (owner, type, …) index.
    """
    stmt = owner.scope(sa.select(GM.type, sa.func.count()).group_by(GM.type))
    counts = {"image": 0, "video": 0}
    counts.update({media_type: total for media_type, total in db.session.execute(stmt)})
    return {"all": sum(counts.values()), **counts}
