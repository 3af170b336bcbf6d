"""Export the whole history as streamed JSON; import items in the save format; stats."""

from datetime import UTC, datetime

from flask import Response, request, stream_with_context

from ..identity import current_owner
from ..limits import import_limit
from ..schemas import ImportSchema, envelope, json_object
from ..services import stats, transfer
from ..sql import reads_outside_a_transaction
from . import BODY_ERRORS, MEDIA_ERRORS, api_limit, bp
from .contract import ImportEnvelope, MediaList, StatsEnvelope, operation

IMPORT_MAX_BYTES = transfer.IMPORT_MAX_BYTES


@bp.get("/media/export")
@operation(
    "The whole live history, newest first, as one streamed JSON envelope.",
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


@bp.post("/media/import")
@operation(
    "Import up to 1,000 items (save format + createdAt, favorite); idempotent.",
    description="Each item is validated on its own: an invalid one is answered as rejected "
    "in `results`, a known one as duplicate. The body may be up to 32 MiB.",
    body=ImportSchema,
    responses={200: ("One result per item.", ImportEnvelope)},
    errors=(
        400,
        (401, "The logged-in account no longer exists; log in again (code unauthorized)."),
        403,
        *BODY_ERRORS,
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
    request.max_content_length = IMPORT_MAX_BYTES  # 1,000 items with their settings
    items = ImportSchema.once().load(json_object())["items"]
    return envelope(transfer.import_history(current_owner(), items, bounded=True))


@bp.get("/media/stats")
@operation(
    "Counts by type, model and day, favorites and trash.",
    responses={200: ("Stats.", StatsEnvelope)},
    errors=MEDIA_ERRORS,
)
@api_limit
@reads_outside_a_transaction
def media_stats():
    return envelope(stats.media_stats(current_owner()))
