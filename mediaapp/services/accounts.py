"""Accounts: registering, authenticating, and adopting a guest's media."""

import uuid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Conflict, Unauthorized
from ..extensions import db
from ..models import GeneratedMedia as GM
from ..models import User

# Verified against when the email is unknown, so both failures take as long.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: uuid.UUID) -> User | None:
    return db.session.get(User, user_id)


def find_user(email: str) -> User | None:
    return db.session.execute(
        sa.select(User).where(User.email == normalize_email(email))
    ).scalar_one_or_none()


def get_or_create_user(email: str, password: str) -> tuple[User, bool]:
    """The account for email, created with password if missing (commits); (user, created)."""
    existing = find_user(email)
    if existing:
        return existing, False
    return register(email, password, guest_digest=None), True


def register(email: str, password: str, *, guest_digest: str | None) -> User:
    """Create an account, adopt the guest's media, commit; Conflict if the email is taken."""
    email = normalize_email(email)
    if db.session.execute(sa.select(User.id).where(User.email == email)).first():
        raise Conflict("An account with that email already exists.", code="email_taken")
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    user = User(
        id=uuid.uuid4(), email=email, password_hash=generate_password_hash(password, method)
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:  # registered concurrently with the same email
        db.session.rollback()
        raise Conflict("An account with that email already exists.", code="email_taken") from exc
    if guest_digest:
        _adopt(user.id, guest_digest)
    db.session.commit()
    return user


def authenticate(email: str, password: str, *, guest_digest: str | None) -> User:
    """Check credentials, adopt the guest's media, commit; Unauthorized on a mismatch."""
    user = find_user(email)
    if not check_password_hash(user.password_hash if user else _DUMMY_HASH, password) or not user:
        raise Unauthorized("Wrong email or password.", code="invalid_credentials")
    if guest_digest:
        adopt_guest_media(user.id, guest_digest)
    return user


def adopt_guest_media(user_id: uuid.UUID, guest_digest: str) -> int:
    """Move every item of the guest to the account in one transaction, and commit.

    Nothing is lost and idempotency keys stay unique: a guest item whose requestId and url
    both match one of the account's is the same media and merges into it; on any other
    requestId clash both are kept and the key stays with the account's item.
    Returns how many guest items now belong to the account.
    """
    for attempt in range(3):
        try:
            moved = _adopt(user_id, guest_digest)
            db.session.commit()
            return moved
        except IntegrityError:  # the account saved a clashing key meanwhile: look again
            db.session.rollback()
            if attempt == 2:
                raise
    return 0


def _adopt(user_id: uuid.UUID, guest_digest: str) -> int:
    account = sa.orm.aliased(GM)
    clash = (
        sa.select(account.id)
        .where(account.user_id == user_id, account.request_id == GM.request_id)
        .correlate(GM)
    )
    guest_keyed = sa.and_(GM.session_id == guest_digest, GM.request_id.is_not(None))
    db.session.execute(
        sa.delete(GM).where(guest_keyed, clash.where(account.url == GM.url).exists())
    )
    db.session.execute(sa.update(GM).where(guest_keyed, clash.exists()).values(request_id=None))
    result = db.session.execute(
        sa.update(GM).where(GM.session_id == guest_digest).values(user_id=user_id, session_id=None)
    )
    return result.rowcount
