"""Share links: create, list and revoke (owner), and the public JSON view of a link."""

import uuid

from flask import request, url_for

from ..identity import current_owner
from ..limits import share_password_limit
from ..public.access import grant_access, require_access
from ..schemas import (
    CreateShareSchema,
    RevokeSharesSchema,
    SharedItemsArgsSchema,
    SharePasswordSchema,
    envelope,
    iso_utc,
    json_object,
    shared_item_to_wire,
    shared_to_wire,
)
from ..services import shares
from . import BODY_ERRORS, MEDIA_ERRORS, NOT_FOUND_OR_TRASHED, api_limit, bp
from .contract import (
    COLLECTION_SHARE_LINKS,
    PUBLIC,
    SHARE,
    SHARE_LINKS,
    RevokedEnvelope,
    RevokedSharesEnvelope,
    SharedEnvelope,
    SharedItemEnvelope,
    SharedItemsPage,
    ShareEnvelope,
    ShareList,
    UnlockedEnvelope,
    operation,
)
from .media import page_envelope

PASSWORD_REQUIRED = (
    401,
    "The link has a password and this session has not given it yet (code password_required): "
    "POST it to /api/shared/{token}/unlock first.",
)


def share_to_wire(link) -> dict:
    return {
        "id": str(link.share_id),
        "kind": "media" if link.media_id else "collection",
        "mediaId": str(link.media_id) if link.media_id else None,
        "collectionId": str(link.collection_id) if link.collection_id else None,
        "url": url_for("public.shared", token=link.token, _external=True),
        "token": link.token,
        "hidePrompt": link.hide_prompt,
        "expiresAt": iso_utc(link.expires_at) if link.expires_at else None,
        "createdAt": iso_utc(link.shared_at),
        "hasPassword": bool(link.has_password),
        "allowDownload": bool(link.allow_download),
        "views": link.view_count,
        "lastViewedAt": iso_utc(link.last_viewed_at) if link.last_viewed_at else None,
    }


@bp.post("/media/<uuid:media_id>/share")
@operation(
    "Create a public share link to a live record.",
    scope=SHARE,
    description="It expires 30 days from now unless the body says another moment "
    "(expiresAt) or never (null); it may ask for a password and refuse downloads.",
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
    "The owner's active share links, newest first, with their views and last view.",
    scope=SHARE,
    responses={200: ("Links.", ShareList)},
    errors=MEDIA_ERRORS,
)
@api_limit
def list_shares():
    return envelope(
        [
            {
                **share_to_wire(row),
                "type": row.type,
                "prompt": row.prompt,
                "collectionName": row.collection_name,
            }
            for row in shares.list_shares(current_owner())
        ]
    )


@bp.delete("/shares/<uuid:share_id>")
@operation(
    "Revoke a share link.",
    scope=SHARE,
    responses={200: ("Revoked.", RevokedEnvelope)},
    errors=(403, (404, "No such active link for this owner (code not_found)."), *MEDIA_ERRORS),
)
@api_limit
def revoke_share(share_id: uuid.UUID):
    shares.revoke_share(current_owner(), share_id)
    return envelope({"revoked": str(share_id)})


@bp.post("/shares/revoke")
@operation(
    "Revoke up to 500 of the owner's links at once.",
    scope=SHARE,
    description="Ids of another owner's links, of revoked or unknown ones come back in "
    "notFound, and nothing of theirs changes.",
    body=RevokeSharesSchema,
    responses={200: ("What was revoked, and what was not found.", RevokedSharesEnvelope)},
    errors=(400, 403, *BODY_ERRORS, *MEDIA_ERRORS),
)
@api_limit
def revoke_shares():
    args = RevokeSharesSchema.once().load(json_object())
    revoked, missing = shares.revoke_shares(current_owner(), args["ids"])
    return envelope({"revoked": [str(i) for i in revoked], "notFound": [str(i) for i in missing]})


@bp.get("/shared/<share_token:token>")
@operation(
    "Public: the item behind a share link (no owner information); counts as a view.",
    scope=PUBLIC,
    responses={200: ("The shared item.", SharedEnvelope)},
    errors=(
        PASSWORD_REQUIRED,
        (404, "Unknown, revoked or expired link (code not_found)."),
        *MEDIA_ERRORS,
    ),
)
@api_limit
def shared(token: str):
    """Public: anyone with the link (and its password, if it has one); no owner information."""
    item = shares.get_shared_media(token)
    require_access(item)
    shares.count_view(item)
    return envelope(shared_to_wire(item))


@bp.post("/collections/<uuid:collection_id>/share")
@operation(
    "Create a public share link to a collection (manual or smart), live.",
    scope=SHARE,
    description="Items added later appear and trashed ones do not, whenever the link is "
    "opened. The options are an item link's: it expires 30 days from now unless the body "
    "says another moment (expiresAt) or never (null); it may ask for a password, hide "
    "prompts and refuse downloads.",
    body=CreateShareSchema,
    body_required=False,
    responses={201: ("The link.", ShareEnvelope)},
    errors=(
        400,
        403,
        (404, "No such collection for this owner (code not_found)."),
        *BODY_ERRORS,
        *MEDIA_ERRORS,
    ),
    links={201: COLLECTION_SHARE_LINKS},
)
@api_limit
def create_collection_share(collection_id: uuid.UUID):
    options = CreateShareSchema.once().load(json_object(required=False))
    link = shares.create_collection_share(current_owner(), collection_id, **options)
    return envelope(share_to_wire(link), status=201)


@bp.get("/shared/<share_token:token>/items")
@operation(
    "Public: the live items of a shared collection, newest first, by cursor; counts as a "
    "view on its first page.",
    scope=PUBLIC,
    query=SharedItemsArgsSchema,
    responses={200: ("A page of items, and the collection's name.", SharedItemsPage)},
    errors=(
        400,
        PASSWORD_REQUIRED,
        (404, "Unknown, revoked or expired link, or a link to one item (code not_found)."),
        *MEDIA_ERRORS,
    ),
)
@api_limit
def shared_items(token: str):
    args = SharedItemsArgsSchema.once().load(request.args)
    link = shares.get_shared(token)
    require_access(link)
    page = shares.shared_collection_page(link, limit=args["limit"], cursor=args["cursor"])
    if not args["cursor"]:
        shares.count_view(link)
    return page_envelope(
        page,
        to_wire=shared_item_to_wire,
        collection={
            "name": link.collection_name,
            "description": link.collection_description,
            "smart": link.collection_search is not None,
        },
    )


@bp.get("/shared/<share_token:token>/items/<uuid:media_id>")
@operation(
    "Public: one live item of a shared collection.",
    scope=PUBLIC,
    responses={200: ("The item.", SharedItemEnvelope)},
    errors=(
        PASSWORD_REQUIRED,
        (404, "Unknown, revoked or expired link, or an item not in it (code not_found)."),
        *MEDIA_ERRORS,
    ),
)
@api_limit
def shared_item(token: str, media_id: uuid.UUID):
    link = shares.get_shared(token)
    require_access(link)
    return envelope(shared_item_to_wire(shares.shared_collection_item(link, media_id)))


@bp.post("/shared/<share_token:token>/unlock")
@operation(
    "Public: give a link's password; this session may then open the link (and only it).",
    scope=PUBLIC,
    description="Wrong passwords are limited per link and client address "
    "(MEDIAAPP_SHARE_PASSWORD_RATE_LIMIT, 5 per 15 minutes by default); right ones are not "
    "counted. A link without a password is unlocked by any.",
    body=SharePasswordSchema,
    responses={200: ("Unlocked for this session.", UnlockedEnvelope)},
    errors=(
        400,
        (401, "Wrong password (code wrong_password)."),
        403,
        (404, "Unknown, revoked or expired link (code not_found)."),
        *BODY_ERRORS,
        *MEDIA_ERRORS,
    ),
)
@share_password_limit
@api_limit
def unlock_shared(token: str):
    password = SharePasswordSchema.once().load(json_object())["password"]
    shares.check_share_password(token, password)
    grant_access(token)
    return envelope({"unlocked": True})
