"""API keys: an account's named, scoped keys for machine clients (a generator's backend).

A key reads `mak_<account id in hex>_<43 random URL-safe characters>`: the prefix makes a
leaked key recognisable to secret scanners, the account id lets a request find its row by
primary key, and the random part (256 bits) is what makes it unguessable. The database keeps
only the SHA-256 of the whole key, so a request is checked by looking its digest up (no
secret is compared in Python, nothing a copy of the table holds signs anybody in). Every
statement names the account (owner_id), which leads the table's keys.
"""

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..errors import Conflict, NotFound
from ..extensions import db
from ..models import ApiKey, User, utcnow

PREFIX = "mak_"
KEY_PATTERN = re.compile(r"mak_([0-9a-f]{32})_[A-Za-z0-9_-]{43}")
# What a key may do; "all" is every scope, those added later included.
SCOPES = ("read", "write", "delete", "share")
ALL = "all"
# last_used_at is written at most this often per key: a busy key costs one read per request.
TOUCH_EVERY = timedelta(minutes=1)
# How many keys that are not revoked one account may hold.
MAX_KEYS = 100


@dataclass(frozen=True)
class Caller:
    """The key a request authenticated with: its account and what it may do."""

    key_id: uuid.UUID
    owner_id: uuid.UUID
    email: str
    scopes: frozenset[str]
    rate_limit: str | None

    def allows(self, scope: str) -> bool:
        return ALL in self.scopes or scope in self.scopes


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def normalize_scopes(scopes: list[str]) -> str:
    """The stored form: "all", or the chosen scopes in their fixed order."""
    chosen = set(scopes)
    if ALL in chosen or chosen >= set(SCOPES):
        return ALL
    return " ".join(scope for scope in SCOPES if scope in chosen)


def create_key(
    user_id: uuid.UUID,
    *,
    name: str,
    scopes: list[str],
    expires_in_days: int | None = None,
    rate_limit: str | None = None,
) -> tuple[ApiKey, str]:
    """Make a key for the account and commit; (its row, the key itself, shown once).

    Conflict (too_many_keys) when the account already holds MAX_KEYS live keys. The caller
    has checked that an account (never a guest) is signed in.
    """
    held = db.session.execute(
        sa.select(sa.func.count())
        .select_from(ApiKey)
        .where(ApiKey.owner_id == user_id, ApiKey.revoked_at.is_(None))
    ).scalar_one()
    if held >= MAX_KEYS:
        raise Conflict(
            f"An account may hold at most {MAX_KEYS} keys that are not revoked; revoke one first.",
            code="too_many_keys",
        )
    key = f"{PREFIX}{user_id.hex}_{secrets.token_urlsafe(32)}"
    now = utcnow()
    row = ApiKey(
        owner_id=user_id,
        id=uuid.uuid4(),
        name=name,
        scopes=normalize_scopes(scopes),
        digest=digest(key),
        rate_limit=rate_limit,
        created_at=now,
        expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(row)
    db.session.commit()
    return row, key


def list_keys(user_id: uuid.UUID) -> list[ApiKey]:
    """The account's keys, newest first (revoked ones too, marked so); owner-scoped."""
    return list(
        db.session.execute(
            sa.select(ApiKey)
            .where(ApiKey.owner_id == user_id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        ).scalars()
    )


def revoke_key(user_id: uuid.UUID, key_id: uuid.UUID) -> ApiKey:
    """Revoke one of the account's keys and commit: the next request with it answers 401.

    NotFound when the account has no such key; revoking a revoked key changes nothing.
    """
    row = db.session.execute(
        sa.select(ApiKey).where(ApiKey.owner_id == user_id, ApiKey.id == key_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("No such key.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.commit()
    return row


FIND_KEY = (
    sa.select(
        ApiKey.id,
        ApiKey.scopes,
        ApiKey.rate_limit,
        ApiKey.expires_at,
        ApiKey.last_used_at,
        ApiKey.revoked_at,
        User.email,
    )
    .join(User, User.id == ApiKey.owner_id)
    .where(ApiKey.owner_id == sa.bindparam("owner_id"), ApiKey.digest == sa.bindparam("digest"))
)


class KeyRefused(Exception):
    """A key that does not work, and why (the code the 401 answers)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def authenticate(key: str) -> Caller:
    """The live key this is, or KeyRefused (malformed, unknown, revoked or expired).

    One read by primary key; last_used_at moves forward at most once per TOUCH_EVERY,
    committed.
    """
    match = KEY_PATTERN.fullmatch(key)
    if match is None:
        raise KeyRefused("invalid_api_key", "The API key is not one mediaapp issued.")
    owner_id = uuid.UUID(hex=match.group(1))
    row = (
        db.session.connection()
        .execute(FIND_KEY, {"owner_id": owner_id, "digest": digest(key)})
        .first()
    )
    if row is None:
        raise KeyRefused("invalid_api_key", "The API key is not one mediaapp issued.")
    if row.revoked_at is not None:
        raise KeyRefused("api_key_revoked", "The API key was revoked.")
    now = utcnow()
    if row.expires_at is not None and row.expires_at <= now:
        raise KeyRefused("api_key_expired", "The API key has expired.")
    if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
        _touch(owner_id, row.id, now)
    return Caller(
        key_id=row.id,
        owner_id=owner_id,
        email=row.email,
        scopes=frozenset(row.scopes.split()),
        rate_limit=row.rate_limit,
    )


def _touch(owner_id: uuid.UUID, key_id: uuid.UUID, now: datetime) -> None:
    db.session.execute(
        sa.update(ApiKey)
        .where(ApiKey.owner_id == owner_id, ApiKey.id == key_id)
        .values(last_used_at=now)
    )
    db.session.commit()


def remove_keys(owner_id: uuid.UUID) -> None:
    """Delete every key of the owner (the caller commits): account deletion."""
    db.session.execute(sa.delete(ApiKey).where(ApiKey.owner_id == owner_id))
