"""The API contract, declared on each view with @operation: the OpenAPI document's one source."""

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, validate

from ..routing import SHARE_TOKEN_PATTERN
from ..schemas import (
    MEDIA_TYPES,
    DeleteArgsSchema,
    MediaIdSchema,
    MediaSchema,
    PaginationSchema,
    UserSchema,
)

SchemaLike = type[Schema] | Schema | dict[str, Any]
# The body of a file answer; an answer with no body (a redirect, 304) documents None.
BINARY = {"type": "string", "format": "binary"}

# What each error status means, unless the operation says more precisely (401, 409 must).
ERROR_DESCRIPTIONS = {
    400: "Invalid input; `code` says what kind (validation_error, malformed_json, "
    "not_an_object, ...) and `details` names the fields.",
    403: "A cross-site request was refused (code cross_site_refused).",
    404: "No such record for this owner (code not_found).",
    413: "The body is too large (code payload_too_large).",
    415: "The body is not application/json (code unsupported_media_type).",
    429: "Too many requests (code rate_limited); `Retry-After` says when to try again.",
    503: "The database is unavailable (code service_unavailable); `Retry-After` says when "
    "to try again.",
}

# Statuses whose answers carry Retry-After.
RETRY_AFTER = frozenset({429, 503})

# Every path variable of the API, so a new one cannot go undocumented.
# An ingest endpoint's public name (services/ingest.py makes it: a label's slug, 24 hex).
INGEST_NAME_PATTERN = "^[a-z0-9-]{1,96}$"

PATH_PARAMETERS = {
    "endpoint_id": {"type": "string", "format": "uuid"},
    "name": {"type": "string", "pattern": INGEST_NAME_PATTERN},
    "media_id": {"type": "string", "format": "uuid"},
    "share_id": {"type": "string", "format": "uuid"},
    "collection_id": {"type": "string", "format": "uuid"},
    "token": {"type": "string", "pattern": f"^{SHARE_TOKEN_PATTERN}$"},
    "key_id": {"type": "string", "format": "uuid"},
}


# What an API key needs to call an operation (services/keys.py SCOPES), or how else it is
# reached: SESSION operations act on the signed-in account itself (its password, its keys)
# and refuse keys; PUBLIC ones need no identity and ignore any key.
READ, WRITE, DELETE, SHARE = "read", "write", "delete", "share"
SESSION, PUBLIC = "session", "public"
KEY_SCOPES = (READ, WRITE, DELETE, SHARE)
ACCESS = (*KEY_SCOPES, SESSION, PUBLIC)

# The statuses an API key adds to every operation that takes one.
KEY_ERRORS = {
    401: "The API key is unknown (code invalid_api_key), revoked (code api_key_revoked) or "
    "expired (code api_key_expired).",
    403: "The API key lacks this operation's scope (code insufficient_scope).",
    429: "The API key's own rate limit is used up (code rate_limited); `Retry-After` says "
    "when to try again.",
}
SESSION_ONLY = (
    403,
    "Sent with an API key: this operation needs a signed-in session (code session_required).",
)


def _with_key_errors(errors: dict[int, str], access: str) -> dict[int, str]:
    extra = dict(KEY_ERRORS) if access in KEY_SCOPES else {}
    if access == SESSION:
        extra = dict([SESSION_ONLY])
    merged = dict(errors)
    for status, text in extra.items():
        merged[status] = f"{merged[status]} Or: {text}" if status in merged else text
    return merged


@dataclass(frozen=True)
class Operation:
    """What one view accepts and answers."""

    summary: str
    # One of ACCESS: the scope an API key needs, or SESSION / PUBLIC.
    scope: str
    responses: Mapping[int, tuple[str, SchemaLike]]
    errors: Mapping[int, str]
    body: SchemaLike | None = None
    body_required: bool = True
    query: tuple[SchemaLike, ...] = ()
    description: str | None = None
    body_type: str = "application/json"
    # How the parts of a multipart body are encoded (OpenAPI `encoding`), by part name.
    body_encoding: Mapping[str, dict] = dataclasses.field(default_factory=dict)
    # Other media types the body may come in, each with its schema (an import takes a zip).
    other_bodies: Mapping[str, SchemaLike] = dataclasses.field(default_factory=dict)
    # The media types of the success answers (a file route answers images and videos).
    response_types: tuple[str, ...] = ("application/json",)
    # OpenAPI links by success status: what a client (or a stateful fuzzer) can do next with
    # the answer, e.g. fetch the record a save created by its id.
    links: Mapping[int, Mapping[str, dict]] = dataclasses.field(default_factory=dict)


def operation(
    summary: str,
    *,
    scope: str,
    responses: Mapping[int, tuple[str, SchemaLike]],
    errors: Iterable[int | tuple[int, str]] = (),
    body: SchemaLike | None = None,
    body_required: bool = True,
    query: SchemaLike | tuple[SchemaLike, ...] = (),
    description: str | None = None,
    body_type: str = "application/json",
    body_encoding: Mapping[str, dict] | None = None,
    other_bodies: Mapping[str, SchemaLike] | None = None,
    response_types: tuple[str, ...] = ("application/json",),
    links: Mapping[int, Mapping[str, dict]] | None = None,
) -> Callable:
    """Attach the view's contract: its answers by status, the error statuses it can give
    (a status alone takes its ERROR_DESCRIPTIONS sentence, a (status, sentence) pair says
    more), its JSON body and its query-string schemas; and its scope (one of ACCESS), which
    every operation must name, so no new route can forget what a key needs to call it."""
    if scope not in ACCESS:
        raise ValueError(f"scope must be one of {ACCESS}, not {scope!r}.")
    described = {}
    for error in errors:
        status, text = error if isinstance(error, tuple) else (error, None)
        text = text or ERROR_DESCRIPTIONS.get(status)
        if text is None:
            raise ValueError(f"Error status {status} needs a description: ({status}, '...').")
        described[status] = text
    declared = Operation(
        summary=summary,
        scope=scope,
        responses=dict(responses),
        errors=_with_key_errors(described, scope),
        body=body,
        body_required=body_required,
        query=query if isinstance(query, tuple) else (query,),
        description=description,
        body_type=body_type,
        body_encoding=dict(body_encoding or {}),
        other_bodies=dict(other_bodies or {}),
        response_types=response_types,
        links=dict(links or {}),
    )

    def attach(view: Callable) -> Callable:
        view.api_operation = declared
        return view

    return attach


def link(operation_id: str, description: str, **parameters: str) -> dict:
    """An OpenAPI link to another operation, its parameters taken from this answer
    (runtime expressions such as `$response.body#/data/id`)."""
    return {"operationId": operation_id, "description": description, "parameters": parameters}


RECORD_ID = "$response.body#/data/id"
# What can be done with a record an answer holds (a save, a fetch, a restore).
RECORD_LINKS = {
    "GetMedia": link("get_media", "Fetch this record.", media_id=RECORD_ID),
    "FavoriteMedia": link("update_media", "Star or unstar it.", media_id=RECORD_ID),
    "DeleteMedia": link("delete_media", "Move it to the trash.", media_id=RECORD_ID),
    "ShareMedia": link("create_share", "Make a public link to it.", media_id=RECORD_ID),
    "MediaFile": link("media_file", "Its kept copy.", media_id=RECORD_ID),
    "MediaThumbnail": link("media_thumbnail", "Its kept thumbnail.", media_id=RECORD_ID),
}
# What can be done with a record that was just moved to the trash.
TRASHED_LINKS = {
    "RestoreMedia": link("restore_media", "Bring it back.", media_id=RECORD_ID),
    "FetchTrashed": link("get_media", "Fetch it (not found while trashed).", media_id=RECORD_ID),
}
SHARE_TOKEN = "$response.body#/data/token"
SHARE_LINKS = {
    "OpenShared": link("shared", "Open the link as the public does.", token=SHARE_TOKEN),
    "SharedFile": link("shared_file", "The kept copy through the link.", token=SHARE_TOKEN),
    "SharedThumbnail": link(
        "shared_thumbnail", "The thumbnail through the link.", token=SHARE_TOKEN
    ),
    "RevokeShare": link("revoke_share", "Revoke the link.", share_id=RECORD_ID),
}
COLLECTION_SHARE_LINKS = {
    "OpenSharedItems": link(
        "shared_items", "Its items, as the public sees them.", token=SHARE_TOKEN
    ),
    "RevokeShare": link("revoke_share", "Revoke the link.", share_id=RECORD_ID),
}


def declaration(view: Callable) -> Operation | None:
    """The @operation of a view, looking through wrappers such as the rate limiter's."""
    while view is not None:
        found = getattr(view, "api_operation", None)
        if found is not None:
            return found
        view = getattr(view, "__wrapped__", None)
    return None


# --- answers -----------------------------------------------------------------------------
# Output schemas exist for the document (the views build dicts): every field the code always
# sends is required, and unknown keys are refused (marshmallow's default, which apispec writes
# as additionalProperties: false), so a response that drifts fails the suite's schema check.


def _success() -> fields.Boolean:
    return fields.Boolean(required=True, validate=validate.Equal(True))


def envelope_schema(name: str, data: fields.Field, **extra: fields.Field) -> type[Schema]:
    """The success envelope {success: true, data} (plus extra keys) around data."""
    return Schema.from_dict({"success": _success(), "data": data, **extra}, name=name)


def _count(description: str) -> fields.Integer:
    return fields.Integer(
        required=True, validate=validate.Range(min=0), metadata={"description": description}
    )


class ErrorSchema(Schema):
    success = fields.Boolean(required=True, validate=validate.Equal(False))
    error = fields.String(required=True, metadata={"description": "A sentence for people."})
    code = fields.String(required=True, metadata={"description": "A stable machine code."})
    details = fields.Raw(
        required=True, allow_none=True, metadata={"description": "Field-level messages, or null."}
    )


# Every /api/auth/* answer has one shape, data = {user}: the account after register and
# login, the account or null from me, null after logout or deletion (with counts beside it).
class SignedInSchema(Schema):
    user = fields.Nested(UserSchema, required=True, metadata={"description": "The account."})


class MeSchema(Schema):
    user = fields.Nested(
        UserSchema,
        required=True,
        allow_none=True,
        metadata={"description": "The account, or null for a guest."},
    )
    cache_key = fields.String(
        required=True,
        data_key="cacheKey",
        metadata={
            "description": "This browser's owner as the localStorage cache names it "
            "(media-cache.mjs connect()): public, stable, empty for a visitor who has not "
            "saved yet."
        },
    )


class LoggedOutSchema(Schema):
    user = fields.Raw(
        required=True,
        allow_none=True,
        metadata={"type": "object", "enum": [None], "description": "Always null."},
    )


class PasswordChangedSchema(Schema):
    user = fields.Nested(UserSchema, required=True)
    ended_sessions = fields.Integer(
        required=True,
        data_key="endedSessions",
        validate=validate.Range(min=0),
        metadata={"description": "How many other sessions of the account were ended."},
    )


class SignedOutEverywhereSchema(LoggedOutSchema):
    ended_sessions = fields.Integer(
        required=True,
        data_key="endedSessions",
        validate=validate.Range(min=0),
        metadata={"description": "How many sessions were ended, this one included."},
    )


class RemovedSchema(LoggedOutSchema):
    media = _count("Items deleted (the trash included).")
    shares = _count("Share links deleted.")
    files = _count("Stored files deleted (bytes another owner still holds are kept).")


class ModelCountSchema(Schema):
    model = fields.String(required=True)
    count = _count("Live items made with this model.")


class BulkResultSchema(Schema):
    action = fields.String(required=True)
    changed = fields.List(fields.UUID(), required=True)
    not_found = fields.List(fields.UUID(), required=True, data_key="notFound")


class TrashEmptiedSchema(Schema):
    deleted = _count("How many items were destroyed.")


class PrunedSchema(Schema):
    trashed = _count("How many items were moved to the trash.")


class RevokedSchema(Schema):
    revoked = fields.UUID(required=True, metadata={"description": "The revoked link's id."})


class ShareSchema(Schema):
    id = fields.UUID(required=True)
    kind = fields.String(
        required=True,
        validate=validate.OneOf(("media", "collection")),
        metadata={"description": "What the link shows: one item, or a collection (live)."},
    )
    media_id = fields.UUID(
        required=True, data_key="mediaId", allow_none=True, metadata={"description": "Or null."}
    )
    collection_id = fields.UUID(
        required=True,
        data_key="collectionId",
        allow_none=True,
        metadata={"description": "The collection a collection's link shows; else null."},
    )
    url = fields.String(required=True, metadata={"format": "uri", "description": "Public link."})
    token = fields.String(required=True)
    hide_prompt = fields.Boolean(required=True, data_key="hidePrompt")
    expires_at = fields.DateTime(
        required=True,
        data_key="expiresAt",
        allow_none=True,
        metadata={"description": "null: never."},
    )
    created_at = fields.DateTime(required=True, data_key="createdAt")
    has_password = fields.Boolean(
        required=True, data_key="hasPassword", metadata={"description": "Visitors give a password."}
    )
    allow_download = fields.Boolean(required=True, data_key="allowDownload")
    views = fields.Integer(
        required=True,
        validate=validate.Range(min=0),
        metadata={"description": "Public views so far (the page and the JSON, not the files)."},
    )
    last_viewed_at = fields.DateTime(
        required=True,
        data_key="lastViewedAt",
        allow_none=True,
        metadata={"description": "The last view; null before the first."},
    )


class ShareListItemSchema(ShareSchema):
    type = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(MEDIA_TYPES),
        metadata={"description": "The item's; null for a collection's link."},
    )
    prompt = fields.String(required=True, allow_none=True)
    collection_name = fields.String(
        required=True,
        data_key="collectionName",
        allow_none=True,
        metadata={"description": "Or null."},
    )


class RevokedSharesSchema(Schema):
    revoked = fields.List(
        fields.UUID(), required=True, metadata={"description": "The links now revoked."}
    )
    not_found = fields.List(
        fields.UUID(),
        required=True,
        data_key="notFound",
        metadata={"description": "Ids that name no active link of this owner; nothing changed."},
    )


class UnlockedSchema(Schema):
    unlocked = fields.Boolean(
        required=True, metadata={"description": "This session may now open the link."}
    )


class SharedMediaSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(MEDIA_TYPES))
    url = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Where it came from; null when the link allows no downloads."},
    )
    thumbnail_url = fields.String(required=True, data_key="thumbnailUrl", allow_none=True)
    model = fields.String(required=True)
    created_at = fields.DateTime(required=True, data_key="createdAt")
    prompt = fields.String(
        required=True, allow_none=True, metadata={"description": "null when hidden."}
    )
    settings = fields.Dict(
        required=True, allow_none=True, metadata={"description": "null when hidden."}
    )
    prompt_hidden = fields.Boolean(required=True, data_key="promptHidden")
    download_allowed = fields.Boolean(required=True, data_key="downloadAllowed")
    file_url = fields.String(
        required=True,
        data_key="fileUrl",
        allow_none=True,
        metadata={
            "description": "The copy mediaapp keeps, through this link; null until kept, and "
            "when the link allows no downloads."
        },
    )
    stored_thumbnail_url = fields.String(
        required=True,
        data_key="storedThumbnailUrl",
        allow_none=True,
        metadata={"description": "Its WebP thumbnail (≤ 512 px), through this link."},
    )


class CollectionSchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    smart = fields.Boolean(
        required=True, metadata={"description": "Whether it holds what a saved search finds."}
    )
    search = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        allow_none=True,
        metadata={
            "description": "A smart collection's filters as list-API arguments; null when manual."
        },
    )
    count = _count("Live items in it now (the trash left out).")
    cover_id = fields.UUID(
        required=True,
        data_key="coverId",
        allow_none=True,
        metadata={"description": "The chosen cover, or null for the newest item."},
    )
    cover = fields.Nested(
        MediaSchema,
        required=True,
        allow_none=True,
        metadata={
            "description": "The item to show for it: the chosen cover while it is live and in "
            "the collection, else the newest item; null when empty. Its `archive.thumbnailUrl` "
            "(or `url`) is the picture."
        },
    )
    url = fields.String(
        required=True, metadata={"description": "Its items: GET /api/media/list?collection=…"}
    )
    created_at = fields.String(required=True, data_key="createdAt")
    updated_at = fields.String(required=True, data_key="updatedAt")


class CollectionRefSchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    smart = fields.Boolean(required=True)


class CollectionChangeSchema(Schema):
    collection = fields.UUID(required=True)
    changed = fields.List(
        fields.UUID(), required=True, metadata={"description": "Ids added (or removed)."}
    )
    unchanged = fields.List(
        fields.UUID(),
        required=True,
        metadata={"description": "Ids already in it (or, for a removal, not in it)."},
    )
    count = _count("Live items in it afterwards.")


class SharedItemSchema(SharedMediaSchema):
    id = fields.UUID(
        required=True, metadata={"description": "Its id within the link's /items/{media_id}."}
    )


class SharedCollectionSchema(Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)
    smart = fields.Boolean(required=True, metadata={"description": "A saved search, kept live."})


class IngestEndpointSchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True, metadata={"description": "The URL's last segment."})
    label = fields.String(required=True)
    provider = fields.String(required=True)
    url = fields.String(
        required=True,
        metadata={"format": "uri", "description": "Where the provider posts (its webhook)."},
    )
    created_at = fields.DateTime(required=True, data_key="createdAt")
    last_used_at = fields.DateTime(
        required=True,
        data_key="lastUsedAt",
        allow_none=True,
        metadata={"description": "The last callback that verified and was recorded."},
    )


class CreatedIngestEndpointSchema(IngestEndpointSchema):
    secret = fields.String(
        required=True,
        metadata={"description": "The whsec_ signing secret: in this answer only, never again."},
    )


class IngestResultSchema(Schema):
    status = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The prediction's status; only succeeded is recorded."},
    )
    prediction = fields.String(
        required=True, allow_none=True, metadata={"description": "The prediction's id."}
    )
    saved = _count("Outputs saved now.")
    duplicate = _count("Outputs this prediction had saved before (a replay), unchanged.")
    ids = fields.List(
        fields.UUID(), required=True, metadata={"description": "The records, one per output."}
    )


class PredictionDocSchema(Schema):
    """What mediaapp reads of a Replicate prediction (other keys are ignored)."""

    class Meta:
        unknown = "include"

    id = fields.String(required=True)
    status = fields.String(
        required=True,
        metadata={"description": "starting, processing, succeeded, failed or canceled."},
    )
    output = fields.Raw(metadata={"description": "A URL, or a list of URLs: one saved item each."})
    input = fields.Dict(
        metadata={
            "description": "prompt becomes the prompt; width/height the resolution; seed, "
            "num_inference_steps and the other scalars are kept in the settings."
        }
    )
    model = fields.String(metadata={"description": "owner/name; else version names it."})
    version = fields.String()
    metrics = fields.Dict(metadata={"description": "predict_time (s) becomes durationMs."})
    created_at = fields.String()
    completed_at = fields.String(metadata={"description": "Becomes the item's createdAt."})


IMPORT_STATUSES = ("imported", "duplicate", "rejected")


class ImportResultSchema(Schema):
    index = fields.Integer(required=True, validate=validate.Range(min=0))
    status = fields.String(required=True, validate=validate.OneOf(IMPORT_STATUSES))
    id = fields.UUID(metadata={"description": "The new or existing record (not when rejected)."})
    details = fields.Dict(metadata={"description": "Why it was rejected, by field."})


class ImportSummarySchema(Schema):
    imported = _count("Items saved.")
    duplicate = _count("Items already there, unchanged.")
    rejected = _count("Items refused; see their results.")
    results = fields.List(fields.Nested(ImportResultSchema), required=True)
    files = fields.Integer(
        validate=validate.Range(min=0),
        metadata={"description": "Files restored from the zip (a zip import only)."},
    )


class ByTypeSchema(Schema):
    image = _count("Live images.")
    video = _count("Live videos.")


class DayCountSchema(Schema):
    date = fields.Date(required=True)
    count = _count("Items created that UTC day.")


def _amount(description: str, **kwargs) -> fields.Float:
    return fields.Float(
        required=True,
        **kwargs,
        validate=validate.Range(min=0),
        metadata={"description": description + " Summed exactly from stored decimals."},
    )


class SpendSchema(Schema):
    cost_usd = _amount("US dollars.", data_key="costUsd")
    credits = _amount("Provider credits.")


class ModelSpendSchema(SpendSchema):
    model = fields.String(required=True)


class DaySpendSchema(SpendSchema):
    date = fields.Date(required=True)


class SpendTotalsSchema(SpendSchema):
    by_model = fields.List(
        fields.Nested(ModelSpendSchema),
        required=True,
        data_key="byModel",
        metadata={"description": "Up to ten models with any cost, most dollars first."},
    )
    by_day = fields.List(
        fields.Nested(DaySpendSchema),
        required=True,
        data_key="byDay",
        metadata={"description": "The days of the last 365 with any cost, oldest first."},
    )


class StatsSchema(Schema):
    total = _count("Live items.")
    missing = _count("Live items whose file mediaapp could not keep (failed or expired).")
    storage_bytes = fields.Integer(
        required=True,
        data_key="storageBytes",
        validate=validate.Range(min=0),
        metadata={"description": "Bytes of the stored copies of the owner's items."},
    )
    by_type = fields.Nested(ByTypeSchema, required=True, data_key="byType")
    by_model = fields.List(
        fields.Nested(ModelCountSchema),
        required=True,
        data_key="byModel",
        metadata={"description": "The ten most used models."},
    )
    by_day = fields.List(
        fields.Nested(DayCountSchema),
        required=True,
        data_key="byDay",
        metadata={"description": "The last 365 days, oldest first."},
    )
    favorites = _count("Live favorites.")
    trash = _count("Items in the trash.")
    spend = fields.Nested(
        SpendTotalsSchema,
        required=True,
        metadata={
            "description": "What the live items cost, as their saves said (costUsd, credits)."
        },
    )


class ApiKeySchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    rate_limit = fields.String(required=True, allow_none=True, data_key="rateLimit")
    created_at = fields.DateTime(required=True, data_key="createdAt")
    expires_at = fields.DateTime(required=True, allow_none=True, data_key="expiresAt")
    last_used_at = fields.DateTime(
        required=True,
        allow_none=True,
        data_key="lastUsedAt",
        metadata={"description": "Kept to the minute; null until first used."},
    )
    revoked_at = fields.DateTime(required=True, allow_none=True, data_key="revokedAt")


class CreatedApiKeySchema(ApiKeySchema):
    key = fields.String(
        required=True,
        metadata={
            "description": "The key itself (mak_...). Shown this once: mediaapp keeps only "
            "its digest."
        },
    )


def _list_of(schema: type[Schema]) -> fields.List:
    return fields.List(fields.Nested(schema), required=True)


MediaEnvelope = envelope_schema("MediaEnvelope", fields.Nested(MediaSchema, required=True))
MediaPage = envelope_schema(
    "MediaPage", _list_of(MediaSchema), pagination=fields.Nested(PaginationSchema, required=True)
)
MediaList = envelope_schema("MediaList", _list_of(MediaSchema))
ModelList = envelope_schema("ModelList", _list_of(ModelCountSchema))
BulkResultEnvelope = envelope_schema(
    "BulkResultEnvelope", fields.Nested(BulkResultSchema, required=True)
)
TrashEmptiedEnvelope = envelope_schema(
    "TrashEmptiedEnvelope", fields.Nested(TrashEmptiedSchema, required=True)
)
PrunedEnvelope = envelope_schema("PrunedEnvelope", fields.Nested(PrunedSchema, required=True))
ShareEnvelope = envelope_schema("ShareEnvelope", fields.Nested(ShareSchema, required=True))
ShareList = envelope_schema("ShareList", _list_of(ShareListItemSchema))
RevokedSharesEnvelope = envelope_schema(
    "RevokedSharesEnvelope", fields.Nested(RevokedSharesSchema, required=True)
)
SharedItemEnvelope = envelope_schema(
    "SharedItemEnvelope", fields.Nested(SharedItemSchema, required=True)
)
SharedItemsPage = envelope_schema(
    "SharedItemsPage",
    _list_of(SharedItemSchema),
    pagination=fields.Nested(PaginationSchema, required=True),
    collection=fields.Nested(SharedCollectionSchema, required=True),
)
UnlockedEnvelope = envelope_schema("UnlockedEnvelope", fields.Nested(UnlockedSchema, required=True))
RevokedEnvelope = envelope_schema("RevokedEnvelope", fields.Nested(RevokedSchema, required=True))
SharedEnvelope = envelope_schema("SharedEnvelope", fields.Nested(SharedMediaSchema, required=True))
ImportEnvelope = envelope_schema(
    "ImportEnvelope", fields.Nested(ImportSummarySchema, required=True)
)
CollectionEnvelope = envelope_schema(
    "CollectionEnvelope", fields.Nested(CollectionSchema, required=True)
)
CollectionList = envelope_schema("CollectionList", _list_of(CollectionSchema))
CollectionRefList = envelope_schema("CollectionRefList", _list_of(CollectionRefSchema))
CollectionRefEnvelope = envelope_schema(
    "CollectionRefEnvelope", fields.Nested(CollectionRefSchema, required=True)
)
CollectionChangeEnvelope = envelope_schema(
    "CollectionChangeEnvelope", fields.Nested(CollectionChangeSchema, required=True)
)
StatsEnvelope = envelope_schema("StatsEnvelope", fields.Nested(StatsSchema, required=True))
SignedInEnvelope = envelope_schema("SignedInEnvelope", fields.Nested(SignedInSchema, required=True))
MeEnvelope = envelope_schema("MeEnvelope", fields.Nested(MeSchema, required=True))
LoggedOutEnvelope = envelope_schema(
    "LoggedOutEnvelope", fields.Nested(LoggedOutSchema, required=True)
)
PasswordChangedEnvelope = envelope_schema(
    "PasswordChangedEnvelope", fields.Nested(PasswordChangedSchema, required=True)
)
SignedOutEverywhereEnvelope = envelope_schema(
    "SignedOutEverywhereEnvelope", fields.Nested(SignedOutEverywhereSchema, required=True)
)
ApiKeyEnvelope = envelope_schema("ApiKeyEnvelope", fields.Nested(ApiKeySchema, required=True))
CreatedApiKeyEnvelope = envelope_schema(
    "CreatedApiKeyEnvelope", fields.Nested(CreatedApiKeySchema, required=True)
)
ApiKeyList = envelope_schema("ApiKeyList", _list_of(ApiKeySchema))
IngestEndpointEnvelope = envelope_schema(
    "IngestEndpointEnvelope", fields.Nested(IngestEndpointSchema, required=True)
)
CreatedIngestEndpointEnvelope = envelope_schema(
    "CreatedIngestEndpointEnvelope", fields.Nested(CreatedIngestEndpointSchema, required=True)
)
IngestEndpointList = envelope_schema("IngestEndpointList", _list_of(IngestEndpointSchema))
IngestResultEnvelope = envelope_schema(
    "IngestResultEnvelope", fields.Nested(IngestResultSchema, required=True)
)
RemovedEnvelope = envelope_schema("RemovedEnvelope", fields.Nested(RemovedSchema, required=True))


# --- requests the views assemble from more than one input schema -------------------------


class DeleteByIdSchema(MediaIdSchema, DeleteArgsSchema):
    """The seed's delete: `id` (and `permanent`) in the JSON body or the query string."""
