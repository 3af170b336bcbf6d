"""Who is asking: a logged-in user or a guest identified by a server-issued secret."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from flask import g, session

from .models import GeneratedMedia

GUEST_KEY = "guest"
USER_KEY = "user_id"
# Kept in the session so the header never needs the database (it must render on a 503).
EMAIL_KEY = "email"


@dataclass(frozen=True)
class Owner:
    """Exactly one of user_id or session_digest is set."""

    user_id: uuid.UUID | None = None
    session_digest: str | None = None

    @property
    def is_guest(self) -> bool:
        return self.user_id is None

    @property
    def column(self):
        return GeneratedMedia.user_id if self.user_id else GeneratedMedia.session_id

    @property
    def value(self):
        return self.user_id if self.user_id else self.session_digest

    def scope(self, stmt):
        """Restrict a statement on generated_media to this owner's rows."""
        return stmt.where(self.column == self.value)

    def owner_columns(self) -> dict:
        return {"user_id": self.user_id, "session_id": self.session_digest}

    @property
    def cache_key(self) -> str:
        """A public, stable key for client-side caches; reveals nothing about the secret."""
        raw = f"user:{self.user_id}" if self.user_id else f"guest:{self.session_digest}"
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


def parse_user_id(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except (ValueError, TypeError, AttributeError):
        return None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def current_owner() -> Owner:
    """The current owner; a guest gets a fresh secret in the session cookie on first need."""
    if "owner" in g:
        return g.owner
    user_id = parse_user_id(session.get(USER_KEY))
    if user_id:
        owner = Owner(user_id=user_id)
    else:
        secret = session.get(GUEST_KEY)
        if not secret:
            secret = secrets.token_urlsafe(32)
            session[GUEST_KEY] = secret
            session.permanent = True
        owner = Owner(session_digest=digest(secret))
    g.owner = owner
    return owner


def guest_digest() -> str | None:
    secret = session.get(GUEST_KEY)
    return digest(secret) if secret else None


def log_in(user_id: uuid.UUID, email: str) -> None:
    session.clear()
    session[USER_KEY] = str(user_id)
    session[EMAIL_KEY] = email
    session.permanent = True
    g.pop("owner", None)


def log_out() -> None:
    session.clear()
    g.pop("owner", None)
