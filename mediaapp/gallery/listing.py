"""How the gallery reads a view (search, filters, paging) from a request and dates its cards."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

from ..errors import ValidationFailed
from ..schemas import MEDIA_TYPES, BulkActionSchema, CleanString, MediaFiltersSchema
from ..services.media import MediaFilters

# A date group's key: what the scroll sentinel passes on so the next page's first heading is
# left out when it continues the same group.
GROUP_KEY = r"^(today|yesterday|week|\d{4}-\d{2})$"
# The gallery offers these; "purge" (destroy for good) belongs to the trash.
GALLERY_BULK_ACTIONS = ("delete", "restore", "favorite", "unfavorite")
BULK_MAX = 500
# How people read each argument's name in an error message.
FIELD_LABELS = {
    "type": "Type",
    "q": "Search",
    "model": "Model",
    "favorite": "Favorites",
    "from": "From date",
    "to": "To date",
    "sort": "Sort",
    "cursor": "Page",
    "group": "Page",
    "action": "Action",
    "ids": "Selection",
    "confirm": "Confirmation",
}


def _drop_blanks(data: Mapping[str, Any]) -> dict[str, Any]:
    # A GET form sends every control, so `?q=&model=&from=` means no filter at all.
    return {key: value for key, value in data.items() if value != ""}


class GalleryFiltersSchema(MediaFiltersSchema):
    """The gallery's filters as a form or a URL sends them (blank controls are unset)."""

    @pre_load
    def drop_blanks(self, data, **kwargs):
        return _drop_blanks(data)


class GalleryArgsSchema(GalleryFiltersSchema):
    """Query arguments of the gallery: the filters, where the page starts, the last heading."""

    cursor = CleanString(load_default=None, validate=validate.Length(min=1, max=512))
    group = fields.String(load_default=None, validate=validate.Regexp(GROUP_KEY))


class PruneSchema(Schema):
    """The scope of "delete everything except favorites": a type, dates, or everything."""

    type = fields.String(load_default=None, validate=validate.OneOf(MEDIA_TYPES))
    date_from = fields.Date(data_key="from", load_default=None)
    date_to = fields.Date(data_key="to", load_default=None)

    class Meta:
        unknown = EXCLUDE

    @pre_load
    def drop_blanks(self, data, **kwargs):
        return _drop_blanks(data)


class ConfirmPruneSchema(PruneSchema):
    """The confirmation form: the same scope plus the button that says yes."""

    confirm = fields.Boolean(
        required=True,
        validate=validate.Equal(True, error="Press the confirm button to go ahead."),
        error_messages={"required": "Press the confirm button to go ahead."},
    )


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


def load_args(
    schema: Schema, data: Mapping[str, Any], *, problem: str = "That request can’t be used."
) -> dict[str, Any]:
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


# --- the view a page shows -----------------------------------------------------------------


@dataclass(frozen=True)
class GalleryView:
    """The filters one gallery page shows, and the URL arguments that reproduce it."""

    filters: MediaFilters = MediaFilters()

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> "GalleryView":
        keys = ("type", "q", "model", "favorite", "date_from", "date_to", "sort")
        return cls(MediaFilters(**{key: args.get(key) for key in keys if key in args}))

    @property
    def tab(self) -> str | None:
        return self.filters.type

    @property
    def params(self) -> dict[str, str]:
        """URL arguments for url_for and hidden form fields; defaults are left out."""
        f = self.filters
        values = {
            "type": f.type,
            "q": f.q,
            "model": f.model,
            "favorite": None if f.favorite is None else ("true" if f.favorite else "false"),
            "from": f.date_from.isoformat() if f.date_from else None,
            "to": f.date_to.isoformat() if f.date_to else None,
            "sort": f.sort if f.sort != "newest" else None,
        }
        return {key: value for key, value in values.items() if value is not None}

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the type tab and the order filters the history."""
        f = self.filters
        return any((f.q, f.model, f.favorite is not None, f.date_from, f.date_to))

    def and_(self, **extra: str | None) -> dict[str, str]:
        """The view's URL arguments followed by more (paging), leaving out empty ones."""
        return {**self.params, **{key: value for key, value in extra.items() if value}}

    def with_type(self, media_type: str | None) -> dict[str, str]:
        return GalleryView(replace(self.filters, type=media_type)).params

    def cleared(self) -> dict[str, str]:
        """The same tab and order with every filter removed."""
        return GalleryView(MediaFilters(type=self.filters.type, sort=self.filters.sort)).params

    @property
    def chips(self) -> list[dict[str, Any]]:
        """The active filters in words, each with the URL arguments of the view without it."""
        f = self.filters
        active = (
            ("q", f.q, f"“{f.q}”"),
            ("model", f.model, f.model),
            ("favorite", f.favorite is not None, "Favorites" if f.favorite else "Not favorites"),
            ("date_from", f.date_from, f"From {readable_day(f.date_from)}"),
            ("date_to", f.date_to, f"Until {readable_day(f.date_to)}"),
        )
        return [
            {"label": label, "remove": GalleryView(replace(f, **{key: None})).params}
            for key, present, label in active
            if present
        ]

    @property
    def prune_scope(self) -> dict[str, str]:
        """What "Delete everything except favorites" offers from here: the tab and dates."""
        return {k: v for k, v in self.params.items() if k in ("type", "from", "to")}


def readable_day(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def model_choices(models: Iterable[str], current: str | None) -> list[dict]:
    """The model menu: the owner's models by name, plus the current one if it has no items."""
    choices = [{"value": model, "label": model} for model in models]
    if current and current not in models:
        choices.insert(0, {"value": current, "label": f"{current} (no items)"})
    return choices


# --- date headings -------------------------------------------------------------------------


@dataclass(frozen=True)
class DateGroup:
    key: str
    label: str


@dataclass(frozen=True)
class Entry:
    """A card, and the heading to show before it when it starts a new date group."""

    media: Any
    heading: DateGroup | None


def date_group(created_at: datetime, today: date) -> DateGroup:
    """Today, Yesterday, This week (the calendar week, Monday first), then the month; UTC."""
    day = created_at.astimezone(UTC).date()
    if day >= today:  # a clock a little ahead still reads as today
        return DateGroup("today", "Today")
    if day == today - timedelta(days=1):
        return DateGroup("yesterday", "Yesterday")
    if day >= today - timedelta(days=today.weekday()):
        return DateGroup("week", "This week")
    return DateGroup(f"{day:%Y-%m}", f"{day:%B %Y}")


def dated_entries(
    rows: Iterable[Any], *, previous: str | None, now: datetime
) -> tuple[list[Entry], str | None]:
    """Cards with a heading wherever the group changes; also the last group's key.

    `previous` is the group the page before ended with, so a continued group gets no second
    heading.
    """
    today = now.astimezone(UTC).date()
    entries, last = [], previous
    for row in rows:
        group = date_group(row.created_at, today)
        entries.append(Entry(row, group if group.key != last else None))
        last = group.key
    return entries, last
