"""Marshmallow schemas for the API's input and output, and the envelope helpers."""

import base64
import dataclasses
import functools
import hashlib
import json
import math
import re
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Self
from urllib.parse import urlsplit

from flask import has_request_context, jsonify, request
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

from .credentials import normalize_email, password_problem
from .dates import BOUNDS_TEXT, EARLIEST, EARLIEST_DAY, LATEST, LATEST_DAY
from .errors import UnsupportedMediaType, ValidationFailed

SETTINGS_MAX_BYTES = 16 * 1024
# Ratings are 0 (unrated) to RATING_MAX stars.
RATING_MAX = 5
# The most one generation may cost (USD) or take in credits, and the longest it may run: far
# past any real generation, and small enough that sums stay exact (models.ExactAmount).
AMOUNT_MAX = 1_000_000
DURATION_MAX_MS = 2**31 - 1
SETTINGS_MAX_DEPTH = 16
# How deeply a request's JSON may nest; far more than any of its schemas needs.
JSON_MAX_DEPTH = 64
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


class Amount(StrictNumber):
    """A JSON number kept as the exact decimal it was written as (0.1 stays 0.1, not the
    nearest float), to AMOUNT_SCALE decimal places; ≥ 0 and at most AMOUNT_MAX."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Range(min=0, max=AMOUNT_MAX), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        # repr() is the shortest text that reads back as the same float: what was sent.
        return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


class StrictInteger(StrictNumber):
    """A JSON whole number (not a bool, not 2.5, not "2")."""

    def _deserialize(self, value, attr, data, **kwargs):
        number = super()._deserialize(value, attr, data, **kwargs)
        if isinstance(number, float):
            if not number.is_integer():
                raise ValidationError("Must be a whole number.")
            number = int(number)
        return number


class StrictBoolean(fields.Field):
    """A JSON true or false; not 1, "yes" or "true" (query strings use fields.Boolean)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


class UtcDateTime(fields.AwareDateTime):
    """An ISO 8601 date-time (UTC when it names no zone), converted to UTC and held within
    the calendar mediaapp keeps (dates.py). `earliest`/`latest` narrow or widen the bounds."""

    def __init__(self, *, earliest: datetime = EARLIEST, latest: datetime = LATEST, **kwargs):
        kwargs.setdefault("metadata", {})
        kwargs["metadata"] = {
            "description": f"ISO 8601, converted to UTC; {BOUNDS_TEXT}.",
            **kwargs["metadata"],
        }
        super().__init__(default_timezone=UTC, **kwargs)
        self.earliest, self.latest = earliest, latest

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:  # e.g. 9999-12-31T23:00-14:00 is year 10000 in UTC
            moment = None
        if moment is None or not self.earliest <= moment <= self.latest:
            raise ValidationError(f"Must be {BOUNDS_TEXT}.")
        return moment


class BoundedDate(fields.Date):
    """A calendar day (YYYY-MM-DD) within the calendar mediaapp keeps (dates.py)."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {
            "description": f"YYYY-MM-DD, {BOUNDS_TEXT}.",
            **kwargs.get("metadata", {}),
        }
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise ValidationError(f"Must be {BOUNDS_TEXT}.")
        return day


# Whitespace (Unicode's too) and the C0 controls and DEL, in one scan: the gallery checks
# every card's URLs with validate_media_url, and a loop over characters cost 0.1 ms a page.
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f\x7f]")


def validate_media_url(value: str) -> None:
    """An absolute http(s) URL or a path starting with "/"; every other scheme is refused."""
    if _SPACE_OR_CONTROL.search(value):
        raise ValidationError("Must not contain spaces or control characters.")
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return
    try:
        parts = urlsplit(value)
    except ValueError as exc:  # e.g. "http://[" is an unclosed IPv6 address
        raise ValidationError(f"Must be a valid URL ({exc}).") from exc
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


class BaseSchema(Schema):
    """Every input schema: keys it does not declare are dropped, never an error (the seed's
    clients send extra fields such as sessionId)."""

    class Meta:
        unknown = EXCLUDE

    @classmethod
    def once(cls) -> Self:
        """The one instance of this schema that requests load with. Building a schema copies
        its declared fields (0.2 ms for the save's, 0.5 ms for the list's arguments); loading
        changes nothing in it, so one instance serves every request."""
        instance = cls.__dict__.get("_shared_instance")
        if instance is None:
            instance = cls()
            cls._shared_instance = instance
        return instance


class OpenSchema(Schema):
    """Settings: keys it does not declare are kept as sent (generation settings grow)."""

    class Meta:
        unknown = INCLUDE


def _required_text(max_len: int, data_key: str | None = None) -> CleanString:
    return CleanString(required=True, data_key=data_key, validate=validate.Length(max=max_len))


class ImageSettingsSchema(OpenSchema):
    """Image settings; other keys are kept as sent."""

    model = _required_text(256)
    style = _required_text(256)
    resolution = _required_text(256)
    shot_size = _required_text(256, data_key="shotSize")
    seed = StrictNumber(allow_none=True)
    batch_size = StrictNumber(data_key="batchSize", allow_none=True)


class VideoSettingsSchema(OpenSchema):
    """Video settings; other keys are kept as sent."""

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


class SaveMediaSchema(BaseSchema):
    """The seed's SaveMediaRequest, strict. A client-sent `sessionId` is ignored."""

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

    provider = CleanString(
        allow_none=True,
        load_default=None,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "Who ran the generation, e.g. replicate, fal, openai."},
    )
    cost_usd = Amount(
        data_key="costUsd",
        allow_none=True,
        load_default=None,
        metadata={"description": "What the generation cost in US dollars; kept exactly."},
    )
    credits = Amount(
        allow_none=True,
        load_default=None,
        metadata={"description": "What it cost in the provider's credits; kept exactly."},
    )
    duration_ms = StrictInteger(
        data_key="durationMs",
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=0, max=DURATION_MAX_MS),
        metadata={"description": "How long the generation ran, in milliseconds."},
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


def rating_field(**kwargs) -> "StrictInteger":
    """A JSON rating: a whole number of stars, 0 (unrated) to RATING_MAX."""
    return StrictInteger(
        validate=validate.Range(
            min=0, max=RATING_MAX, error=f"Must be a whole number from 0 to {RATING_MAX}."
        ),
        **{"metadata": {"description": f"Stars, 0 (unrated) to {RATING_MAX}."}, **kwargs},
    )


def _stars_chip(n: int) -> str:
    return f"Rated {n}+" if n < RATING_MAX else f"Rated {RATING_MAX}"


def _readable_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _filter(field: fields.Field, label: str, chip: Callable[[Any], str] | None = None):
    """A filter field: `label` names it in messages; `chip` words an active value for people
    (filters without one, such as type and sort, are tabs and menus, not chips)."""
    field.metadata = {**field.metadata, "label": label, "chip": chip}
    return field


# The longest search text: each character more is more trigrams for the index to intersect
# and a longer pattern to recheck on every candidate row (the gallery's box says the same).
SEARCH_MAX = 200
# variantOf: a stack key (variants.py: 32 lowercase hex digits) or an item's dashed UUID.
_HEX = "[0-9a-fA-F]"
VARIANT_OF_PATTERN = (
    rf"^(?:[0-9a-f]{{32}}|{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}})$"
)


class MediaFiltersSchema(BaseSchema):
    """The one declaration of the history's filters: the list API, the gallery, its detail
    view and pruning all load them here. Alone it loads into MediaFilters; a schema that adds
    fields (paging, a confirmation) loads into {"filters": MediaFilters, **its own fields}."""

    type = _filter(fields.String(load_default=None, validate=validate.OneOf(MEDIA_TYPES)), "Type")
    q = _filter(
        CleanString(
            load_default=None,
            validate=validate.Length(max=SEARCH_MAX, error="Use at most {max} characters."),
        ),
        "Search",
        lambda q: f"“{q}”",
    )
    model = _filter(CleanString(load_default=None, validate=validate.Length(max=128)), "Model", str)
    favorite = _filter(
        fields.Boolean(load_default=None, allow_none=True),
        "Favorites",
        lambda on: "Favorites" if on else "Not favorites",
    )
    date_from = _filter(
        BoundedDate(data_key="from", load_default=None),
        "From date",
        lambda day: f"From {_readable_day(day)}",
    )
    date_to = _filter(
        BoundedDate(data_key="to", load_default=None),
        "To date",
        lambda day: f"Until {_readable_day(day)}",
    )
    min_rating = _filter(
        fields.Integer(
            data_key="minRating",
            load_default=None,
            validate=validate.Range(
                min=1, max=RATING_MAX, error=f"Use a whole number from 1 to {RATING_MAX}."
            ),
            metadata={"description": f"Only items rated this many stars or more (1-{RATING_MAX})."},
        ),
        "Rating",
        _stars_chip,
    )
    sort = _filter(
        fields.String(load_default="newest", validate=validate.OneOf(("newest", "oldest"))),
        "Sort",
    )
    archive = _filter(
        fields.String(load_default=None, validate=validate.OneOf(("missing",))),
        "Archive",
        lambda _: "Files not kept",
    )
    # Only the items of one of the owner's collections (a smart one: its saved search). The
    # collection page names it, so it has no chip.
    collection = _filter(
        fields.UUID(
            load_default=None, metadata={"description": "The id of one of the owner's collections."}
        ),
        "Collection",
    )
    # A grouping rather than a narrowing, but it combines with every filter (they choose the
    # members before the grouping), keeps its cursors apart and lives in the same URLs, so it
    # is declared with them; a toggle, like sort, so it has no chip.
    stack = _filter(
        fields.String(
            load_default=None,
            validate=validate.OneOf(("variants",)),
            metadata={
                "description": "`variants`: one entry per variant stack (items that differ "
                "only by seed): its first matching item in the list's order, with `stackKey` "
                "and `stackCount`."
            },
        ),
        "Stacks",
    )
    variant = _filter(
        CleanString(
            data_key="variantOf",
            load_default=None,
            validate=validate.Regexp(
                VARIANT_OF_PATTERN,
                error="Must be a stack key (32 hex digits) or an item's id (a dashed UUID).",
            ),
            metadata={
                "description": "Only the members of one variant stack: its `stackKey`, or the "
                "id of any of its items."
            },
        ),
        "Variants of",
        lambda _: "Variants of one item",
    )

    @validates_schema
    def dates_in_order(self, data: dict, **kwargs) -> None:
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError({"from": ["Must not be after 'to'."]})

    @post_load
    def to_filters(self, data: dict, **kwargs):
        # An empty search box or menu arrives as "q=" / "model=": that is no filter at all.
        for key in ("q", "model"):
            if data.get(key) is not None and not data[key].strip():
                data[key] = None
        filters = MediaFilters(**{key: data.pop(key) for key in FILTER_FIELDS if key in data})
        return {"filters": filters, **data} if data else filters


FILTER_FIELDS = tuple(MediaFiltersSchema._declared_fields)


@functools.lru_cache(maxsize=4096)
def _fingerprint(filters: "MediaFilters") -> str:
    """MediaFilters.fingerprint, kept per distinct filters (they are frozen): every listed
    page with more to come encodes a cursor with it."""
    blob = json.dumps(asdict(filters), sort_keys=True, default=str).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


@functools.lru_cache(maxsize=4096)
def _params(filters: "MediaFilters") -> tuple[tuple[str, str], ...]:
    schema = _filters_schema()
    params = []
    for name in FILTER_FIELDS:
        value, field = getattr(filters, name), schema.fields[name]
        if value is None or value == field.load_default:
            continue
        dumped = field.serialize(name, filters)
        params.append(
            (
                field.data_key or name,
                ("true" if dumped else "false") if isinstance(dumped, bool) else str(dumped),
            )
        )
    return tuple(params)


@functools.cache
def _filters_schema() -> "MediaFiltersSchema":
    """One instance to read field declarations from (building a schema deep-copies them)."""
    return MediaFiltersSchema()


@dataclass(frozen=True)
class MediaFilters:
    """What a history view shows; every field combines with the others and with paging.

    The fields are MediaFiltersSchema's (plus `trashed`, which no URL sets); the schema also
    gives their URL arguments and the words for their chips, so a new filter is declared
    once, there, and queried in services/media.py.
    """

    type: str | None = None
    q: str | None = None
    model: str | None = None
    favorite: bool | None = None
    date_from: date | None = None
    date_to: date | None = None
    min_rating: int | None = None
    sort: str = "newest"
    # "missing": only records whose file mediaapp could not keep (failed or expired).
    archive: str | None = None
    collection: uuid.UUID | None = None
    # "variants": one entry per variant stack; variant: one stack's members (key or item id).
    stack: str | None = None
    variant: str | None = None
    trashed: bool = False

    def fingerprint(self) -> str:
        """Ties a cursor to the query that made it, so another query refuses it."""
        return _fingerprint(self)

    def replace(self, **changes: Any) -> "MediaFilters":
        return dataclasses.replace(self, **changes)

    @property
    def params(self) -> dict[str, str]:
        """The URL arguments that reproduce these filters; defaults are left out. (A new dict
        each time; worked out once per distinct filters, since every card of a gallery page
        asks for them.)"""
        return dict(_params(self))

    @property
    def chips(self) -> list[dict[str, Any]]:
        """The active filters in words, each with the URL arguments of the view without it."""
        schema = _filters_schema()
        return [
            {"label": field.metadata["chip"](value), "remove": self.replace(**{name: None}).params}
            for name in FILTER_FIELDS
            if (field := schema.fields[name]).metadata.get("chip")
            and (value := getattr(self, name)) is not None
        ]


def field_labels(schema: Schema) -> dict[str, str]:
    """How people read each argument of a schema in a message, by its name on the wire."""
    return {
        field.data_key or name: field.metadata["label"]
        for name, field in schema.fields.items()
        if field.metadata.get("label")
    }


class PageArgsSchema(BaseSchema):
    """Paging arguments: limit, offset (the seed's) and the opaque keyset cursor."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**31 - 1))
    cursor = CleanString(load_default=None, validate=validate.Length(min=1, max=512))

    @validates_schema
    def cursor_or_offset(self, data: dict, **kwargs) -> None:
        if data.get("cursor") and data.get("offset"):
            raise ValidationError({"cursor": ["Use either cursor or offset, not both."]})


class CursorSchema(Schema):
    """What an opaque keyset cursor holds (services/media.py encodes it): the sort key and id
    of the last row of a page, and the fingerprint of the query that made it. Each field is
    typed, so a cursor someone edited is refused like any other bad input."""

    # Any instant a stored row can hold, not only those an import may bring (dates.py).
    t = UtcDateTime(
        required=True,
        earliest=datetime.min.replace(tzinfo=UTC),
        latest=datetime.max.replace(tzinfo=UTC),
    )
    i = fields.UUID(required=True)
    f = fields.String(required=True, validate=validate.Length(max=64))


class ListMediaArgsSchema(MediaFiltersSchema, PageArgsSchema):
    """Query arguments of GET /api/media/list."""


class MediaIdSchema(BaseSchema):
    """DeleteMediaRequest: the id of one record."""

    id = fields.UUID(required=True)


class DeleteArgsSchema(BaseSchema):
    """`?permanent=true` destroys instead of moving to the trash."""

    permanent = fields.Boolean(load_default=False)


class UpdateMediaSchema(BaseSchema):
    """PATCH /api/media/<id>: the fields that may change; send at least one."""

    favorite = StrictBoolean()
    rating = rating_field()

    @validates_schema
    def something_to_change(self, data: dict, **kwargs) -> None:
        if not data:
            raise ValidationError(
                "Send favorite (true or false) or rating (0 to 5), or both.", "_schema"
            )


BULK_ACTION_NAMES = ("delete", "restore", "favorite", "unfavorite", "rate", "purge")


class BulkActionSchema(BaseSchema):
    """One action on up to 500 records; "rate" also takes the rating to give them."""

    action = fields.String(required=True, validate=validate.OneOf(BULK_ACTION_NAMES))
    ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=500))
    rating = rating_field(
        metadata={"description": f"With action rate (required there): 0 (unrated) to {RATING_MAX}."}
    )

    @validates_schema
    def rating_with_rate(self, data: dict, **kwargs) -> None:
        if data.get("action") == "rate" and "rating" not in data:
            raise ValidationError({"rating": ["Give the rating (0 to 5) to set."]})


class ZipSelectionSchema(BaseSchema):
    """Up to 500 records to download as one zip (the bulk toolbar's selection)."""

    ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=500))


class ZipArgsSchema(MediaFiltersSchema):
    """The history to download as a zip: the list filters, and which part of 1,000 items."""

    part = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=10_000),
        metadata={"description": "1 for the first 1,000 matching items, 2 for the next..."},
    )


class PruneSchema(MediaFiltersSchema):
    """Trash everything except favorites, optionally of one type or within dates."""

    class Meta:
        exclude = ("q", "model", "favorite", "sort", "archive", "stack", "variant")

    confirm = StrictBoolean(
        required=True,
        validate=validate.Equal(True, error="Set confirm to true: this trashes many items."),
    )


SHARE_MAX_DAYS = 3650
_ABSENT = object()
SHARE_PASSWORD_LENGTH = (4, 128)


class CreateShareSchema(BaseSchema):
    """Options of a new share link. The expiry is a moment (`expiresAt`, to the minute) or a
    number of days (`expiresInDays`, kept for older clients), not both; null in either means
    never; neither given means 30 days from now."""

    expires_in_days = fields.Integer(
        data_key="expiresInDays",
        allow_none=True,
        validate=validate.Range(min=1, max=SHARE_MAX_DAYS),
        metadata={"description": "Days from now; null for never. Prefer expiresAt."},
    )
    expires_at = UtcDateTime(
        data_key="expiresAt",
        allow_none=True,
        metadata={
            "description": "When the link stops working (ISO 8601; UTC when it names no zone; "
            "seconds are dropped: to the minute), in the future and within 10 years; null "
            "for never. Neither this nor expiresInDays: 30 days from now."
        },
    )
    hide_prompt = StrictBoolean(data_key="hidePrompt", load_default=False)
    password = CleanString(
        load_default=None,
        allow_none=True,
        validate=validate.Length(*SHARE_PASSWORD_LENGTH),
        metadata={"description": "Visitors must give it first; stored only as a hash."},
    )
    allow_download = StrictBoolean(
        data_key="allowDownload",
        load_default=True,
        metadata={"description": "false: the original file is not offered nor served."},
    )

    @post_load
    def resolve_expiry(self, data, **kwargs):
        if "expires_at" in data and "expires_in_days" in data:
            raise ValidationError(
                "Give expiresAt or expiresInDays, not both.", field_name="expiresAt"
            )
        now = datetime.now(UTC)
        # Neither given: no expires_at, so the service's default (30 days) applies.
        days = data.pop("expires_in_days", _ABSENT)
        moment = data.pop("expires_at", _ABSENT)
        if moment is None or days is None:
            data["expires_at"] = None
        elif moment is not _ABSENT:
            moment = moment.replace(second=0, microsecond=0)
            if moment <= now:
                raise ValidationError("Must be a moment in the future.", field_name="expiresAt")
            if moment > now + timedelta(days=SHARE_MAX_DAYS):
                raise ValidationError(
                    f"Must be within {SHARE_MAX_DAYS} days from now.", field_name="expiresAt"
                )
            data["expires_at"] = moment
        elif days is not _ABSENT:
            data["expires_at"] = now + timedelta(days=days)
        return data


class SharePasswordSchema(BaseSchema):
    """The password a visitor gives to open a protected share link."""

    password = CleanString(required=True, validate=validate.Length(min=1, max=1024))


class SharedItemsArgsSchema(BaseSchema):
    """Paging a shared collection's items: limit and the opaque keyset cursor."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))
    cursor = CleanString(load_default=None, validate=validate.Length(min=1, max=512))


class RevokeSharesSchema(BaseSchema):
    """Up to 500 of the owner's links to revoke at once."""

    ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=500))


# Collections (services/collections.py): their names, descriptions and selections.
COLLECTION_NAME_MAX = 100
COLLECTION_DESCRIPTION_MAX = 2000
COLLECTION_SELECTION_MAX = 500
# What the unique key of a name may take once normalised (NFKC can lengthen a name).
COLLECTION_NAME_KEY_MAX = 120


def collection_name_key(name: str) -> str:
    """What makes two collection names the same: "Cats", "cats" and "ＣＡＴＳ" are one name."""
    return unicodedata.normalize("NFKC", name).casefold().strip()


def _validate_collection_name(name: str) -> None:
    if not name.strip():
        raise ValidationError("Give the collection a name.")
    if len(collection_name_key(name)) > COLLECTION_NAME_KEY_MAX:
        raise ValidationError("Use a shorter name.")


def collection_name_field(**kwargs) -> CleanString:
    return CleanString(
        validate=[
            validate.Length(
                min=1, max=COLLECTION_NAME_MAX, error="Use 1 to {max} characters for the name."
            ),
            _validate_collection_name,
        ],
        **kwargs,
    )


def _collection_description(**kwargs) -> CleanString:
    return CleanString(
        validate=validate.Length(
            max=COLLECTION_DESCRIPTION_MAX, error="Use at most {max} characters."
        ),
        **kwargs,
    )


def _saved_search(**kwargs) -> fields.Nested:
    return fields.Nested(
        MediaFiltersSchema,
        metadata={
            "description": "The filters of the list API (`q`, `type`, `model`, `favorite`, "
            "`from`, `to`, `sort`, …, as GET /api/media/list takes them): a smart collection "
            "holds what they find, live. `collection` may name a manual collection."
        },
        **kwargs,
    )


class CreateCollectionSchema(BaseSchema):
    """A new collection: manual, or smart when it carries a search."""

    name = collection_name_field(required=True)
    description = _collection_description(load_default="")
    search = _saved_search(load_default=None, allow_none=True)


class UpdateCollectionSchema(BaseSchema):
    """What may change of a collection; at least one field. `coverId` null: the newest item."""

    name = collection_name_field()
    description = _collection_description()
    cover_id = fields.UUID(
        data_key="coverId",
        allow_none=True,
        metadata={"description": "A live item of yours; null shows the newest item."},
    )
    search = _saved_search()

    @validates_schema
    def something_to_change(self, data: dict, **kwargs) -> None:
        if not data:
            raise ValidationError(
                "Send at least one of name, description, coverId or search.", "_schema"
            )


class CollectionItemsSchema(BaseSchema):
    """Items to add to a collection or take out of it: one, or a selection."""

    ids = fields.List(
        fields.UUID(),
        required=True,
        validate=validate.Length(
            min=1,
            max=COLLECTION_SELECTION_MAX,
            error="Send 1 to {max} ids at a time.",
        ),
    )


API_KEY_SCOPES = ("read", "write", "delete", "share", "all")


def validate_rate_limit(value: str) -> None:
    """A limit as Flask-Limiter reads it: "60 per minute", "1000/hour", "10 per second"."""
    from limits import parse_many

    try:
        parsed = parse_many(value)
    except ValueError:
        parsed = []
    if len(parsed) != 1:
        raise ValidationError('Write a rate such as "60 per minute" or "1000 per hour".')


class CreateApiKeySchema(BaseSchema):
    """A new API key: its name, scopes, and optionally an expiry and a rate limit."""

    name = CleanString(required=True, validate=validate.Length(min=1, max=100))
    scopes = fields.List(
        fields.String(validate=validate.OneOf(API_KEY_SCOPES)),
        required=True,
        validate=validate.Length(min=1, max=len(API_KEY_SCOPES)),
        metadata={"description": "What the key may do; `all` is every scope."},
    )
    expires_in_days = fields.Integer(
        data_key="expiresInDays",
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, max=3650),
        metadata={"description": "Days until it stops working; null or absent: never."},
    )
    rate_limit = CleanString(
        data_key="rateLimit",
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1, max=64), validate_rate_limit],
        metadata={"description": 'Requests it may make, e.g. "60 per minute"; null: no limit.'},
    )


class UploadMetadataSchema(SaveMediaSchema):
    """The save fields that come with an uploaded file; `url` (where it came from) is optional
    there, since the file itself is what is kept."""

    url = CleanString(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1, max=2048), validate_media_url],
    )


class ImportItemSchema(SaveMediaSchema):
    """One item of an import: the save format plus its original date and favorite flag."""

    created_at = UtcDateTime(data_key="createdAt", load_default=None)
    favorite = StrictBoolean(load_default=False)
    rating = rating_field(load_default=0)


class ImportSchema(BaseSchema):
    """Up to 1,000 items; each is validated on its own and answered on its own."""

    items = fields.List(
        # Each item should be an ImportItem; one that is not is answered as rejected.
        fields.Raw(metadata={"documented_as": ImportItemSchema}),
        required=True,
        validate=validate.Length(min=1, max=1000),
    )


def webhook_secret_problem(secret: str) -> str | None:
    """Why a pasted Standard Webhooks secret cannot verify anything, or None."""
    if not secret.startswith("whsec_"):
        return "Must start with whsec_ (a Standard Webhooks secret, as Replicate gives it)."
    try:
        raw = base64.b64decode(secret[len("whsec_") :], validate=True)
    except ValueError:
        return "Must be whsec_ followed by base64."
    if len(raw) < 16:
        return "Must hold at least 16 bytes of key."
    return None


class CreateIngestEndpointSchema(BaseSchema):
    """A new ingest endpoint: a label for people, and the provider's signing secret when it
    has one (Replicate's: GET https://api.replicate.com/v1/webhooks/default/secret)."""

    label = CleanString(required=True, validate=validate.Length(min=1, max=64))
    provider = fields.String(load_default="replicate", validate=validate.OneOf(("replicate",)))
    secret = CleanString(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "whsec_…; when absent mediaapp makes one."},
    )

    @validates_schema
    def usable_secret(self, data: dict, **kwargs) -> None:
        problem = data.get("secret") and webhook_secret_problem(data["secret"])
        if problem:
            raise ValidationError({"secret": [problem]})


# The account rules, shared with the HTML forms (auth/forms.py).
EMAIL_MAX = 254
PASSWORD_MIN = 8
PASSWORD_MAX = 1024


_is_email = validate.Email(error="Enter an email address like name@example.com.")


class EmailAddress(CleanString):
    """An email address, normalised as it is stored (NFKC, casefolded) before it is checked,
    so its length and shape are those of the stored form."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = normalize_email(super()._deserialize(value, attr, data, **kwargs))
        if len(result) > EMAIL_MAX:
            raise ValidationError(f"Longer than maximum length {EMAIL_MAX}.")
        return _is_email(result)


def _password(**kwargs) -> CleanString:
    return CleanString(validate=validate.Length(min=1, max=PASSWORD_MAX), **kwargs)


def _new_password(**kwargs) -> CleanString:
    return CleanString(
        validate=validate.Length(
            min=PASSWORD_MIN, max=PASSWORD_MAX, error=f"Use at least {PASSWORD_MIN} characters."
        ),
        metadata={"description": "Refused when common or easy to guess (zxcvbn score below 3)."},
        **kwargs,
    )


def _refuse_weak(data: dict, field: str, email: str | None, *, wire: str | None = None) -> None:
    problem = password_problem(data[field], email=email) if field in data else None
    if problem:
        raise ValidationError({wire or field: [problem]})


class CredentialsSchema(BaseSchema):
    """Email and password for logging in."""

    email = EmailAddress(required=True, metadata={"format": "email"})
    password = _password(required=True)


class RegisterSchema(CredentialsSchema):
    """Email and password for a new account; a password easy to guess is refused."""

    password = _new_password(required=True)

    @validates_schema
    def strong_enough(self, data, **kwargs):
        _refuse_weak(data, "password", data.get("email"))


class ChangeEmailSchema(BaseSchema):
    """A new address for the account, confirmed by the current password."""

    email = EmailAddress(required=True, metadata={"format": "email"})
    password = _password(required=True, metadata={"description": "The current password."})


class ChangePasswordSchema(BaseSchema):
    """A new password, confirmed by the current one."""

    current_password = _password(required=True, data_key="currentPassword")
    new_password = _new_password(required=True, data_key="newPassword")

    def __init__(self, *args, email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email  # the account's address: a password made of it is easy to guess

    @validates_schema
    def strong_enough(self, data, **kwargs):
        _refuse_weak(data, "new_password", self.email, wire="newPassword")


class DeleteAccountSchema(BaseSchema):
    """The account's password, confirming that it and everything it owns be deleted."""

    password = _password(required=True)


# --- output ------------------------------------------------------------------------------


def iso_utc(value: datetime) -> str:
    """ISO 8601 with milliseconds and a Z, as JavaScript's toISOString() writes it.

    Takes an aware UTC datetime, which is what every timestamp column (UTCDateTime) gives.
    """
    return value.isoformat(timespec="milliseconds")[:-6] + "Z"


class IsoUtc(fields.Field):
    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else iso_utc(value)


ARCHIVE_STATUSES = ("pending", "stored", "failed", "expired")


def file_urls(m: Any) -> tuple[str | None, str | None]:
    """Where the stored copy and its thumbnail are served (None until there is one)."""
    if m.archive_status != "stored":
        return None, None
    base = f"{request.script_root if has_request_context() else ''}/api/media/{m.id}"
    return f"{base}/file", f"{base}/thumbnail" if m.archive_thumb_sha256 else None


class ArchiveSchema(Schema):
    """The copy mediaapp keeps of a record's media (the record's own url is where it came
    from): its state and, once stored, what it is and where to fetch it."""

    status = fields.String(
        required=True, attribute="archive_status", validate=validate.OneOf(ARCHIVE_STATUSES)
    )
    error = fields.String(required=True, attribute="archive_error", allow_none=True)
    bytes = fields.Integer(required=True, attribute="archive_bytes", allow_none=True)
    mime = fields.String(required=True, attribute="archive_mime", allow_none=True)
    width = fields.Integer(required=True, attribute="archive_width", allow_none=True)
    height = fields.Integer(required=True, attribute="archive_height", allow_none=True)
    duration_ms = fields.Integer(
        required=True, attribute="archive_duration_ms", data_key="durationMs", allow_none=True
    )
    sha256 = fields.String(required=True, attribute="archive_sha256", allow_none=True)
    file_url = fields.Function(
        lambda m: file_urls(m)[0],
        required=True,
        data_key="fileUrl",
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": "The stored file."},
    )
    thumbnail_url = fields.Function(
        lambda m: file_urls(m)[1],
        required=True,
        data_key="thumbnailUrl",
        allow_none=True,
        metadata={"type": "string", "nullable": True, "description": "A WebP, ≤ 512 px."},
    )
    placeholder = fields.String(
        required=True,
        attribute="archive_placeholder",
        allow_none=True,
        metadata={"description": "A blurhash to paint before the thumbnail arrives."},
    )


class OfTheRecord(fields.Nested):
    """A nested object built from the record's own columns (not from one attribute)."""

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return self._serialize(obj, attr, obj, **kwargs)


class MediaSchema(Schema):
    """A media record on the wire. The guest session digest is never sent.

    Every required key is always present (null where allowed); media_to_wire builds the same
    dict. A grouped list (?stack=variants) adds stackKey and stackCount (stack_to_wire).
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
    # Added after v1: always sent by mediaapp, optional for documents and older servers.
    rating = fields.Integer(
        validate=validate.Range(min=0, max=RATING_MAX),
        metadata={"description": f"Stars, 0 (unrated) to {RATING_MAX}."},
    )
    deleted_at = IsoUtc(
        required=True,
        data_key="deletedAt",
        allow_none=True,
        metadata={"description": "When it was moved to the trash; null when live."},
    )
    archive = OfTheRecord(ArchiveSchema, required=True)
    provider = fields.String(required=True, allow_none=True)
    cost_usd = fields.Float(
        required=True,
        data_key="costUsd",
        allow_none=True,
        metadata={"description": "What it cost in US dollars (stored as an exact decimal)."},
    )
    credits = fields.Float(required=True, allow_none=True)
    duration_ms = fields.Integer(
        required=True,
        data_key="durationMs",
        allow_none=True,
        metadata={"description": "How long the generation ran (ms), as the generator said."},
    )
    # Only in the answers of ?stack=variants (stack_to_wire).
    stack_key = fields.String(
        data_key="stackKey",
        metadata={"description": "The item's variant stack (for `variantOf`); grouped lists."},
    )
    stack_count = fields.Integer(
        data_key="stackCount",
        validate=validate.Range(min=1),
        metadata={"description": "How many items matching the filters the stack holds."},
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
        "rating": m.rating,
        "deletedAt": iso_utc(m.deleted_at) if m.deleted_at else None,
        "archive": archive_to_wire(m),
        "provider": m.provider,
        "costUsd": amount_to_wire(m.cost_usd),
        "credits": amount_to_wire(m.credits),
        "durationMs": m.duration_ms,
    }


def amount_to_wire(value: Decimal | None) -> int | float | None:
    """An exact amount as a JSON number: the float whose shortest text is the decimal's (so
    0.1 is written 0.1), or an int when it is whole."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def stack_to_wire(m: Any) -> dict:
    """A stack's entry in a grouped list: its newest matching item, its key and its size."""
    return {**media_to_wire(m), "stackKey": m.variant_key, "stackCount": m.stack_count}


def archive_to_wire(m: Any) -> dict:
    """Fast path for ArchiveSchema().dump()."""
    file_url, thumbnail_url = file_urls(m)
    return {
        "status": m.archive_status,
        "error": m.archive_error,
        "bytes": m.archive_bytes,
        "mime": m.archive_mime,
        "width": m.archive_width,
        "height": m.archive_height,
        "durationMs": m.archive_duration_ms,
        "sha256": m.archive_sha256,
        "fileUrl": file_url,
        "thumbnailUrl": thumbnail_url,
        "placeholder": m.archive_placeholder,
    }


def shared_to_wire(row: Any) -> dict:
    """A shared item for the public: no id, no owner; prompt and settings unless hidden; the
    original (its URL and the kept copy) only when the link allows downloads."""
    download = bool(row.allow_download)
    return {
        "type": row.type,
        "url": row.url if download else None,
        "thumbnailUrl": row.thumbnail_url,
        "model": row.model,
        "createdAt": iso_utc(row.created_at),
        "prompt": None if row.hide_prompt else row.prompt,
        "settings": None if row.hide_prompt else row.settings,
        "promptHidden": bool(row.hide_prompt),
        "downloadAllowed": download,
        **shared_file_urls(row),
    }


def shared_item_to_wire(row: Any) -> dict:
    """An item of a shared collection: shared_to_wire plus the id that names it in the link."""
    return {"id": str(row.id), **shared_to_wire(row)}


def shared_file_urls(row: Any) -> dict[str, str | None]:
    """The kept copy of a shared item, through its link (never the owner's /files URLs);
    no file URL when the link does not allow downloads. An item of a shared collection has
    its files under the link's /items/<id>."""
    if row.archive_status != "stored":
        return {"fileUrl": None, "storedThumbnailUrl": None}
    base = f"{request.script_root if has_request_context() else ''}/api/shared/{row.token}"
    if getattr(row, "in_collection", False):
        base = f"{base}/items/{row.id}"
    thumbnail = f"{base}/thumbnail" if row.archive_thumb_sha256 else None
    file_url = f"{base}/file" if row.allow_download else None
    return {"fileUrl": file_url, "storedThumbnailUrl": thumbnail}


# --- request and response helpers --------------------------------------------------------


def envelope(data: Any, status: int = 200, **extra: Any):
    body = {"success": True, "data": data}
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    return response


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class JsonProblem(ValueError):
    """Why some bytes are not JSON that mediaapp reads; `code` is the kind (for the API)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def nests_deeper_than(value: Any, limit: int) -> bool:
    """Whether a parsed JSON value has more than `limit` levels of arrays and objects,
    walked without recursion."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def decode_json(raw: bytes | str) -> Any:
    """JSON from outside, strictly: UTF-8, no NaN or Infinity, and at most JSON_MAX_DEPTH
    levels deep. The one parser of what clients send (bodies, upload metadata, import files,
    cursors); raises JsonProblem, never RecursionError."""
    too_deep = f"Must not nest deeper than {JSON_MAX_DEPTH} levels of arrays and objects."
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as exc:  # far past the limit: the decoder ran out of stack first
        raise JsonProblem(too_deep, "too_deeply_nested") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise JsonProblem(str(exc), "malformed_json") from exc
    if isinstance(value, dict | list) and nests_deeper_than(value, JSON_MAX_DEPTH):
        raise JsonProblem(too_deep, "too_deeply_nested")
    return value


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
    return loads_object(raw)


def loads_object(raw: bytes | str, *, part: str = "body") -> dict:
    """A JSON object, parsed by decode_json; 400 naming `part` otherwise (code malformed_json,
    too_deeply_nested or not_an_object)."""
    try:
        value = decode_json(raw)
    except JsonProblem as exc:
        message = (
            f"The {part} nests too deeply (at most {JSON_MAX_DEPTH} levels)."
            if exc.code == "too_deeply_nested"
            else f"The {part} is not valid JSON."
        )
        raise ValidationFailed(message, code=exc.code, details={part: [str(exc)]}) from exc
    if not isinstance(value, dict):
        raise ValidationFailed(
            f"The {part} must be a JSON object.",
            code="not_an_object",
            details={part: [f"Expected an object, got {type(value).__name__}."]},
        )
    return value
