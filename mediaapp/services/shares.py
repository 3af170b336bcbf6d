"""Share links: public, unguessable, revocable, optionally expiring views of one item."""

import secrets
import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Row

from ..errors import NotFound
from ..extensions import db
from ..identity import Owner
from ..models import GeneratedMedia as GM
from ..models import ShareLink, ShareToken, utcnow
from .media import COLUMNS, LIVE, get_media

SHARE_COLUMNS = (
    ShareLink.id.label("share_id"),
    ShareLink.media_id,
    ShareLink.token,
    ShareLink.hide_prompt,
    ShareLink.expires_at,
    ShareLink.created_at.label("shared_at"),
)


def _joined(owner: Owner, stmt: sa.Select) -> sa.Select:
    """stmt over the owner's links joined to their media, both sides scoped to the owner."""
    stmt = stmt.select_from(ShareLink).join(
        GM, sa.and_(GM.owner_id == ShareLink.owner_id, GM.id == ShareLink.media_id)
    )
    return owner.scope(owner.scope(stmt, ShareLink))


def _active():
    now = utcnow()
    return sa.and_(
        ShareLink.revoked_at.is_(None),
        sa.or_(ShareLink.expires_at.is_(None), ShareLink.expires_at > now),
        LIVE,
    )


def create_share(
    owner: Owner, media_id: uuid.UUID, *, expires_in_days: int | None, hide_prompt: bool
) -> Row:
    """A new link to one of the owner's live items, and commit; NotFound as get_media.

    The token carries 256 bits from the OS's CSPRNG.
    """
    get_media(owner, media_id)
    link = ShareLink(
        owner_id=owner.id,
        id=uuid.uuid4(),
        media_id=media_id,
        token=secrets.token_urlsafe(32),
        hide_prompt=hide_prompt,
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
        created_at=utcnow(),
    )
    db.session.add_all([link, ShareToken(token=link.token, owner_id=owner.id)])
    db.session.commit()
    return db.session.execute(
        owner.scope(sa.select(*SHARE_COLUMNS), ShareLink).where(ShareLink.id == link.id)
    ).one()


def list_shares(owner: Owner) -> list[Row]:
    """The owner's active links with their media's type, prompt and URLs, newest first."""
    stmt = (
        _joined(
            owner,
            sa.select(
                *SHARE_COLUMNS,
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
        _joined(owner, sa.select(*SHARE_COLUMNS, GM.prompt)).where(ShareLink.id == share_id)
    ).one()


def get_shared(token: str) -> Row:
    """The media behind an active token, with the link's options; NotFound when revoked,
    expired, trashed or unknown. Public: owner columns are not returned.

    The token names its owner through share_tokens, so only that owner's rows are read.
    """
    owner_id = db.session.execute(
        sa.select(ShareToken.owner_id).where(ShareToken.token == token)
    ).scalar()
    row = None
    if owner_id is not None:
        owner = Owner(id=owner_id)
        stmt = _joined(owner, sa.select(*COLUMNS, *SHARE_COLUMNS)).where(
            ShareLink.token == token, _active()
        )
        row = db.session.execute(stmt).first()
    if row is None:
        raise NotFound("This link does not exist, has expired or was revoked.")
    return row
