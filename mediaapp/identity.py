"""Who is asking: a signed-in account, or a guest identified by a server-issued secret.

An account's cookie carries its id and a session secret; it counts only while that session
lives in the database (services/sessions.py), so an ended session's copied cookie is worth
nothing. A cookie whose session is gone is cleared, and its bearer is a visitor again.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from flask import g, session
from sqlalchemy.exc import DBAPIError

from .models import GeneratedMedia
from .services import sessions
from .services.guests import guest_owner_id

GUEST_KEY = "guest"
USER_KEY = "user_id"
# The session's secret; the database holds only its digest.
SESSION_KEY = "sid"
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
    account = signed_in()
    if account:
        owner = Owner.account(account.user_id)
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


def signed_in() -> sessions.SignedIn | None:
    """The account whose live session this request's cookie carries, or None.

    One lookup per request at most (kept in g). A cookie naming an account whose session has
    ended or expired, or that carries no session at all (made before sessions could end), is
    cleared: the visitor is signed out, and becomes a guest when it next needs an identity.
    """
    if "signed_in" in g:
        return g.signed_in
    user_id = parse_user_id(session.get(USER_KEY))
    secret = session.get(SESSION_KEY)
    found = None
    if user_id:
        try:
            found = sessions.find_session(user_id, secret) if isinstance(secret, str) else None
        except DBAPIError:
            g.database_unavailable = True  # error pages still render their header (filters.py)
            raise
        if found is None:
            session.clear()
    g.signed_in = found
    return found


def cookie_account() -> tuple[uuid.UUID | None, str | None]:
    """The account and email the cookie claims, unchecked: for the header of an error page
    while the database is away, which shows nothing else."""
    user_id = parse_user_id(session.get(USER_KEY))
    return user_id, session.get(EMAIL_KEY) if user_id else None


def guest_digest() -> str | None:
    secret = session.get(GUEST_KEY)
    return digest(secret) if secret else None


def log_in(user_id: uuid.UUID, email: str) -> None:
    """Start a new session for the account (committed) and put it in a fresh cookie."""
    secret = sessions.start_session(user_id)
    session.clear()
    session[USER_KEY] = str(user_id)
    session[SESSION_KEY] = secret
    session[EMAIL_KEY] = email
    session.permanent = True
    _forget_cached()


def remember_email(email: str) -> None:
    """The header's copy of the address, after it changed."""
    session[EMAIL_KEY] = email
    _forget_cached()


def log_out(*, remember: bool = False) -> None:
    """End this browser's session in the database (so a copy of the cookie is worthless too)
    and clear the cookie. With remember, the guest session that follows keeps a mark that it
    began by logging out (the gallery then says where the history went)."""
    user_id = parse_user_id(session.get(USER_KEY))
    secret = session.get(SESSION_KEY)
    if user_id and isinstance(secret, str):
        sessions.end_session(user_id, sessions.digest(secret))
    forget()
    if remember:
        session[LOGGED_OUT_KEY] = True


def logged_out_here() -> bool:
    """Whether this browser's session began by logging out of an account."""
    return bool(session.get(LOGGED_OUT_KEY))


def forget() -> None:
    """Clear the cookie: the next request is a visitor without an identity."""
    session.clear()
    _forget_cached()


def _forget_cached() -> None:
    for name in ("owner", "signed_in"):
        g.pop(name, None)
