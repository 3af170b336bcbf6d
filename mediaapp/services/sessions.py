"""Signed-in sessions: started at login, found on each request, ended for good on logout.

The cookie carries the account's id and a random session secret; the database keeps only the
secret's SHA-256 (a copy of the table signs nobody in). A request is signed in while its row
exists and has not expired, so ending a session is deleting its row, and it takes effect on
the very next request, wherever the cookie was copied to. Every statement names the account
(owner_id), which leads the key.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import Session, User, utcnow

# last_seen_at (and the sliding expiry) is written at most this often per session, so a
# signed-in request costs one indexed read and, now and then, one write.
TOUCH_EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class SignedIn:
    """The account a live session belongs to, and which session it is."""

    user_id: uuid.UUID
    email: str
    secret_digest: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _lifetime() -> timedelta:
    lifetime = current_app.permanent_session_lifetime
    return lifetime if isinstance(lifetime, timedelta) else timedelta(seconds=lifetime)


def start_session(user_id: uuid.UUID) -> str:
    """Open a session for the account and commit; returns the secret for the cookie.

    The account's expired sessions are dropped on the way (its own rows only).
    """
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.execute(
        sa.delete(Session).where(Session.owner_id == user_id, Session.expires_at <= now)
    )
    db.session.add(
        Session(
            owner_id=user_id,
            secret_digest=digest(secret),
            created_at=now,
            last_seen_at=now,
            expires_at=now + _lifetime(),
        )
    )
    db.session.commit()
    return secret


# Built once: every signed-in request runs it, and a statement built anew per request cost
# more in SQLAlchemy (construction, cache key, result adaptation) than its round trip.
FIND_SESSION = (
    sa.select(Session.last_seen_at, Session.expires_at, User.email)
    .join(User, User.id == Session.owner_id)
    .where(
        Session.owner_id == sa.bindparam("owner_id"),
        Session.secret_digest == sa.bindparam("secret_digest"),
    )
)


def find_session(user_id: uuid.UUID, secret: str) -> SignedIn | None:
    """The live session with this secret, or None (ended, expired, or never was).

    One read by primary key (joined to the account for its current email), on the session's
    connection (Core rows); the row's last_seen_at and expiry move forward at most once per
    TOUCH_EVERY, committed.
    """
    secret_digest = digest(secret)
    row = (
        db.session.connection()
        .execute(FIND_SESSION, {"owner_id": user_id, "secret_digest": secret_digest})
        .first()
    )
    if row is None:
        return None
    now = utcnow()
    if row.expires_at <= now:
        end_session(user_id, secret_digest)
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        _touch(user_id, secret_digest, now)
    return SignedIn(user_id=user_id, email=row.email, secret_digest=secret_digest)


def _touch(user_id: uuid.UUID, secret_digest: str, now: datetime) -> None:
    db.session.execute(
        sa.update(Session)
        .where(Session.owner_id == user_id, Session.secret_digest == secret_digest)
        .values(last_seen_at=now, expires_at=now + _lifetime())
    )
    db.session.commit()


def end_session(user_id: uuid.UUID, secret_digest: str) -> None:
    """End one session (logging out in one browser), and commit."""
    db.session.execute(
        sa.delete(Session).where(
            Session.owner_id == user_id, Session.secret_digest == secret_digest
        )
    )
    db.session.commit()


def end_sessions(user_id: uuid.UUID, *, keep: str | None = None) -> int:
    """End every session of the account except the one whose digest is `keep`; commit; how
    many ended. The caller's transaction (a password change) commits with it."""
    stmt = sa.delete(Session).where(Session.owner_id == user_id)
    if keep:
        stmt = stmt.where(Session.secret_digest != keep)
    ended = db.session.execute(stmt).rowcount
    db.session.commit()
    return ended
