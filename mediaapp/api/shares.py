"""Share links: create, list and revoke (owner), and the public JSON view of a link."""

import uuid

from flask import url_for

from ..identity import current_owner
from ..schemas import CreateShareSchema, envelope, iso_utc, json_object, shared_to_wire
from ..services import shares
from . import BODY_ERRORS, MEDIA_ERRORS, NOT_FOUND_OR_TRASHED, api_limit, bp
from .contract import (
    SHARE_LINKS,
    RevokedEnvelope,
    SharedEnvelope,
    ShareEnvelope,
    ShareList,
    operation,
)


def share_to_wire(link) -> dict:
    return {
        "id": str(link.share_id),
        "mediaId": str(link.media_id),
        "url": url_for("public.shared", token=link.token, _external=True),
        "token": link.token,
        "hidePrompt": link.hide_prompt,
        "expiresAt": iso_utc(link.expires_at) if link.expires_at else None,
        "createdAt": iso_utc(link.shared_at),
    }


@bp.post("/media/<uuid:media_id>/share")
@operation(
    "Create a public share link to a live record.",
    body=CreateShareSchema,
    body_required=False,
    responses={201: ("The link.", ShareEnvelope)},
    errors=(400, 403, (404, NOT_FOUND_OR_TRASHED), *BODY_ERRORS, *MEDIA_ERRORS),
    links={201: SHARE_LINKS},
)
@api_limit
def create_share(media_id: uuid.UUID):
    options = CreateShareSchema.once().load(json_object(required=False))
    link = shares.create_share(current_owner(), media_id, **options)
    return envelope(share_to_wire(link), status=201)


@bp.get("/shares")
@operation(
    "The owner's active share links, newest first.",
    responses={200: ("Links.", ShareList)},
    errors=MEDIA_ERRORS,
)
@api_limit
def list_shares():
    return envelope(
        [
            {**share_to_wire(row), "type": row.type, "prompt": row.prompt}
            for row in shares.list_shares(current_owner())
        ]
    )


@bp.delete("/shares/<uuid:share_id>")
@operation(
    "Revoke a share link.",
    responses={200: ("Revoked.", RevokedEnvelope)},
    errors=(403, (404, "No such active link for this owner (code not_found)."), *MEDIA_ERRORS),
)
@api_limit
def revoke_share(share_id: uuid.UUID):
    shares.revoke_share(current_owner(), share_id)
    return envelope({"revoked": str(share_id)})


@bp.get("/shared/<share_token:token>")
@operation(
    "Public: the item behind a share link (no owner information).",
    responses={200: ("The shared item.", SharedEnvelope)},
    errors=((404, "Unknown, revoked or expired link (code not_found)."), *MEDIA_ERRORS),
)
@api_limit
def shared(token: str):
    """Public: anyone with the link; no owner information."""
    return envelope(shared_to_wire(shares.get_shared(token)))
