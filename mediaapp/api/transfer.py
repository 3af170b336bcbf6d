"""Export the whole history as streamed JSON or as zips with the files; import items in the
save format, or such a zip; stats."""

from datetime import UTC, datetime

from flask import Response, current_app, request, stream_with_context

from ..downloads import zip_response
from ..errors import PayloadTooLarge, ValidationFailed
from ..identity import current_owner
from ..limits import import_limit
from ..schemas import (
    ImportSchema,
    ZipArgsSchema,
    ZipSelectionSchema,
    envelope,
    json_object,
)
from ..services import stats, transfer, zips
from ..sql import reads_outside_a_transaction
from . import BODY_ERRORS, MEDIA_ERRORS, api_limit, bp
from .contract import BINARY, READ, WRITE, ImportEnvelope, MediaList, StatsEnvelope, operation

IMPORT_MAX_BYTES = transfer.IMPORT_MAX_BYTES


@bp.get("/media/export")
@operation(
    "The whole live history, newest first, as one streamed JSON envelope.",
    scope=READ,
    description="Streamed: a database unreachable before the first byte answers 503; a "
    "failure after it ends the body early instead.",
    responses={200: ("Every live record.", MediaList)},
    errors=(
        429,
        (
            503,
            "The database is unavailable before the first byte, e.g. to look up a guest "
            "(code service_unavailable); `Retry-After` says when to try again.",
        ),
    ),
)
@api_limit
def export_media():
    chunks = transfer.export_json(current_owner())
    filename = f"mediaapp-export-{datetime.now(UTC):%Y%m%d}.json"
    return Response(
        stream_with_context(chunks),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


ZIP_ANSWER = (
    "A zip streamed as it is made, with its exact Content-Length: each stored file (STORED, "
    "ZIP64 past 4 GiB) named `<date>_<time>_<prompt words>_<id start>.<ext>`, and "
    "`manifest.json`, a body POST /api/media/import takes as it is (`{items: [...]}`, each "
    "item naming its `file`, null when mediaapp has not kept the bytes yet).",
    BINARY,
)
ZIP_DESCRIPTION = (
    "Nothing is held whole in memory or on disk: the files are read from storage in chunks "
    "while the answer is written. `X-Zip-Items` and `X-Zip-Files` say how many records and "
    "files it holds. A failure after the first byte ends the body early."
)
ZIP_UPLOAD_BODY = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "A zip from GET or POST /api/media/zip: its manifest.json's items "
            "are imported and the files it holds restored.",
        }
    },
}


@bp.get("/media/zip")
@operation(
    "The live history (with the list filters) as a zip of its files and a manifest.",
    scope=READ,
    description=ZIP_DESCRIPTION + " At most 1,000 items per zip (what one import takes): "
    "`part=2` is the next 1,000, and so on; the manifest's `hasMore` says whether one follows.",
    query=ZipArgsSchema,
    responses={200: ZIP_ANSWER},
    response_types=("application/zip",),
    errors=(400, (404, "No items match, or no such part (code not_found)."), *MEDIA_ERRORS),
)
@api_limit
def zip_history():
    args = ZipArgsSchema.once().load(request.args)
    return zip_response(zips.zip_history(current_owner(), args["filters"], part=args["part"]))


@bp.post("/media/zip")
@operation(
    "A selection of up to 500 records as a zip of their files and a manifest.",
    scope=READ,
    description=ZIP_DESCRIPTION + " Ids that are not the caller's live records (another "
    "owner's, unknown, trashed) are left out (the manifest lists them as `missing`).",
    body=ZipSelectionSchema,
    responses={200: ZIP_ANSWER},
    response_types=("application/zip",),
    errors=(
        400,
        403,
        (404, "None of the ids is one of the caller's live records (code not_found)."),
        *BODY_ERRORS,
        *MEDIA_ERRORS,
    ),
)
@api_limit
def zip_selection():
    ids = ZipSelectionSchema.once().load(json_object())["ids"]
    return zip_response(zips.zip_selection(current_owner(), ids))


@bp.post("/media/import")
@operation(
    "Import up to 1,000 items (save format + createdAt, favorite, rating), or a zip; idempotent.",
    scope=WRITE,
    description="Each item is validated on its own: an invalid one is answered as rejected "
    "in `results`, a known one as duplicate. The JSON body may be up to 32 MiB. A zip from "
    "/api/media/zip comes as multipart/form-data (a part named `file`, up to "
    "MEDIAAPP_ZIP_IMPORT_MAX_BYTES): its records are imported and its files restored into "
    "the caller's storage; a zip that is unsafe (paths leaving its folder, a bomb, an entry "
    "too large to keep) or damaged is refused with 400 (code zip_refused), importing nothing.",
    body=ImportSchema,
    other_bodies={"multipart/form-data": ZIP_UPLOAD_BODY},
    responses={200: ("One result per item.", ImportEnvelope)},
    errors=(
        400,
        (401, "The logged-in account no longer exists; log in again (code unauthorized)."),
        403,
        (
            413,
            "The body is too large (code payload_too_large), or the zip's files would pass "
            "the storage quota (code quota_exceeded).",
        ),
        (
            415,
            "The body is neither application/json nor multipart/form-data "
            "(code unsupported_media_type).",
        ),
        (
            429,
            "Over the import rate limit (code rate_limited), or another import is running "
            "(code busy): retry after Retry-After seconds.",
        ),
        503,
    ),
)
@api_limit
@import_limit
def import_media():
    if request.mimetype == "multipart/form-data":
        return envelope(zips.import_zip(current_owner(), zip_upload().stream))
    request.max_content_length = IMPORT_MAX_BYTES  # 1,000 items with their settings
    items = ImportSchema.once().load(json_object())["items"]
    return envelope(transfer.import_history(current_owner(), items, bounded=True))


@bp.get("/media/stats")
@operation(
    "Counts by type, model and day, favorites and trash.",
    scope=READ,
    responses={200: ("Stats.", StatsEnvelope)},
    errors=MEDIA_ERRORS,
)
@api_limit
@reads_outside_a_transaction
def media_stats():
    return envelope(stats.media_stats(current_owner()))


def zip_upload():
    """The uploaded zip of a multipart request (Werkzeug spools it to a temporary file as it
    arrives), refused past MEDIAAPP_ZIP_IMPORT_MAX_BYTES before or while it is read."""
    request.max_content_length = current_app.config["ZIP_IMPORT_MAX_BYTES"]
    if (request.content_length or 0) > request.max_content_length:
        raise PayloadTooLarge(
            f"A zip import may carry at most {request.max_content_length:,} bytes.",
            details={"contentLength": request.content_length},
        )
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed(
            "Send the zip in a part named 'file'.", details={"file": ["Missing."]}
        )
    return upload
