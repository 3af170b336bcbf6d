"""Which password-protected share links this browser has unlocked: kept in its session.

The session (the signed cookie) holds a short digest per unlocked link, so the right password
opens that link only, for this browser, until the session ends. No token or password is kept
in it.
"""

import hashlib

from flask import session

from ..errors import Unauthorized

SESSION_KEY = "shares_unlocked"
# The newest links a browser keeps unlocked; an older one asks for its password again.
KEEP = 20


def _digest(token: str) -> str:
    return hashlib.sha256(f"share-access:{token}".encode()).hexdigest()[:24]


def may_open(link) -> bool:
    """Whether this browser may see the link's content: it has no password, or was unlocked."""
    if not link.has_password:
        return True
    return _digest(link.token) in session.get(SESSION_KEY, [])


def require_access(link) -> None:
    """Unauthorized (code password_required) unless may_open(link)."""
    if not may_open(link):
        raise Unauthorized(
            "This link is protected by a password: give it first.", code="password_required"
        )


def grant_access(token: str) -> None:
    """Remember in the session that this browser gave the right password for the link."""
    digest = _digest(token)
    unlocked = [d for d in session.get(SESSION_KEY, []) if d != digest]
    session[SESSION_KEY] = [*unlocked[-(KEEP - 1) :], digest]
