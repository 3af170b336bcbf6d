"""Stored files: a record's kept copy and thumbnail, to its owner and through share links.

Sent with conditional GET and Range, and the big ones handed to the front server (filesystem)
or the object store (S3) instead of a web worker. How long caches may keep them is decided
with every other answer's in mediaapp/caching.py.
"""

import uuid

from flask import Response, current_app, redirect, send_file

from ..identity import current_owner
from ..public.access import require_access
from ..services import archive
from ..services import shares as share_service
from . import bp
from .contract import BINARY, PUBLIC, READ, operation
from .shares import PASSWORD_REQUIRED

# A stored SVG runs nothing on our origin: no script, no plugins, no navigation from it.
SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
MEDIA_TYPES = ("image/*", "video/*")
FILE_ANSWERS = {
    200: ("The file (its ETag is its SHA-256).", BINARY),
    206: ("The part an HTTP Range asked for.", BINARY),
    302: ("With S3 storage: a short-lived presigned URL to download it from.", None),
    304: ("Unchanged since the ETag given in If-None-Match.", None),
}


def send_stored(stored: archive.StoredFile) -> Response:
    """The response for one stored blob."""
    if stored.redirect:  # S3: the client downloads from the store, for a few minutes
        return redirect(stored.redirect, 302)
    mode = current_app.config["SENDFILE"]
    if mode.startswith("x-accel-redirect:"):
        # nginx serves the file from its internal location; Flask only says which.
        prefix = mode.split(":", 1)[1].rstrip("/")
        relative = stored.path.relative_to(current_app.extensions["blob_store"].root)
        response = Response(mimetype=stored.mime)
        response.headers["X-Accel-Redirect"] = f"{prefix}/{relative.as_posix()}"
        response.set_etag(stored.sha256)
    else:  # streamed by Flask, or by the front server with USE_X_SENDFILE
        response = send_file(
            stored.path,
            mimetype=stored.mime,
            conditional=True,
            etag=stored.sha256,
            as_attachment=stored.active,
            download_name=stored.download_name,
        )
    if stored.active:
        response.headers["Content-Security-Policy"] = SANDBOX
    return response


@bp.get("/media/<uuid:media_id>/file")
@operation(
    "The copy mediaapp keeps of one of the owner's records (its archive.fileUrl).",
    scope=READ,
    responses=FILE_ANSWERS,
    response_types=MEDIA_TYPES,
    errors=((404, "No such record for this owner, or no copy kept yet (code not_found)."), 503),
)
def media_file(media_id: uuid.UUID):
    return send_stored(archive.stored_file(current_owner(mint=False), media_id))


@bp.get("/media/<uuid:media_id>/thumbnail")
@operation(
    "The WebP thumbnail (≤ 512 px) of a kept copy (its archive.thumbnailUrl).",
    scope=READ,
    responses=FILE_ANSWERS,
    response_types=("image/webp",),
    errors=((404, "No such record for this owner, or no thumbnail (code not_found)."), 503),
)
def media_thumbnail(media_id: uuid.UUID):
    owner = current_owner(mint=False)
    return send_stored(archive.stored_file(owner, media_id, thumbnail=True))


@bp.get("/shared/<share_token:token>/file")
@operation(
    "Public: the kept copy behind a share link (its fileUrl).",
    scope=PUBLIC,
    responses=FILE_ANSWERS,
    response_types=MEDIA_TYPES,
    errors=(
        PASSWORD_REQUIRED,
        (
            404,
            "Unknown, revoked or expired link, no copy kept, or a link that allows no "
            "downloads (code not_found).",
        ),
        503,
    ),
)
def shared_file(token: str):
    return send_stored(archive.shared_file(_opened(token)))


@bp.get("/shared/<share_token:token>/thumbnail")
@operation(
    "Public: the thumbnail of the kept copy behind a share link (its storedThumbnailUrl).",
    scope=PUBLIC,
    responses=FILE_ANSWERS,
    response_types=("image/webp",),
    errors=(
        PASSWORD_REQUIRED,
        (404, "Unknown, revoked or expired link, or no thumbnail (code not_found)."),
        503,
    ),
)
def shared_thumbnail(token: str):
    return send_stored(archive.shared_file(_opened(token), thumbnail=True))


def _opened(token: str):
    """The link's row, once this browser may open it (its password given, if it has one)."""
    link = share_service.get_shared_media(token)
    require_access(link)
    return link


def _opened_item(token: str, media_id: uuid.UUID):
    """An item of the collection behind a link, once this browser may open the link."""
    link = share_service.get_shared(token)
    require_access(link)
    return share_service.shared_collection_item(link, media_id)


@bp.get("/shared/<share_token:token>/items/<uuid:media_id>/file")
@operation(
    "Public: the kept copy of an item of a shared collection (its fileUrl).",
    scope=PUBLIC,
    responses=FILE_ANSWERS,
    response_types=MEDIA_TYPES,
    errors=(
        PASSWORD_REQUIRED,
        (
            404,
            "Unknown, revoked or expired link, an item not (or no longer) in its collection, "
            "no copy kept, or a link that allows no downloads (code not_found).",
        ),
        503,
    ),
)
def shared_item_file(token: str, media_id: uuid.UUID):
    return send_stored(archive.shared_file(_opened_item(token, media_id)))


@bp.get("/shared/<share_token:token>/items/<uuid:media_id>/thumbnail")
@operation(
    "Public: the thumbnail of an item of a shared collection (its storedThumbnailUrl).",
    scope=PUBLIC,
    responses=FILE_ANSWERS,
    response_types=("image/webp",),
    errors=(
        PASSWORD_REQUIRED,
        (
            404,
            "Unknown, revoked or expired link, an item not in its collection, or no "
            "thumbnail (code not_found).",
        ),
        503,
    ),
)
def shared_item_thumbnail(token: str, media_id: uuid.UUID):
    return send_stored(archive.shared_file(_opened_item(token, media_id), thumbnail=True))
