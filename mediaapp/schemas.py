"""Marshmallow schemas for the API's input and output, and the envelope helpers."""

import json
import math
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import jsonify, request
from marshmallow import (
    EXCLUDE,
    INCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from .errors import UnsupportedMediaType, ValidationFailed

SETTINGS_MAX_BYTES = 16 * 1024
SETTINGS_MAX_DEPTH = 16
MEDIA_TYPES = ("image", "video")


# --- string hygiene ----------------------------------------------------------------------


def text_problem(value: str) -> str | None:
    """Why a string cannot be stored (NUL byte, lone surrogate), or None when it can."""
    if "\x00" in value:
        return "Must not contain NUL bytes."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "Must be valid Unicode (no lone surrogates)."
    return None


class CleanString(fields.String):
    """A string that PostgreSQL and UTF-8 can store: no NUL bytes, no lone surrogates."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(result)
        if problem:
            raise ValidationError(problem)
        return result


class StrictNumber(fields.Field):
    """A JSON number (not a bool, not a numeric string), finite; kept as int or float."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("Must be a number.")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValidationError("Must be a finite number.")
        return value


class StrictBoolean(fields.Field):
    """A JSON true or false; not 1, "yes" or "true" (query strings use fields.Boolean)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


def validate_media_url(value: str) -> None:
    """An absolute http(s) URL or a path starting with "/"; every other scheme is refused."""
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise ValidationError("Must not contain spaces or control characters.")
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError("Must be an absolute http(s) URL or a path starting with '/'.")


def is_safe_media_url(value: str | None) -> bool:
    if not value:
        return False
    try:
        validate_media_url(value)
    except ValidationError:
        return False
    return True


def json_problems(value: Any, depth: int = 0) -> str | None:
    """Check every key and string inside a JSON value; PostgreSQL JSONB refuses NUL bytes."""
    if depth > SETTINGS_MAX_DEPTH:
        return f"Must not nest deeper than {SETTINGS_MAX_DEPTH} levels."
    if isinstance(value, str):
        return text_problem(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "Must not contain NaN or Infinity."
    if isinstance(value, dict):
        for key, item in value.items():
            problem = text_problem(key) or json_problems(item, depth + 1)
            if problem:
                return problem
    if isinstance(value, list):
        for item in value:
            problem = json_problems(item, depth + 1)
            if problem:
                return problem
    return None


# --- input -------------------------------------------------------------------------------


def _required_text(max_len: int, data_key: str | None = None) -> CleanString:
    return CleanString(required=True, data_key=data_key, validate=validate.Length(max=max_len))


class ImageSettingsSchema(Schema):
    """Image settings; other keys are kept as sent."""

    class Meta:
        unknown = INCLUDE

    model = _required_text(256)
    style = _required_text(256)
    resolution = _required_text(256)
    shot_size = _required_text(256, data_key="shotSize")
    seed = StrictNumber(allow_none=True)
    batch_size = StrictNumber(data_key="batchSize", allow_none=True)


class VideoSettingsSchema(Schema):
    """Video settings; other keys are kept as sent."""

    class Meta:
        unknown = INCLUDE

    model = _required_text(256)
    style = _required_text(256)
    resolution = _required_text(256)
    shot_size = _required_text(256, data_key="shotSize")
    duration = StrictNumber(required=True)
    frame_rate = StrictNumber(data_key="frameRate", required=True)
    seed = StrictNumber(allow_none=True)


SETTINGS_SCHEMAS = {"image": ImageSettingsSchema, "video": VideoSettingsSchema}


# What validate_media_url accepts, for the OpenAPI document.
MEDIA_URL_DOC = {
    "pattern": (
        r"^(?:/(?!/)[^\s\\\x00-\x1f\x7f]*"
        r"|[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#\x00-\x1f\x7f][^\s\x00-\x1f\x7f]*)$"
    ),
    "description": "An absolute http(s) URL or a path starting with a single '/'.",
}


def _optional_text(data_key: str) -> CleanString:
    return CleanString(
        data_key=data_key, allow_none=True, load_default=None, validate=validate.Length(max=255)
    )


class SaveMediaSchema(Schema):
    """The seed's SaveMediaRequest, strict. A client-sent `sessionId` is ignored."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(required=True, validate=validate.OneOf(MEDIA_TYPES))
    url = CleanString(
        required=True,
        validate=[validate.Length(min=1, max=2048), validate_media_url],
        metadata=MEDIA_URL_DOC,
    )
    prompt = CleanString(required=True, validate=validate.Length(min=1, max=10000))
    model = CleanString(required=True, validate=validate.Length(min=1, max=128))
    settings = fields.Dict(
        required=True,
        keys=fields.String(),
        metadata={
            # Read by the OpenAPI document (mediaapp/api/contract.py); validation is below.
            "documented_as": (ImageSettingsSchema, VideoSettingsSchema),
            "description": "Image or video settings, as `type` says; other keys are kept. "
            f"At most {SETTINGS_MAX_BYTES} bytes as JSON.",
        },
    )
    project_id = _optional_text("projectId")
    request_id = _optional_text("requestId")
    file_id = _optional_text("fileId")
    thumbnail_url = CleanString(
        data_key="thumbnailUrl",
        allow_none=True,
        load_default=None,
        validate=[validate.Length(min=1, max=2048), validate_media_url],
        metadata=MEDIA_URL_DOC,
    )

    @validates_schema(skip_on_field_errors=False)
    def validate_settings(self, data: dict, **kwargs) -> None:
        settings = data.get("settings")
        if not isinstance(settings, dict):
            return
        problem = json_problems(settings)
        if problem:
            raise ValidationError({"settings": [problem]})
        size = len(json.dumps(settings, separators=(",", ":"), ensure_ascii=False).encode())
        if size > SETTINGS_MAX_BYTES:
            raise ValidationError(
                {"settings": [f"Must be at most {SETTINGS_MAX_BYTES} bytes as JSON ({size})."]}
            )
        schema = SETTINGS_SCHEMAS.get(data.get("type"))
        if schema is not None:
            errors = schema().validate(settings)
            if errors:
                raise ValidationError({"settings": errors})


class MediaFiltersSchema(Schema):
    """Search and filter arguments shared by the list, the gallery and bulk pruning."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(load_default=None, validate=validate.OneOf(MEDIA_TYPES))
    q = CleanString(load_default=None, validate=validate.Length(max=200))
    model = CleanString(load_default=None, validate=validate.Length(max=128))
    favorite = fields.Boolean(load_default=None, allow_none=True)
    date_from = fields.Date(data_key="from", load_default=None)
    date_to = fields.Date(data_key="to", load_default=None)
    sort = fields.String(load_default="newest", validate=validate.OneOf(("newest", "oldest")))

    @validates_schema
    def dates_in_order(self, data: dict, **kwargs) -> None:
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError({"from": ["Must not be after 'to'."]})

    @post_load
    def blank_means_unset(self, data: dict, **kwargs) -> dict:
        # An empty search box or menu arrives as "q=" / "model=": that is no filter at all.
        for key in ("q", "model"):
            if data.get(key) is not None and not data[key].strip():
                data[key] = None
        return data


class PageArgsSchema(Schema):
    """Paging arguments: limit, offset (the seed's) and the opaque keyset cursor."""

    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))
    cursor = CleanString(load_default=None, validate=validate.Length(min=1, max=512))

    @validates_schema
    def cursor_or_offset(self, data: dict, **kwargs) -> None:
        if data.get("cursor") and data.get("offset"):
            raise ValidationError({"cursor": ["Use either cursor or offset, not both."]})


class ListMediaArgsSchema(MediaFiltersSchema, PageArgsSchema):
    """Query arguments of GET /api/media/list."""


class MediaIdSchema(Schema):
    """DeleteMediaRequest: the id of one record."""

    class Meta:
        unknown = EXCLUDE

    id = fields.UUID(required=True)


class DeleteArgsSchema(Schema):
    """`?permanent=true` destroys instead of moving to the trash."""

    class Meta:
        unknown = EXCLUDE

    permanent = fields.Boolean(load_default=False)


class FavoriteSchema(Schema):
    """PATCH /api/media/<id>: the fields that may change."""

    class Meta:
        unknown = EXCLUDE

    favorite = StrictBoolean(required=True)


BULK_ACTION_NAMES = ("delete", "restore", "favorite", "unfavorite", "purge")


class BulkActionSchema(Schema):
    """One action on up to 500 records."""

    class Meta:
        unknown = EXCLUDE

    action = fields.String(required=True, validate=validate.OneOf(BULK_ACTION_NAMES))
    ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=500))


class PruneSchema(Schema):
    """Trash everything except favorites, optionally of one type or within dates."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(load_default=None, validate=validate.OneOf(MEDIA_TYPES))
    date_from = fields.Date(data_key="from", load_default=None)
    date_to = fields.Date(data_key="to", load_default=None)
    confirm = StrictBoolean(
        required=True,
        validate=validate.Equal(True, error="Set confirm to true: this trashes many items."),
    )


class CreateShareSchema(Schema):
    """Options of a new share link."""

    class Meta:
        unknown = EXCLUDE

    expires_in_days = fields.Integer(
        data_key="expiresInDays",
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=3650),
    )
    hide_prompt = StrictBoolean(data_key="hidePrompt", load_default=False)


class ImportItemSchema(SaveMediaSchema):
    """One item of an import: the save format plus its original date and favorite flag."""

    created_at = fields.AwareDateTime(data_key="createdAt", load_default=None, default_timezone=UTC)
    favorite = StrictBoolean(load_default=False)


class ImportSchema(Schema):
    """Up to 1,000 items; each is validated on its own and answered on its own."""

    class Meta:
        unknown = EXCLUDE

    items = fields.List(
        # Each item should be an ImportItem; one that is not is answered as rejected.
        fields.Raw(metadata={"documented_as": ImportItemSchema}),
        required=True,
        validate=validate.Length(min=1, max=1000),
    )


class CredentialsSchema(Schema):
    """Email and password for logging in."""

    class Meta:
        unknown = EXCLUDE

    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = CleanString(required=True, validate=validate.Length(min=1, max=1024))


class RegisterSchema(CredentialsSchema):
    """Email and password for a new account."""

    password = CleanString(required=True, validate=validate.Length(min=8, max=1024))


# --- output ------------------------------------------------------------------------------


def iso_utc(value: datetime) -> str:
    """ISO 8601 with milliseconds and a Z, as JavaScript's toISOString() writes it.

    Takes an aware UTC datetime, which is what every timestamp column (UTCDateTime) gives.
    """
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"


class IsoUtc(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else iso_utc(value)


class MediaSchema(Schema):
    """A media record on the wire. The guest session digest is never sent.

    Every key is always present (null where allowed); media_to_wire builds the same dict.
    """

    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.OneOf(MEDIA_TYPES))
    url = fields.String(required=True)
    prompt = fields.String(required=True)
    model = fields.String(required=True)
    settings = fields.Dict(required=True)
    project_id = fields.String(required=True, data_key="projectId", allow_none=True)
    request_id = fields.String(required=True, data_key="requestId", allow_none=True)
    file_id = fields.String(required=True, data_key="fileId", allow_none=True)
    thumbnail_url = fields.String(required=True, data_key="thumbnailUrl", allow_none=True)
    created_at = IsoUtc(required=True, data_key="createdAt")
    user_id = fields.UUID(required=True, data_key="userId", allow_none=True)
    favorite = fields.Boolean(required=True)
    deleted_at = IsoUtc(
        required=True,
        data_key="deletedAt",
        allow_none=True,
        metadata={"description": "When it was moved to the trash; null when live."},
    )


class PaginationSchema(Schema):
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)
    has_more = fields.Boolean(required=True, data_key="hasMore")
    next_cursor = fields.String(required=True, data_key="nextCursor", allow_none=True)


class UserSchema(Schema):
    id = fields.UUID(required=True)
    email = fields.String(required=True, metadata={"format": "email"})


def media_to_wire(m: Any) -> dict:
    """Fast path for MediaSchema().dump(): same output, no per-field machinery."""
    return {
        "id": str(m.id),
        "type": m.type,
        "url": m.url,
        "prompt": m.prompt,
        "model": m.model,
        "settings": m.settings,
        "projectId": m.project_id,
        "requestId": m.request_id,
        "fileId": m.file_id,
        "thumbnailUrl": m.thumbnail_url,
        "createdAt": iso_utc(m.created_at),
        "userId": str(m.user_id) if m.user_id else None,
        "favorite": bool(m.favorite),
        "deletedAt": iso_utc(m.deleted_at) if m.deleted_at else None,
    }


def shared_to_wire(row: Any) -> dict:
    """A shared item for the public: no id, no owner; prompt and settings unless hidden."""
    return {
        "type": row.type,
        "url": row.url,
        "thumbnailUrl": row.thumbnail_url,
        "model": row.model,
        "createdAt": iso_utc(row.created_at),
        "prompt": None if row.hide_prompt else row.prompt,
        "settings": None if row.hide_prompt else row.settings,
        "promptHidden": bool(row.hide_prompt),
    }


# --- request and response helpers --------------------------------------------------------


def envelope(data: Any, status: int = 200, **extra: Any):
    body = {"success": True, "data": data}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    return response


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def json_object(*, required: bool = True) -> dict:
    """The request body as a JSON object, strictly parsed; raises 415 or 400 otherwise."""
    raw = request.get_data(cache=True)  # raises 413 past MAX_CONTENT_LENGTH
    if not raw and not required:
        return {}
    if not request.is_json:
        raise UnsupportedMediaType(
            "Send the body as JSON with 'Content-Type: application/json'.",
            details={"contentType": request.mimetype or None},
        )
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(
            "The body is not valid JSON.", code="malformed_json", details={"body": [str(exc)]}
        ) from exc
    if not isinstance(value, dict):
        raise ValidationFailed(
            "The body must be a JSON object.",
            code="not_an_object",
            details={"body": [f"Expected an object, got {type(value).__name__}."]},
        )
    return value


def parse_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationFailed(
            "The id is not a valid UUID.", details={"id": ["Not a valid UUID."]}
        ) from exc
