"""Media routes: save, list and search, fetch, favorite, trash, restore and bulk actions."""

import uuid

from flask import request

from ..errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from ..identity import current_owner
from ..schemas import (
    BulkActionSchema,
    DeleteArgsSchema,
    ListMediaArgsSchema,
    MediaIdSchema,
    PageArgsSchema,
    PruneSchema,
    SaveMediaSchema,
    UpdateMediaSchema,
    UploadMetadataSchema,
    envelope,
    json_object,
    loads_object,
    media_to_wire,
    stack_to_wire,
)
from ..services import archive
from ..services import media as media_service
from ..services.media import MediaFilters
from ..sql import reads_outside_a_transaction
from . import BODY_ERRORS, MEDIA_ERRORS, NOT_FOUND_OR_TRASHED, api_limit, bp
from .contract import (
    DELETE,
    READ,
    RECORD_LINKS,
    TRASHED_LINKS,
    WRITE,
    BulkResultEnvelope,
    DeleteByIdSchema,
    MediaEnvelope,
    MediaPage,
    ModelList,
    PrunedEnvelope,
    TrashEmptiedEnvelope,
    operation,
)

NOT_FOUND_TO_DELETE = (
    "No such record for this owner, or (unless permanent) it is already in the trash "
    "(code not_found)."
)


def page_envelope(page: media_service.Page, *, to_wire=media_to_wire, **extra):
    return envelope(
        [to_wire(row) for row in page.items],
        pagination={
            "limit": page.limit,
            "offset": page.offset,
            "hasMore": page.has_more,
            "nextCursor": page.next_cursor,
        },
        **extra,
    )


# Statuses a save and an upload share.
ACCOUNT_GONE = (401, "The logged-in account no longer exists; log in again (code unauthorized).")
REQUEST_ID_IN_TRASH = (
    409,
    "The requestId belongs to an item in the trash (code in_trash); restore it.",
)


@bp.post("/media/save")
@operation(
    "Save a generated image or video (idempotent on requestId).",
    scope=WRITE,
    body=SaveMediaSchema,
    responses={
        201: ("Created.", MediaEnvelope),
        200: ("Already saved with this requestId; unchanged.", MediaEnvelope),
    },
    errors=(
        400,
        ACCOUNT_GONE,
        403,
        REQUEST_ID_IN_TRASH,
        *BODY_ERRORS,
        *MEDIA_ERRORS,
    ),
    links={201: RECORD_LINKS, 200: RECORD_LINKS},
)
@api_limit
def save_media():
    payload = SaveMediaSchema.once().load(json_object())
    row, created = media_service.save_media(current_owner(), payload)
    return envelope(media_to_wire(row), status=201 if created else 200)


UPLOAD_BODY = {
    "type": "object",
    "required": ["file", "metadata"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "The image or video."},
        # A JSON part (see the encoding below), so generated clients send a typed object.
        "metadata": UploadMetadataSchema,
    },
}


@bp.post("/media/upload")
@operation(
    "Upload a generated file with its save fields; it is stored before the answer.",
    scope=WRITE,
    body=UPLOAD_BODY,
    body_type="multipart/form-data",
    body_encoding={"metadata": {"contentType": "application/json"}},
    responses={
        201: ("Created, the file already stored.", MediaEnvelope),
        200: ("Already saved with this requestId; unchanged.", MediaEnvelope),
    },
    errors=(
        400,
        ACCOUNT_GONE,
        403,
        REQUEST_ID_IN_TRASH,
        (413, "The file is larger than mediaapp keeps for its type (code payload_too_large)."),
        (
            415,
            "Not multipart/form-data (code unsupported_media_type), or the file's bytes are not"
            " an image or video mediaapp keeps (code unsupported_type).",
        ),
        *MEDIA_ERRORS,
    ),
)
@api_limit
def upload_media():
    # Checked against Content-Length before a byte of the body is read.
    request.max_content_length = archive.upload_limit()
    if (request.content_length or 0) > request.max_content_length:
        raise PayloadTooLarge(
            f"An upload may carry at most {request.max_content_length:,} bytes.",
            details={"contentLength": request.content_length},
        )
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType(
            "Send the file as multipart/form-data: a part named 'file' and one named 'metadata'.",
            details={"contentType": request.mimetype or None},
        )
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed(
            "Send the file in a part named 'file'.", details={"file": ["Missing."]}
        )
    raw = request.form.get("metadata", "")
    payload = UploadMetadataSchema.once().load(loads_object(raw, part="metadata"))
    row, created = archive.save_upload(current_owner(), payload, upload.stream)
    return envelope(media_to_wire(row), status=201 if created else 200)


@bp.get("/media/list")
@operation(
    "The owner's media, newest first, filtered and paged by offset or cursor.",
    scope=READ,
    query=ListMediaArgsSchema,
    responses={200: ("A page.", MediaPage)},
    errors=(
        400,
        (404, "`collection` names no collection of this owner (code not_found)."),
        *MEDIA_ERRORS,
    ),
    description="Send either `offset` or `cursor` (the last page's `nextCursor`), not both. "
    "`collection` keeps the items of one collection (a smart one: those its saved search "
    "matches); it combines with every other filter and with the cursor. "
    "`stack=variants` answers one entry per variant stack (items sharing prompt, model, type "
    "and settings but the seed): its first item in the list's order (the newest, or the "
    "oldest with sort=oldest) matching the other filters, with `stackKey` "
    "and `stackCount` (how many of its items match; trashed ones never count), paged by the "
    "same cursor. `variantOf=<stackKey or item id>` lists one stack's items.",
)
@api_limit
@reads_outside_a_transaction
def list_media():
    args = ListMediaArgsSchema.once().load(request.args)
    filters = args.pop("filters")
    page = media_service.list_media(current_owner(), filters, **args)
    return page_envelope(page, to_wire=stack_to_wire if filters.stack else media_to_wire)


@bp.get("/media/models")
@operation(
    "The owner's models with counts, most used first, for a filter menu.",
    scope=READ,
    responses={200: ("Models.", ModelList)},
    errors=MEDIA_ERRORS,
)
@api_limit
@reads_outside_a_transaction
def list_models():
    return envelope(media_service.list_models(current_owner()))


@bp.delete("/media/delete")
@operation(
    "Move a record to the trash by id; ?permanent=true destroys it.",
    scope=DELETE,
    description="`id` and `permanent` come in the JSON body or the query string; `id` is "
    "required in one of them.",
    query=DeleteByIdSchema(partial=True),
    body=DeleteByIdSchema(partial=True),
    body_required=False,
    responses={200: ("The record as it was deleted.", MediaEnvelope)},
    errors=(400, 403, (404, NOT_FOUND_TO_DELETE), *BODY_ERRORS, *MEDIA_ERRORS),
)
@api_limit
def delete_media_by_body():
    """The seed's delete: the id comes in the JSON body or the query string."""
    args = {**request.args.to_dict(), **json_object(required=False)}
    media_id = MediaIdSchema.once().load(args)["id"]
    permanent = DeleteArgsSchema.once().load(args)["permanent"]
    row = media_service.delete_media(current_owner(), media_id, permanent=permanent)
    return envelope(media_to_wire(row))


@bp.get("/media/<uuid:media_id>")
@operation(
    "One live record.",
    scope=READ,
    responses={200: ("The record.", MediaEnvelope)},
    errors=((404, NOT_FOUND_OR_TRASHED), *MEDIA_ERRORS),
    links={200: RECORD_LINKS},
)
@api_limit
@reads_outside_a_transaction
def get_media(media_id: uuid.UUID):
    return envelope(media_to_wire(media_service.get_media(current_owner(), media_id)))


@bp.patch("/media/<uuid:media_id>")
@operation(
    "Star or unstar a live record, or rate it (0-5 stars, 0 clears); send either or both.",
    description="`rating` is a whole number from 0 (unrated) to 5; anything else (6, -1, "
    '"3", 2.5, null) is refused with 400 and nothing changes. A body with neither field is '
    "refused too.",
    scope=WRITE,
    body=UpdateMediaSchema,
    responses={200: ("The record.", MediaEnvelope)},
    errors=(400, 403, (404, NOT_FOUND_OR_TRASHED), *BODY_ERRORS, *MEDIA_ERRORS),
)
@api_limit
def update_media(media_id: uuid.UUID):
    changes = UpdateMediaSchema.once().load(json_object())
    row = media_service.update_media(current_owner(), media_id, changes)
    return envelope(media_to_wire(row))


@bp.delete("/media/<uuid:media_id>")
@operation(
    "Move one record to the trash; ?permanent=true destroys it (trashed or not).",
    scope=DELETE,
    query=DeleteArgsSchema,
    responses={200: ("The record as it was deleted.", MediaEnvelope)},
    errors=(400, 403, (404, NOT_FOUND_TO_DELETE), *MEDIA_ERRORS),
    links={200: TRASHED_LINKS},
)
@api_limit
def delete_media(media_id: uuid.UUID):
    permanent = DeleteArgsSchema.once().load(request.args)["permanent"]
    row = media_service.delete_media(current_owner(), media_id, permanent=permanent)
    return envelope(media_to_wire(row))


@bp.post("/media/<uuid:media_id>/restore")
@operation(
    "Bring a record back from the trash.",
    scope=WRITE,
    responses={200: ("The restored record.", MediaEnvelope)},
    errors=(403, (404, "No such record in this owner's trash (code not_found)."), *MEDIA_ERRORS),
    links={200: RECORD_LINKS},
)
@api_limit
def restore_media(media_id: uuid.UUID):
    return envelope(media_to_wire(media_service.restore_media(current_owner(), media_id)))


@bp.get("/media/trash")
@operation(
    "Trashed items, most recently trashed first.",
    scope=READ,
    query=PageArgsSchema,
    responses={200: ("A page.", MediaPage)},
    errors=(400, *MEDIA_ERRORS),
)
@api_limit
@reads_outside_a_transaction
def list_trash():
    paging = PageArgsSchema.once().load(request.args)
    page = media_service.list_media(current_owner(), MediaFilters(trashed=True), **paging)
    return page_envelope(page)


@bp.post("/media/trash/empty")
@operation(
    "Destroy everything in the trash.",
    scope=DELETE,
    responses={200: ("How many were destroyed.", TrashEmptiedEnvelope)},
    errors=(403, *MEDIA_ERRORS),
)
@api_limit
def empty_trash():
    return envelope({"deleted": media_service.empty_trash(current_owner())})


@bp.post("/media/bulk")
@operation(
    "Delete, restore, favorite, unfavorite, rate or purge up to 500 items.",
    description="`rate` sets `rating` (0-5, required with it) on every live item listed.",
    scope=DELETE,
    body=BulkActionSchema,
    responses={200: ("What changed, and the ids that were not found.", BulkResultEnvelope)},
    errors=(400, 403, *BODY_ERRORS, *MEDIA_ERRORS),
)
@api_limit
def bulk_action():
    args = BulkActionSchema.once().load(json_object())
    changed, missing = media_service.bulk_action(
        current_owner(), args["action"], args["ids"], rating=args.get("rating")
    )
    return envelope(
        {
            "action": args["action"],
            "changed": [str(i) for i in changed],
            "notFound": [str(i) for i in missing],
        }
    )


@bp.post("/media/prune")
@operation(
    "Move everything except favorites to the trash (optionally one type or a date range).",
    scope=DELETE,
    body=PruneSchema,
    responses={200: ("How many were trashed.", PrunedEnvelope)},
    errors=(400, 403, *BODY_ERRORS, *MEDIA_ERRORS),
)
@api_limit
def prune():
    """Trash everything except favorites (optionally one type, or a date range)."""
    scope = PruneSchema.once().load(json_object())["filters"]
    trashed = media_service.trash_all_except_favorites(current_owner(), scope)
    return envelope({"trashed": trashed})
