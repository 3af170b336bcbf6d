"""Who is asking: a logged-in account, or a guest identified by a server-issued secret."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from flask import g, session

from .models import GeneratedMedia
from .services.guests import guest_owner_id

GUEST_KEY = "guest"
USER_KEY = "user_id"
# Kept in the session so the header never needs the database (it must render on a 503).
EMAIL_KEY = "email"
# Set by logging out, so the next (empty) guest gallery says where the history went; logging
# in or registering clears the session and with it this mark.
LOGGED_OUT_KEY = "logged_out"


@dataclass(frozen=True)
class Owner:
    """The owner_id every owner-scoped row carries: an account's id, or a guest's minted id."""

    id: uuid.UUID
    is_guest: bool = False
    # The SHA-256 digest of a guest's secret; it names the guest in its cache key.
    guest_digest: str | None = None

    @classmethod
    def account(cls, user_id: uuid.UUID) -> "Owner":
        return cls(id=user_id)

    @property
    def user_id(self) -> uuid.UUID | None:
        """The account (userId on the wire); None for a guest."""
        return None if self.is_guest else self.id

    def scope(self, stmt, table=GeneratedMedia):
        """Restrict a statement on an owner-scoped table to this owner's rows."""
        return stmt.where(table.owner_id == self.id)

    def owner_columns(self) -> dict:
        """The owner's values for a new row of an owner-scoped table."""
        return {"owner_id": self.id, "user_id": self.user_id}

    @property
    def cache_key(self) -> str:
        return cache_key(self.user_id, self.guest_digest)


def cache_key(user_id: uuid.UUID | None, guest_digest: str | None) -> str:
    """A public, stable key for client-side caches; reveals nothing about the secret."""
    if user_id:
        raw = f"user:{user_id}"
    elif guest_digest:
        raw = f"guest:{guest_digest}"
    else:
        return ""  # nobody yet: a visitor who has not been given an identity
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def parse_user_id(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except (ValueError, TypeError, AttributeError):
        return None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Who a page shows to a visitor that has no identity yet: nobody's rows, which are none.
NOBODY = uuid.UUID(int=0)


def current_owner(*, mint: bool = True) -> Owner:
    """The current owner. A visitor without one becomes a guest: a fresh secret in the session
    cookie, and an owner id minted for its digest (a row in guests, committed).

    A page that only shows (mint=False) leaves such a visitor alone: it sees the empty history
    of NOBODY and gets neither a cookie nor a row until it saves something.
    """
    if "owner" in g:
        return g.owner
    user_id = parse_user_id(session.get(USER_KEY))
    if user_id:
        owner = Owner.account(user_id)
    else:
        secret = session.get(GUEST_KEY)
        if not secret:
            if not mint:
                return Owner(id=NOBODY, is_guest=True)
            secret = secrets.token_urlsafe(32)
            session[GUEST_KEY] = secret
            session.permanent = True
        guest = digest(secret)
        owner = Owner(id=guest_owner_id(guest), is_guest=True, guest_digest=guest)
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


def log_out(*, remember: bool = False) -> None:
    """Forget the account; the next request is a fresh guest. With remember, that guest's
    session keeps a mark that it began by logging out (the gallery then says so)."""
    session.clear()
    if remember:
        session[LOGGED_OUT_KEY] = True
    g.pop("owner", None)


def logged_out_here() -> bool:
    """Whether this browser's session began by logging out of an account."""
    return bool(session.get(LOGGED_OUT_KEY))
