"""What the gallery's pages and forms accept: their schemas, and one way to load them."""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate

from ..errors import ValidationFailed
from ..schemas import (
    COLLECTION_SELECTION_MAX,
    RATING_MAX,
    BaseSchema,
    BulkActionSchema,
    CleanString,
    CreateShareSchema,
    MediaFiltersSchema,
    ZipArgsSchema,
    collection_name_field,
    field_labels,
)

# A date group's key: what the scroll sentinel passes on so the next page's first heading is
# left out when it continues the same group.
GROUP_KEY = r"^(today|yesterday|week|\d{4}-\d{2})$"
# The gallery offers these; "purge" (destroy for good) belongs to the trash.
GALLERY_BULK_ACTIONS = ("delete", "restore", "favorite", "unfavorite", "rate")
BULK_MAX = 500
# The share form's expiry menu: days from now, never, or the moment in its date-time field.
EXPIRY_DAYS = {"30": 30, "1": 1, "7": 7, "90": 90, "never": None, "at": None}
# How people read the arguments that are not filters (the filters label themselves).
FIELD_LABELS = {
    **field_labels(MediaFiltersSchema()),
    "cursor": "Page",
    "group": "Page",
    "action": "Action",
    "ids": "Selection",
    "confirm": "Confirmation",
    "select": "Selection",
    "rating": "Rating",
    "then": "Next item",
    "expiresAt": "Expiry",
    "expires_at": "Expiry date and time",
    "password": "Password",
    "collection": "Collection",
    "part": "Part",
}


class GalleryFiltersSchema(MediaFiltersSchema):
    """The filters as a GET form or a page's hidden fields send them: every control comes
    along, so `?q=&model=&from=` means no filter at all."""

    @pre_load
    def drop_blanks(self, data, **kwargs):
        return {key: value for key, value in data.items() if value != ""}


def page_cursor() -> CleanString:
    return CleanString(load_default=None, validate=validate.Length(min=1, max=512))


class GalleryArgsSchema(GalleryFiltersSchema):
    """The grid's query: the filters, where the page starts, the heading the last one ended."""

    cursor = page_cursor()
    group = fields.String(load_default=None, validate=validate.Regexp(GROUP_KEY))
    # "Select all on this page" without JavaScript: the page again with every box ticked.
    select = fields.String(load_default=None, validate=validate.OneOf(("page",)))


class DetailArgsSchema(GalleryFiltersSchema):
    """The detail view's query: the filters it was opened in, and a share link just made."""

    shared = fields.UUID(load_default=None)


class TrashArgsSchema(BaseSchema):
    cursor = page_cursor()


class PruneScopeSchema(GalleryFiltersSchema):
    """The scope of "delete everything except favorites": a type, dates, or everything."""

    class Meta:
        exclude = ("q", "model", "favorite", "sort", "archive", "stack", "variant")


class ConfirmPruneSchema(PruneScopeSchema):
    """The confirmation form: the same scope plus the button that says yes."""

    confirm = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="Press the confirm button to go ahead."),
        error_messages={"required": "Press the confirm button to go ahead."},
    )


class FavoriteFormSchema(GalleryFiltersSchema):
    """A star (on a card or the detail view): the state it asks for, where it was pressed and
    the filters of the view to come back to. Named `star`, apart from the `favorite` filter."""

    star = fields.Boolean(required=True)
    place = fields.String(load_default="card", validate=validate.OneOf(("card", "detail")))


def stars() -> fields.Integer:
    """A rating as a form sends it ("0" to "5"; 0 clears)."""
    return fields.Integer(
        required=True,
        validate=validate.Range(
            min=0, max=RATING_MAX, error=f"Choose a rating from 0 to {RATING_MAX} stars."
        ),
        error_messages={"required": "Choose a rating.", "invalid": "Choose a rating."},
    )


class RateFormSchema(GalleryFiltersSchema):
    """The detail view's rating buttons: the stars pressed and the view to come back to."""

    rating = stars()


class DeleteFormSchema(GalleryFiltersSchema):
    """A delete button: the view to come back to, and, from the detail view, the item to show
    next (culling moves on to it, the Undo notice in the flash)."""

    then = fields.UUID(load_default=None)


class RestoreFormSchema(GalleryFiltersSchema):
    """An Undo: the view to come back to; place=detail goes back to the item itself."""

    place = fields.String(load_default="card", validate=validate.OneOf(("card", "detail")))


def ticked_ids(noun: str, verb: str) -> fields.List:
    """Checkboxes named `ids`, one per ticked card or row: 1 to BULK_MAX UUIDs."""
    return fields.List(
        fields.UUID(),
        load_default=list,
        validate=[
            validate.Length(min=1, error=f"{verb} at least one {noun} first."),
            validate.Length(max=BULK_MAX, error=f"{verb} at most {BULK_MAX} {noun}s at a time."),
        ],
    )


def ticked(data) -> list:
    """Every `ids` a form sent: it repeats the name once per ticked box, and a plain mapping
    would keep only one."""
    ids = data.getlist("ids") if hasattr(data, "getlist") else data.get("ids")
    return ids or []


class GalleryBulkSchema(BulkActionSchema):
    """The bulk toolbar's form: the button pressed and every ticked card."""

    action = fields.String(
        required=True,
        validate=validate.OneOf(GALLERY_BULK_ACTIONS),
        error_messages={"required": "Choose an action."},
    )
    ids = ticked_ids("item", "Select")

    rating = fields.Integer(
        validate=validate.Range(
            min=0, max=RATING_MAX, error=f"Choose a rating from 0 to {RATING_MAX} stars."
        ),
        error_messages={"invalid": "Choose a rating."},
    )

    @pre_load
    def every_ticked_box(self, data, **kwargs):
        loaded = {"ids": ticked(data)}
        if data.get("action"):
            loaded["action"] = data["action"]
        # The toolbar's stars menu comes along with every button; only Rate reads it.
        if data.get("action") == "rate" and data.get("rating") not in (None, ""):
            loaded["rating"] = data["rating"]
        return loaded


class ShareFormSchema(BaseSchema):
    """The share form: an expiry from a menu (or a date and time, read in the browser's zone
    when its script says which, else UTC), a password, and two checkboxes. It is turned into
    the API's options and checked by CreateShareSchema, so both take the same rules."""

    expires = fields.String(load_default="30", validate=validate.OneOf(tuple(EXPIRY_DAYS)))
    expires_at = fields.String(load_default="")
    # Minutes to add to the local time to get UTC (JavaScript's getTimezoneOffset()).
    tz_offset = fields.Integer(load_default=0, validate=validate.Range(min=-900, max=900))
    password = fields.String(load_default="")
    hide_prompt = fields.Boolean(load_default=False)
    no_download = fields.Boolean(load_default=False)

    @pre_load
    def blank_offset_is_utc(self, data, **kwargs):
        if hasattr(data, "to_dict"):
            data = data.to_dict()
        if not str(data.get("tz_offset", "")).strip():
            data = {**data, "tz_offset": "0"}
        return data

    @post_load
    def to_options(self, data, **kwargs):
        options: dict[str, Any] = {
            "hidePrompt": data["hide_prompt"],
            "allowDownload": not data["no_download"],
        }
        if data["password"]:
            options["password"] = data["password"]
        if data["expires"] == "at":
            options["expiresAt"] = _local_moment(data["expires_at"], data["tz_offset"])
        else:
            options["expiresInDays"] = EXPIRY_DAYS[data["expires"]]
        return CreateShareSchema.once().load(options)


class SharesPageArgsSchema(BaseSchema):
    """The shares page's query: the collection to offer first in its "Share a collection" box."""

    collection = fields.UUID(load_default=None)


class ShareCollectionFormSchema(ShareFormSchema):
    """The shares page's form for a collection's link: which collection, and the options."""

    collection = fields.UUID(
        required=True,
        error_messages={"required": "Choose a collection.", "invalid_uuid": "Choose a collection."},
    )

    @post_load
    def to_options(self, data, **kwargs):
        collection_id = data.pop("collection")
        return collection_id, super().to_options(data, **kwargs)


def _local_moment(value: str, offset_minutes: int) -> str:
    """A datetime-local value ("2027-01-31T18:30") as an ISO moment in UTC."""
    try:
        local = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            "Choose a date and time for the link to expire.", field_name="expires_at"
        ) from None
    if local.tzinfo is not None:
        raise ValidationError("Give a local date and time.", field_name="expires_at")
    try:
        moment = local.replace(tzinfo=UTC) + timedelta(minutes=offset_minutes)
    except OverflowError:
        raise ValidationError("Choose an earlier date.", field_name="expires_at") from None
    return moment.isoformat()


class RevokeSharesFormSchema(BaseSchema):
    """The shares page's checkboxes: the links to revoke at once."""

    ids = ticked_ids("link", "Tick")

    @pre_load
    def every_ticked_box(self, data, **kwargs):
        return {"ids": ticked(data)}


class CollectionFormSchema(GalleryFiltersSchema):
    """The create, rename and describe forms (with the view they were sent from). A smart
    collection is made from the filters that come with `smart`: the view being saved."""

    name = collection_name_field(
        required=True, error_messages={"required": "Give the collection a name."}
    )
    description = CleanString(
        load_default="", validate=validate.Length(max=2000, error="Use at most {max} characters.")
    )
    smart = fields.Boolean(load_default=False)


class CollectFormSchema(GalleryFiltersSchema):
    """Add items to a collection, or take them out: from a card, the detail view (one id) or
    the bulk toolbar (the ticked cards: the view passes every `ids` as a list); `place` says
    where to go back to."""

    target = fields.UUID(
        required=True,
        data_key="into",
        error_messages={"required": "Choose a collection.", "invalid": "Choose a collection."},
    )
    ids = fields.List(
        fields.UUID(),
        load_default=list,
        validate=[
            validate.Length(min=1, error="Select at least one item first."),
            validate.Length(
                max=COLLECTION_SELECTION_MAX,
                error=f"Select at most {COLLECTION_SELECTION_MAX} items at a time.",
            ),
        ],
    )
    place = fields.String(
        load_default="card", validate=validate.OneOf(("card", "detail", "toolbar"))
    )


class UncollectFormSchema(CollectFormSchema):
    """Take items out of a collection: the one named `out_of` (apart from the toolbar's
    `into` menu, which the same form carries)."""

    target = fields.UUID(
        required=True,
        data_key="out_of",
        error_messages={"required": "Choose a collection.", "invalid": "Choose a collection."},
    )


class CoverFormSchema(GalleryFiltersSchema):
    """Choose an item as a collection's cover, or go back to the newest (no `media`)."""

    media = fields.UUID(load_default=None)


def confirmation(message: str) -> fields.String:
    """The hidden field of a confirmation step's button: a destroying form needs it."""
    return fields.String(
        required=True,
        validate=validate.Equal("yes", error=message),
        error_messages={"required": message},
    )


class EmptyTrashSchema(BaseSchema):
    confirm = confirmation("Confirm to empty the trash.")


class DeleteForeverSchema(BaseSchema):
    confirm = confirmation("Confirm to delete it forever: it cannot be undone.")


def load_args(
    schema: Schema, data: Mapping[str, Any], *, problem: str = "That request can’t be used."
) -> Any:
    """Load gallery arguments; bad ones become a 400 whose message names them in words."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        details = exc.normalized_messages()
        raise ValidationFailed(f"{problem} {describe_problems(details)}", details=details) from exc


def describe_problems(details: Mapping[str, Any]) -> str:
    """Each field with a problem in words, as "From date: Not a valid date."."""
    parts = []
    for field, messages in details.items():
        if isinstance(messages, Mapping):  # a list field reports its problems per index
            messages = sorted({m for inner in messages.values() for m in inner})
        label = FIELD_LABELS.get(field, field)
        parts.append(f"{label}: {' '.join(str(m) for m in messages)}")
    return " ".join(parts)


class GalleryZipSchema(BaseSchema):
    """The bulk toolbar's "Download zip": every ticked card (the filters ride along, unused)."""

    ids = ticked_ids("item", "Select")

    @pre_load
    def every_ticked_box(self, data, **kwargs):
        return {"ids": ticked(data)}


class GalleryZipArgsSchema(GalleryFiltersSchema, ZipArgsSchema):
    """The history's "Download zip" link: the view's filters and the part."""
