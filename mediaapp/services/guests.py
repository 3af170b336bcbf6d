"""Guests: the owner id minted for the digest of a guest's secret."""

import uuid

import sqlalchemy as sa

from ..extensions import db
from ..models import Guest, utcnow
from ..sql import dialect_insert


def guest_owner_id(secret_digest: str) -> uuid.UUID:
    """The owner id of the guest whose secret has this digest, minted (and committed) the
    first time the digest is seen."""
    found = db.session.execute(
        sa.select(Guest.owner_id).where(Guest.secret_digest == secret_digest)
    ).scalar()
    if found is not None:
        return found
    minted = uuid.uuid4()
    # Two first requests of one new guest may race: the digest's first row wins.
    db.session.execute(
        dialect_insert(Guest)
        .values(secret_digest=secret_digest, owner_id=minted, created_at=utcnow())
        .on_conflict_do_nothing()
    )
    db.session.commit()
    return db.session.execute(
        sa.select(Guest.owner_id).where(Guest.secret_digest == secret_digest)
    ).scalar_one()
