"""Accounts: registering, authenticating, adopting a guest's media, and managing an account
(its email, its password, its sessions, deleting it with everything it owns)."""

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ..credentials import email_key, normalize_email
from ..errors import Conflict, Unauthorized
from ..extensions import db
from ..identity import Owner
from ..models import (
    Collection,
    CollectionItem,
    Guest,
    Job,
    Session,
    ShareLink,
    ShareToken,
    User,
    utcnow,
)
from ..models import GeneratedMedia as GM
from ..schemas import COLLECTION_NAME_MAX, collection_name_key
from . import archive, ingest, keys, sessions

# Verified against when the email is unknown, so both failures take as long.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


TAKEN = "An account with that email already exists."


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


def hash_password(password: str) -> str:
    """The KDF every stored password goes through (accounts' and share links')."""
    return generate_password_hash(
        password, current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def _taken(email: str, key: str, *, other_than: uuid.UUID | None = None) -> bool:
    """Whether another account has this address, or one that looks the same."""
    stmt = sa.select(User.id).where(sa.or_(User.email == email, User.email_key == key))
    if other_than is not None:
        stmt = stmt.where(User.id != other_than)
    return db.session.execute(stmt.limit(1)).first() is not None


def register(email: str, password: str, *, guest_digest: str | None) -> User:
    """Create an account, adopt the guest's media, commit; Conflict if the email (or a
    look-alike of it: fullwidth, Cyrillic, compatibility forms) is taken."""
    email = normalize_email(email)
    key = email_key(email)
    if _taken(email, key):
        raise Conflict(TAKEN, code="email_taken")
    user = User(id=uuid.uuid4(), email=email, email_key=key, password_hash=hash_password(password))
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as exc:  # registered concurrently with the same email
        db.session.rollback()
        raise Conflict(TAKEN, code="email_taken") from exc
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


def _verified(user_id: uuid.UUID, password: str) -> User:
    """The account, when password is its password; Unauthorized otherwise (or if it is gone)."""
    user = get_user(user_id)
    if not check_password_hash(user.password_hash if user else _DUMMY_HASH, password) or not user:
        raise Unauthorized("That is not your current password.", code="wrong_password")
    return user


def change_email(user_id: uuid.UUID, password: str, new_email: str) -> User:
    """Give the account a new address, confirmed by its password, and commit.

    Unauthorized (wrong_password) on a wrong password; Conflict (email_taken) when another
    account has the address or a look-alike of it.
    """
    user = _verified(user_id, password)
    email = normalize_email(new_email)
    key = email_key(email)
    if _taken(email, key, other_than=user.id):
        raise Conflict(TAKEN, code="email_taken")
    user.email, user.email_key = email, key
    try:
        db.session.commit()
    except IntegrityError as exc:  # taken concurrently
        db.session.rollback()
        raise Conflict(TAKEN, code="email_taken") from exc
    return user


def change_password(user_id: uuid.UUID, current: str, new: str, *, keep_session: str | None) -> int:
    """Set a new password, confirmed by the current one, and end every other session of the
    account (the one whose digest is keep_session goes on); commits; how many ended.

    Unauthorized (wrong_password) on a wrong current password.
    """
    user = _verified(user_id, current)
    user.password_hash = hash_password(new)
    return sessions.end_sessions(user.id, keep=keep_session)  # commits the new hash with it


@dataclass(frozen=True)
class Removed:
    """What deleting an owner's data took away."""

    media: int
    shares: int
    files: int


@dataclass(frozen=True)
class Summary:
    """What an owner has, as the account page tells it before anything is deleted."""

    items: int  # every record, the trash included
    shares: int
    sessions: int  # live sessions of an account; 0 for a guest


def account_summary(owner: Owner) -> Summary:
    """Counts of the owner's records, share links and (for an account) live sessions; one
    round trip, owner-scoped. A visitor with no identity yet has nothing."""
    if owner.is_guest and owner.guest_digest is None:
        return Summary(items=0, shares=0, sessions=0)
    items = sa.select(sa.func.count()).select_from(GM).where(GM.owner_id == owner.id)
    links = sa.select(sa.func.count()).select_from(ShareLink).where(ShareLink.owner_id == owner.id)
    live = (
        sa.select(sa.func.count())
        .select_from(Session)
        .where(Session.owner_id == owner.id, Session.expires_at > utcnow())
    )
    counts = db.session.execute(
        sa.select(items.scalar_subquery(), links.scalar_subquery(), live.scalar_subquery())
    ).one()
    return Summary(items=counts[0], shares=counts[1], sessions=counts[2])


def _remove_owned(owner_id: uuid.UUID) -> tuple[int, int, list[str]]:
    """Delete every row the owner has (the caller commits): its media (with their share
    links), its share tokens, jobs, API keys, collections and ingest endpoints; (media,
    links, the blobs they held)."""
    links = db.session.execute(
        sa.select(sa.func.count()).select_from(ShareLink).where(ShareLink.owner_id == owner_id)
    ).scalar_one()
    db.session.execute(sa.delete(ShareLink).where(ShareLink.owner_id == owner_id))
    rows = db.session.execute(
        sa.delete(GM)
        .where(GM.owner_id == owner_id)
        .returning(GM.archive_sha256, GM.archive_thumb_sha256)
    ).all()
    db.session.execute(sa.delete(ShareToken).where(ShareToken.owner_id == owner_id))
    db.session.execute(sa.delete(Job).where(Job.owner_id == owner_id))
    keys.remove_keys(owner_id)  # an account's; a guest never has any
    # Memberships went with the media (ON DELETE CASCADE); the collections themselves go here.
    db.session.execute(sa.delete(CollectionItem).where(CollectionItem.owner_id == owner_id))
    db.session.execute(sa.delete(Collection).where(Collection.owner_id == owner_id))
    ingest.remove_owned(owner_id)  # an account's provider callbacks stop with it
    return len(rows), links, archive.held_digests(rows)


def delete_account(user_id: uuid.UUID, password: str) -> Removed:
    """Delete the account and everything it owns, confirmed by its password.

    Its media, share links and their tokens, queued jobs and sessions go in one transaction
    with the account itself; after that commits, the stored bytes go too, except those
    another owner's records still hold (archive.collect_blobs). Unauthorized
    (wrong_password) on a wrong password, and then nothing changes.
    """
    user = _verified(user_id, password)
    media, links, digests = _remove_owned(user.id)
    db.session.execute(sa.delete(Session).where(Session.owner_id == user.id))
    db.session.execute(sa.delete(User).where(User.id == user.id))
    db.session.commit()
    return Removed(media=media, shares=links, files=archive.collect_blobs(digests))


def start_over(owner: Owner) -> Removed:
    """Forget a guest: delete its media, share links, tokens, jobs and the guest row itself,
    and commit; then collect the bytes nobody else holds.

    Nothing of a guest is reachable once its cookie forgets the secret, so nothing is kept.
    A visitor who has no identity yet has nothing to remove.
    """
    if not owner.is_guest:
        raise Conflict("Start over is for guests; log out first.", code="signed_in")
    if owner.guest_digest is None:
        return Removed(media=0, shares=0, files=0)
    media, links, digests = _remove_owned(owner.id)
    db.session.execute(sa.delete(Guest).where(Guest.secret_digest == owner.guest_digest))
    db.session.commit()
    return Removed(media=media, shares=links, files=archive.collect_blobs(digests))


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
    # The guest's collections follow below, with items that merge away mapped onto the
    # account's copies: read them, and the mapping, before those items are deleted.
    kept_collections = _guest_collections(guest_id, user_id)
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
    # Links to items now; links to collections once the account holds those collections.
    item_links = sa.and_(ShareLink.owner_id == guest_id, ShareLink.collection_id.is_(None))
    db.session.execute(_copy_rows(links, item_links, {"owner_id": owner}))
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
    _restore_collections(kept_collections, guest_id, user_id)
    # The guest's share links go with its rows (ON DELETE CASCADE), and so does the guest.
    db.session.execute(sa.delete(GM).where(guest_rows))
    db.session.execute(sa.delete(Guest).where(Guest.secret_digest == guest_digest))
    return moved, archive.held_digests(merged)


@dataclass(frozen=True)
class _GuestCollections:
    collections: list
    items: list
    same_media: dict  # a guest item's id -> the account's item it merges into


def _guest_collections(guest_id: uuid.UUID, user_id: uuid.UUID) -> _GuestCollections:
    """The guest's collections and memberships, and which guest items are the account's
    (same requestId and url), read before adoption deletes those."""
    table = Collection.__table__
    found = db.session.execute(sa.select(table).where(table.c.owner_id == guest_id))
    rows = [dict(row) for row in found.mappings()]
    items = db.session.execute(
        sa.select(
            CollectionItem.collection_id, CollectionItem.media_id, CollectionItem.added_at
        ).where(CollectionItem.owner_id == guest_id)
    ).all()
    account = sa.orm.aliased(GM)
    pairs = db.session.execute(
        sa.select(GM.id, account.id)
        .join(
            account,
            sa.and_(account.request_id == GM.request_id, account.url == GM.url),
        )
        .where(GM.owner_id == guest_id, account.owner_id == user_id, GM.request_id.is_not(None))
    ).all()
    return _GuestCollections(rows, items, dict(pairs))


def _free_name(name: str, taken: set[str]) -> str:
    """name, or name (guest), (guest 2)… : the first the account does not use yet."""
    for n in range(1, len(taken) + 2):
        suffix = "" if n == 1 else " (guest)" if n == 2 else f" (guest {n - 1})"
        candidate = name[: COLLECTION_NAME_MAX - len(suffix)] + suffix
        if collection_name_key(candidate) not in taken:
            return candidate
    return name  # unreachable: len(taken) + 1 candidates cannot all be taken


def _restore_collections(kept: _GuestCollections, guest_id: uuid.UUID, user_id: uuid.UUID):
    """Give the guest's collections to the account (after its items moved): same ids; a name
    the account already uses gets " (guest)" added; memberships of merged items point at
    the account's copies."""
    if not kept.collections:
        return
    taken = set(
        db.session.execute(
            sa.select(Collection.name_key).where(Collection.owner_id == user_id)
        ).scalars()
    )
    rows = []
    for row in kept.collections:
        name = _free_name(row["name"], taken)
        taken.add(collection_name_key(name))
        cover = row["cover_id"]
        rows.append(
            {
                **row,
                "owner_id": user_id,
                "name": name,
                "name_key": collection_name_key(name),
                "cover_id": kept.same_media.get(cover, cover),
            }
        )
    db.session.execute(sa.insert(Collection), rows)
    # The guest's links to its collections follow them (before those go, taking theirs).
    collection_links = sa.and_(ShareLink.owner_id == guest_id, ShareLink.collection_id.is_not(None))
    owner = sa.literal(user_id, sa.Uuid)
    db.session.execute(_copy_rows(ShareLink.__table__, collection_links, {"owner_id": owner}))
    members = {
        (item.collection_id, kept.same_media.get(item.media_id, item.media_id)): item.added_at
        for item in kept.items
    }
    if members:
        db.session.execute(
            sa.insert(CollectionItem),
            [
                {"owner_id": user_id, "collection_id": c, "media_id": m, "added_at": added}
                for (c, m), added in members.items()
            ],
        )
    db.session.execute(sa.delete(CollectionItem).where(CollectionItem.owner_id == guest_id))
    db.session.execute(sa.delete(Collection).where(Collection.owner_id == guest_id))
