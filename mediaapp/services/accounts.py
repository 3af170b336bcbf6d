"""Accounts: registering, authenticating, and adopting a guest's media."""

import uuid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Conflict, Unauthorized
from ..extensions import db
from ..models import GeneratedMedia as GM
from ..models import Guest, Job, ShareLink, ShareToken, User
from . import archive

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
    merged_away = _adopt(user.id, guest_digest)[1] if guest_digest else []
    db.session.commit()
    archive.collect_blobs(merged_away)
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
    requestId clash both are kept and the key stays with the account's item. Rows are copied
    to the account's owner_id and the guest's deleted (an owner_id never changes); ids, dates
    and share links stay as they were. Returns how many guest items now belong to the account.
    """
    for attempt in range(3):
        try:
            moved, merged_away = _adopt(user_id, guest_digest)
            db.session.commit()
            archive.collect_blobs(merged_away)
            return moved
        except IntegrityError:  # the account saved a clashing key meanwhile: look again
            db.session.rollback()
            if attempt == 2:
                raise
    return 0


def _copy_rows(table, source: sa.ColumnElement, replace: dict[str, sa.ColumnElement], *, skip=()):
    """INSERT INTO table SELECT its own rows matching source, some columns replaced (and
    `skip` ones, such as a serial id, left to their defaults)."""
    names = [column.name for column in table.columns if column.name not in skip]
    chosen = [replace.get(name, table.columns[name]).label(name) for name in names]
    return sa.insert(table).from_select(names, sa.select(*chosen).where(source))


def _adopt(user_id: uuid.UUID, guest_digest: str) -> tuple[int, list[str]]:
    """Copy the guest's rows to the account and delete the guest's (the caller commits);
    (how many moved, the blobs of guest items that merged away, to collect after commit)."""
    guest_id = db.session.execute(
        sa.select(Guest.owner_id).where(Guest.secret_digest == guest_digest)
    ).scalar()
    if guest_id is None:
        return 0, []
    media, links = GM.__table__, ShareLink.__table__
    account = sa.orm.aliased(GM)
    same_key = (
        sa.select(account.id)
        .where(account.owner_id == user_id, account.request_id == GM.request_id)
        .correlate(GM)
    )
    guest_rows = GM.owner_id == guest_id
    # The same media saved twice (as a guest, then in the account): keep the account's.
    merged = db.session.execute(
        sa.delete(GM)
        .where(
            guest_rows, GM.request_id.is_not(None), same_key.where(account.url == GM.url).exists()
        )
        .returning(GM.archive_sha256, GM.archive_thumb_sha256)
    ).all()
    owner = sa.literal(user_id, sa.Uuid)
    moved = db.session.execute(
        _copy_rows(
            media,
            guest_rows,
            {
                "owner_id": owner,
                "user_id": owner,
                "request_id": sa.case((same_key.exists(), sa.null()), else_=GM.request_id),
            },
        )
    ).rowcount
    tokens = list(
        db.session.execute(
            sa.select(ShareLink.token).where(ShareLink.owner_id == guest_id)
        ).scalars()
    )
    db.session.execute(_copy_rows(links, ShareLink.owner_id == guest_id, {"owner_id": owner}))
    if tokens:
        db.session.execute(
            sa.delete(ShareToken).where(
                ShareToken.owner_id == guest_id, ShareToken.token.in_(tokens)
            )
        )
        db.session.execute(
            sa.insert(ShareToken), [{"token": token, "owner_id": user_id} for token in tokens]
        )
    # Archive jobs follow their records, under the account's owner_id.
    db.session.execute(
        _copy_rows(Job.__table__, Job.owner_id == guest_id, {"owner_id": owner}, skip=("id",))
    )
    db.session.execute(sa.delete(Job).where(Job.owner_id == guest_id))
    # The guest's share links go with its rows (ON DELETE CASCADE), and so does the guest.
    db.session.execute(sa.delete(GM).where(guest_rows))
    db.session.execute(sa.delete(Guest).where(Guest.secret_digest == guest_digest))
    return moved, archive.held_digests(merged)
