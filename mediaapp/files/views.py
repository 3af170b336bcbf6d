"""Sending stored files: conditional GET and Range, a long private cache lifetime, and the
big ones handed to the front server or to the object store instead of a web worker."""

import uuid

from flask import Response, current_app, redirect, send_file

from ..identity import current_owner
from ..services import archive
from ..services import shares as share_service
from . import bp

YEAR = 365 * 24 * 3600
# A stored SVG runs nothing on our origin: no script, no plugins, no navigation from it.
SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


def send_stored(stored: archive.StoredFile) -> Response:
    """The response for one stored blob."""
    if stored.redirect:  # S3: the client downloads from the store, for a few minutes
        response = redirect(stored.redirect, 302)
        response.cache_control.private = True
        response.cache_control.max_age = 60
        return response
    mode = current_app.config["SENDFILE"]
    if mode.startswith("x-accel-redirect:"):
        # nginx serves the file from its internal location; Flask only says which.
        prefix = mode.split(":", 1)[1].rstrip("/")
        relative = stored.path.relative_to(current_app.extensions["blob_store"].root)
        response = Response(mimetype=stored.mime)
        response.headers["X-Accel-Redirect"] = f"{prefix}/{relative.as_posix()}"
        response.set_etag(stored.sha256)
    else:
        response = send_file(
            stored.path,
            mimetype=stored.mime,
            conditional=True,
            etag=stored.sha256,
            max_age=YEAR,
            as_attachment=stored.active,
            download_name=stored.download_name,
        )
    response.cache_control.public = False
    response.cache_control.private = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    if stored.active:
        response.headers["Content-Security-Policy"] = SANDBOX
    return response


@bp.get("/files/<uuid:media_id>")
def original(media_id: uuid.UUID):
    return send_stored(archive.stored_file(current_owner(mint=False), media_id))


@bp.get("/files/<uuid:media_id>/thumbnail")
def thumbnail(media_id: uuid.UUID):
    return send_stored(archive.stored_file(current_owner(mint=False), media_id, thumbnail=True))


@bp.get("/s/<token>/file")
def shared_original(token: str):
    return send_stored(archive.shared_file(share_service.get_shared(token)))


@bp.get("/s/<token>/thumbnail")
def shared_thumbnail(token: str):
    return send_stored(archive.shared_file(share_service.get_shared(token), thumbnail=True))
