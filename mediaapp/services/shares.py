"""Share links: public, unguessable, revocable views of one item; optionally expiring,
password-protected or without downloads; each counts its views."""

import dataclasses
import secrets
import uuid
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.engine import Row
from werkzeug.security import check_password_hash

from ..errors import NotFound, Unauthorized
from ..extensions import db
from ..identity import Owner
from ..models import Collection, ShareLink, ShareToken, utcnow
from ..models import GeneratedMedia as GM
from ..schemas import MediaFilters
from .accounts import hash_password
from .collections import get_collection
from .media import COLUMNS, LIVE, Page, filtered, get_media, list_media

# A new link lasts this long unless the person chooses another moment, or no expiry at all.
DEFAULT_EXPIRY = timedelta(days=30)
# The one way to say "the default" (None means "never expires").
DEFAULT = "default"
# One bulk revoke names at most this many links.
BULK_MAX = 500

SHARE_COLUMNS = (
    ShareLink.id.label("share_id"),
    ShareLink.media_id,
    ShareLink.token,
    ShareLink.hide_prompt,
    ShareLink.expires_at,
    ShareLink.created_at.label("shared_at"),
    ShareLink.password_hash.is_not(None).label("has_password"),
    ShareLink.allow_download,
    ShareLink.view_count,
    ShareLink.last_viewed_at,
    ShareLink.collection_id,
)
# What a link shows, besides the item's own columns: its collection's name and kind.
TARGET_COLUMNS = (
    Collection.name.label("collection_name"),
    Collection.description.label("collection_description"),
    Collection.search.label("collection_search"),  # a smart one's saved search, else None
)


def _joined(owner: Owner, stmt: sa.Select) -> sa.Select:
    """stmt over the owner's links joined to what they show: their item (GM's columns are
    NULL for a collection's link) or their collection (NULL for an item's); every side
    scoped to the owner."""
    stmt = (
        stmt.select_from(ShareLink)
        .outerjoin(GM, sa.and_(GM.owner_id == owner.id, GM.id == ShareLink.media_id))
        .outerjoin(
            Collection,
            sa.and_(Collection.owner_id == owner.id, Collection.id == ShareLink.collection_id),
        )
    )
    return owner.scope(stmt, ShareLink)


def _active():
    """Not revoked, not expired, and what it shows is there: a live item, or a collection."""
    now = utcnow()
    return sa.and_(
        ShareLink.revoked_at.is_(None),
        sa.or_(ShareLink.expires_at.is_(None), ShareLink.expires_at > now),
        sa.or_(
            sa.and_(ShareLink.media_id.is_not(None), GM.id.is_not(None), LIVE),
            sa.and_(ShareLink.collection_id.is_not(None), Collection.id.is_not(None)),
        ),
    )


def create_share(
    owner: Owner,
    media_id: uuid.UUID,
    *,
    expires_at: datetime | None | str = DEFAULT,
    hide_prompt: bool = False,
    password: str | None = None,
    allow_download: bool = True,
) -> Row:
    """A new link to one of the owner's live items, and commit; NotFound as get_media.

    `expires_at` is the moment the link stops working, None for never, DEFAULT for 30 days
    from now. A password is stored only as its hash (the accounts' KDF). The token carries
    256 bits from the OS's CSPRNG.
    """
    get_media(owner, media_id)
    return _new_link(
        owner,
        {"media_id": media_id},
        expires_at=expires_at,
        hide_prompt=hide_prompt,
        password=password,
        allow_download=allow_download,
    )


def create_collection_share(
    owner: Owner,
    collection_id: uuid.UUID,
    *,
    expires_at: datetime | None | str = DEFAULT,
    hide_prompt: bool = False,
    password: str | None = None,
    allow_download: bool = True,
) -> Row:
    """A new link to one of the owner's collections (manual or smart), with create_share's
    options, and commit; NotFound for another owner's or a missing collection. The link is
    live: it shows the collection's live items as they are whenever it is opened."""
    get_collection(owner, collection_id)
    return _new_link(
        owner,
        {"collection_id": collection_id},
        expires_at=expires_at,
        hide_prompt=hide_prompt,
        password=password,
        allow_download=allow_download,
    )


def _new_link(
    owner: Owner,
    target: dict,
    *,
    expires_at: datetime | None | str,
    hide_prompt: bool,
    password: str | None,
    allow_download: bool,
) -> Row:
    now = utcnow()
    link = ShareLink(
        owner_id=owner.id,
        id=uuid.uuid4(),
        token=secrets.token_urlsafe(32),
        hide_prompt=hide_prompt,
        expires_at=now + DEFAULT_EXPIRY if expires_at == DEFAULT else expires_at,
        created_at=now,
        password_hash=hash_password(password) if password else None,
        allow_download=allow_download,
        view_count=0,
        **target,
    )
    db.session.add_all([link, ShareToken(token=link.token, owner_id=owner.id)])
    db.session.commit()
    return db.session.execute(
        _joined(owner, sa.select(*SHARE_COLUMNS, *TARGET_COLUMNS)).where(ShareLink.id == link.id)
    ).one()


def list_shares(owner: Owner) -> list[Row]:
    """The owner's active links with their media's type, prompt and URLs (or their
    collection's name), newest first."""
    stmt = (
        _joined(
            owner,
            sa.select(
                *SHARE_COLUMNS,
                *TARGET_COLUMNS,
                GM.id,
                GM.type,
                GM.prompt,
                GM.url,
                GM.thumbnail_url,
                GM.archive_status,
                GM.archive_thumb_sha256,
            ),
        )
        .where(_active())
        .order_by(ShareLink.created_at.desc())
    )
    return db.session.execute(stmt).all()


def find_share(owner: Owner, media_id: uuid.UUID, share_id: uuid.UUID) -> Row | None:
    """One of the owner's active links to this item (to show again after a plain POST)."""
    stmt = _joined(owner, sa.select(*SHARE_COLUMNS)).where(
        ShareLink.id == share_id, ShareLink.media_id == media_id, _active()
    )
    return db.session.execute(stmt).first()


def revoke_share(owner: Owner, share_id: uuid.UUID) -> Row:
    """Revoke one of the owner's links, and commit; NotFound for another owner's or a gone one.

    Returns the link with its item's prompt, to say which one stopped working.
    """
    return _set_revoked(owner, share_id, revoked=False, to=utcnow())


def restore_share(owner: Owner, share_id: uuid.UUID) -> Row:
    """Undo a revoke: the link opens again (unless it expired meanwhile), and commit.

    NotFound for another owner's link, or one that is not revoked.
    """
    return _set_revoked(owner, share_id, revoked=True, to=None)


def revoke_shares(
    owner: Owner, share_ids: list[uuid.UUID]
) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """Revoke those of the owner's active links the ids name, in one statement, and commit.

    Returns (revoked, not found): ids of another owner's, revoked or unknown links are not
    found, and nothing of theirs changes.
    """
    wanted = list(dict.fromkeys(share_ids))
    revoked = set(
        db.session.execute(
            owner.scope(sa.update(ShareLink), ShareLink)
            .where(ShareLink.id.in_(wanted), ShareLink.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .returning(ShareLink.id)
        ).scalars()
    )
    db.session.commit()
    return [i for i in wanted if i in revoked], [i for i in wanted if i not in revoked]


def _set_revoked(owner: Owner, share_id: uuid.UUID, *, revoked: bool, to) -> Row:
    state = ShareLink.revoked_at.is_not(None) if revoked else ShareLink.revoked_at.is_(None)
    changed = db.session.execute(
        owner.scope(sa.update(ShareLink), ShareLink)
        .where(ShareLink.id == share_id, state)
        .values(revoked_at=to)
        .returning(ShareLink.media_id)
    ).first()
    if changed is None:
        db.session.rollback()
        raise NotFound("No share link with that id.")
    db.session.commit()
    return db.session.execute(
        _joined(owner, sa.select(*SHARE_COLUMNS, *TARGET_COLUMNS, GM.prompt)).where(
            ShareLink.id == share_id
        )
    ).one()


def get_shared(token: str) -> Row:
    """The media behind an active token, with the link's options; NotFound when revoked,
    expired, trashed or unknown. Public: the row names its owner (`link_owner`) only so
    that count_view can find it again; no public answer carries it.

    The token names its owner through share_tokens, so only that owner's rows are read.
    """
    return _get_shared(token, sa.select(*COLUMNS, *SHARE_COLUMNS, *TARGET_COLUMNS))


def get_shared_media(token: str) -> Row:
    """get_shared for a link to one item; NotFound for a collection's link too."""
    row = get_shared(token)
    if row.collection_id is not None:
        raise NotFound("This link shows a collection: its items are at /api/shared/<token>/items.")
    return row


def _get_shared(token: str, stmt: sa.Select) -> Row:
    owner_id = db.session.execute(
        sa.select(ShareToken.owner_id).where(ShareToken.token == token)
    ).scalar()
    row = None
    if owner_id is not None:
        owner = Owner(id=owner_id)
        stmt = _joined(owner, stmt.add_columns(ShareLink.owner_id.label("link_owner"))).where(
            ShareLink.token == token, _active()
        )
        row = db.session.execute(stmt).first()
    if row is None:
        raise NotFound("This link does not exist, has expired or was revoked.")
    return row


def check_share_password(token: str, password: str) -> Row:
    """The active link behind the token when `password` is its password, else Unauthorized
    (code wrong_password); NotFound as get_shared. A link without a password takes any."""
    row = _get_shared(token, sa.select(ShareLink.id, ShareLink.password_hash))
    if row.password_hash is not None and not check_password_hash(row.password_hash, password):
        raise Unauthorized("That password is not right.", code="wrong_password")
    return row


def count_view(row: Row) -> None:
    """One more view of the link behind a get_shared row, now; one UPDATE, and commit."""
    db.session.execute(
        sa.update(ShareLink)
        .where(ShareLink.owner_id == row.link_owner, ShareLink.id == row.share_id)
        .values(view_count=ShareLink.view_count + 1, last_viewed_at=utcnow())
    )
    db.session.commit()


def _collection_link(link: Row) -> tuple[Owner, MediaFilters]:
    if link.collection_id is None:
        raise NotFound("This link shows one item, not a collection.")
    return Owner(id=link.link_owner), MediaFilters(collection=link.collection_id)


def shared_collection_page(link: Row, *, limit: int, cursor: str | None = None) -> Page:
    """A page (by keyset cursor) of the live items of the collection behind a get_shared
    row, newest first, as they are now (added ones appear, trashed ones do not); only the
    link's owner's rows are read. NotFound for a link to one item; ValidationFailed for a
    cursor that does not decode."""
    owner, filters = _collection_link(link)
    page = list_media(owner, filters, limit=limit, cursor=cursor)
    return dataclasses.replace(page, items=[_in_link(link, row) for row in page.items])


def shared_collection_item(link: Row, media_id: uuid.UUID) -> Row:
    """One live item of the collection behind a get_shared row; NotFound when it is not (or
    no longer) in it, is trashed, or is another owner's."""
    owner, filters = _collection_link(link)
    stmt = filtered(owner.scope(sa.select(*COLUMNS)).where(GM.id == media_id), filters, owner)
    row = db.session.execute(stmt).first()
    if row is None:
        raise NotFound("That item is not in this collection.")
    return _in_link(link, row)


def _in_link(link: Row, row: Row) -> SimpleNamespace:
    """An item of a shared collection, carrying its link's options (token, hidden prompt,
    downloads, password) as the public answers and pages read them."""
    return SimpleNamespace(
        **row._mapping,
        token=link.token,
        hide_prompt=link.hide_prompt,
        allow_download=link.allow_download,
        has_password=link.has_password,
        share_id=link.share_id,
        link_owner=link.link_owner,
        collection_id=link.collection_id,
        in_collection=True,
    )
