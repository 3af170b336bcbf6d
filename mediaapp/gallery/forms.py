"""What the gallery's pages and forms accept: their schemas, and one way to load them."""

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate

from ..errors import ValidationFailed
from ..schemas import (
    COLLECTION_SELECTION_MAX,
    BaseSchema,
    BulkActionSchema,
    CleanString,
    MediaFiltersSchema,
    ZipArgsSchema,
    collection_name_field,
    field_labels,
)

# A date group's key: what the scroll sentinel passes on so the next page's first heading is
# left out when it continues the same group.
GROUP_KEY = r"^(today|yesterday|week|\d{4}-\d{2})$"
# The gallery offers these; "purge" (destroy for good) belongs to the trash.
GALLERY_BULK_ACTIONS = ("delete", "restore", "favorite", "unfavorite")
BULK_MAX = 500
EXPIRY_DAYS = {"never": None, "1": 1, "7": 7, "30": 30}
# How people read the arguments that are not filters (the filters label themselves).
FIELD_LABELS = {
    **field_labels(MediaFiltersSchema()),
    "cursor": "Page",
    "group": "Page",
    "action": "Action",
    "ids": "Selection",
    "confirm": "Confirmation",
    "select": "Selection",
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


class GalleryBulkSchema(BulkActionSchema):
    """The bulk toolbar's form: the button pressed and every ticked card."""

    action = fields.String(
        required=True,
        validate=validate.OneOf(GALLERY_BULK_ACTIONS),
        error_messages={"required": "Choose an action."},
    )
    ids = fields.List(
        fields.UUID(),
        load_default=list,
        validate=[
            validate.Length(min=1, error="Select at least one item first."),
            validate.Length(max=BULK_MAX, error=f"Select at most {BULK_MAX} items at a time."),
        ],
    )

    @pre_load
    def every_ticked_box(self, data, **kwargs):
        # A form repeats `ids` once per ticked card; a plain mapping would keep only one.
        ids = data.getlist("ids") if hasattr(data, "getlist") else data.get("ids")
        loaded = {"ids": ids or []}
        if data.get("action"):
            loaded["action"] = data["action"]
        return loaded


class ShareFormSchema(BaseSchema):
    """The detail view's share form: an expiry from a menu and an unchecked-or-on checkbox."""

    expires = fields.String(load_default="never", validate=validate.OneOf(tuple(EXPIRY_DAYS)))
    hide_prompt = fields.Boolean(load_default=False)

    @post_load
    def to_options(self, data, **kwargs):
        return {"expires_in_days": EXPIRY_DAYS[data["expires"]], "hide_prompt": data["hide_prompt"]}


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

    ids = fields.List(
        fields.UUID(),
        load_default=list,
        validate=[
            validate.Length(min=1, error="Select at least one item first."),
            validate.Length(max=BULK_MAX, error=f"Select at most {BULK_MAX} items at a time."),
        ],
    )

    @pre_load
    def every_ticked_box(self, data, **kwargs):
        ids = data.getlist("ids") if hasattr(data, "getlist") else data.get("ids")
        return {"ids": ids or []}


class GalleryZipArgsSchema(GalleryFiltersSchema, ZipArgsSchema):
    """The history's "Download zip" link: the view's filters and the part."""
