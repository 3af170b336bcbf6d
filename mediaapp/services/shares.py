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
from ..models import ShareLink, utcnow
from .media import COLUMNS, LIVE, get_media

SHARE_COLUMNS = (
    ShareLink.id.label("share_id"),
    ShareLink.media_id,
    ShareLink.token,
    ShareLink.hide_prompt,
    ShareLink.expires_at,
    ShareLink.created_at.label("shared_at"),
)


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
        id=uuid.uuid4(),
        media_id=media_id,
        token=secrets.token_urlsafe(32),
        hide_prompt=hide_prompt,
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
        created_at=utcnow(),
    )
    db.session.add(link)
    db.session.commit()
    return db.session.execute(sa.select(*SHARE_COLUMNS).where(ShareLink.id == link.id)).one()


def list_shares(owner: Owner) -> list[Row]:
    """The owner's active links with their media's type, prompt and URLs, newest first."""
    stmt = (
        owner.scope(sa.select(*SHARE_COLUMNS, GM.type, GM.prompt, GM.url, GM.thumbnail_url))
        .select_from(ShareLink)
        .join(GM, GM.id == ShareLink.media_id)
        .where(_active())
        .order_by(ShareLink.created_at.desc())
    )
    return db.session.execute(stmt).all()


def revoke_share(owner: Owner, share_id: uuid.UUID) -> None:
    """Revoke one of the owner's links, and commit; NotFound for another owner's or a gone one."""
    owned = owner.scope(sa.select(GM.id)).where(GM.id == ShareLink.media_id).exists()
    result = db.session.execute(
        sa.update(ShareLink)
        .where(ShareLink.id == share_id, ShareLink.revoked_at.is_(None), owned)
        .values(revoked_at=utcnow())
    )
    if result.rowcount == 0:
        db.session.rollback()
        raise NotFound("No share link with that id.")
    db.session.commit()


def get_shared(token: str) -> Row:
    """The media behind an active token, with the link's options; NotFound when revoked,
    expired, trashed or unknown. Public: owner columns are not returned."""
    stmt = (
        sa.select(*COLUMNS, *SHARE_COLUMNS)
        .select_from(ShareLink)
        .join(GM, GM.id == ShareLink.media_id)
        .where(ShareLink.token == token, _active())
    )
    row = db.session.execute(stmt).first()
    if row is None:
        raise NotFound("This link does not exist, has expired or was revoked.")
    return row
