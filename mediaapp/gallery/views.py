"""Gallery routes: the history grid with search and filters, favorites, trash with Undo,
bulk actions and pruning, and the demo history."""

import json
import shlex
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from marshmallow import EXCLUDE, Schema, fields

from ..extensions import limiter
from ..filters import current_viewer
from ..htmx import is_partial_request, render_page_or_partial
from ..identity import Owner, current_owner
from ..services import media as media_service
from ..services.demo import seed_demo_history
from ..services.media import MediaFilters
from . import bp
from .listing import (
    ConfirmPruneSchema,
    GalleryArgsSchema,
    GalleryBulkSchema,
    GalleryFiltersSchema,
    GalleryView,
    PruneSchema,
    dated_entries,
    load_args,
    model_choices,
)

DEFAULT_PAGE_SIZE = 24
# The settings every generator sends, in the order people read them; other keys follow.
SETTINGS_ORDER = ("model", "style", "resolution", "shotSize", "duration", "frameRate", "seed")
# A flashed Undo rides in the session cookie (about 4 KB): past this many ids it points to
# the Trash instead.
UNDO_IN_FLASH_MAX = 50
BULK_DONE = {
    "delete": "Moved {n} to the trash.",
    "favorite": "Added {n} to favorites.",
    "unfavorite": "Removed {n} from favorites.",
}


class StarFormSchema(Schema):
    """A card's star form: the state it asks for (named apart from the `favorite` filter)."""

    class Meta:
        unknown = EXCLUDE

    star = fields.Boolean(required=True)


def page_size() -> int:
    return current_app.config.get("GALLERY_PAGE_SIZE", DEFAULT_PAGE_SIZE)


def items_phrase(n: int) -> str:
    """One item or several, in words: "1 item", "3 items"."""
    return f"{n} item" if n == 1 else f"{n} items"


def view_from_form() -> GalleryView:
    """The view a form was posted from (its hidden fields), to answer or redirect to."""
    return GalleryView.from_args(load_args(GalleryFiltersSchema(), request.form))


def gallery_url(view: GalleryView, anchor: str | None = None) -> str:
    return url_for("gallery.index", **view.params, _anchor=anchor)


def count_view(owner: Owner, view: GalleryView, counts: dict[str, int]) -> int:
    """How many items the view matches; the tab counts already know when nothing narrows it."""
    if view.narrowed:
        return media_service.count_matches(owner, view.filters)
    return counts[view.tab or "all"]


def summary(owner: Owner, view: GalleryView) -> dict[str, Any]:
    """What the results bar and the empty state show: tab counts, matches, curl examples."""
    counts = media_service.count_media(owner)
    return {
        "counts": counts,
        "matches": count_view(owner, view, counts),
        "examples": api_examples(current_viewer().email),
    }


def cards_page(
    owner: Owner, view: GalleryView, *, cursor: str | None = None, group: str | None = None
) -> dict[str, Any]:
    """One page of the view's cards under date headings; `group` is the heading before it."""
    page = media_service.list_media(owner, view.filters, limit=page_size(), cursor=cursor)
    entries, last_group = dated_entries(page.items, previous=group, now=datetime.now(UTC))
    return {"page": page, "entries": entries, "last_group": last_group}


def notice(text: str, *, undo: dict | None = None, link: dict | None = None) -> dict[str, Any]:
    """A message for the flash area; a plain dict, so it also survives a flash in the cookie."""
    return {"text": text, "category": "success", "undo": undo, "link": link}


def trash_notice(
    ids: list[uuid.UUID], missing: list[uuid.UUID], view: GalleryView, *, for_flash: bool
) -> dict[str, Any]:
    """A "Moved to trash" notice whose Undo restores exactly these items, back to view."""
    text = "Moved to trash." if len(ids) == 1 else f"Moved {items_phrase(len(ids))} to the trash."
    text += not_found(missing)
    back = list(view.params.items())
    if not ids:
        return notice(text)
    if for_flash and len(ids) > UNDO_IN_FLASH_MAX:
        return notice(text, link=trash_link())
    if len(ids) == 1:
        undo = {"url": url_for("gallery.restore_card", media_id=ids[0]), "fields": back}
    else:
        fields_ = [("action", "restore"), *(("ids", str(i)) for i in ids), *back]
        undo = {"url": url_for("gallery.bulk_action"), "fields": fields_}
    return notice(text, undo=undo)


def bulk_notice(
    action: str, changed: list, missing: list, view: GalleryView, *, for_flash: bool
) -> dict[str, Any]:
    """What a toolbar action did, in words; a delete's notice offers Undo."""
    if action == "delete":
        return trash_notice(changed, missing, view, for_flash=for_flash)
    return notice(BULK_DONE[action].format(n=items_phrase(len(changed))) + not_found(missing))


def not_found(missing: list) -> str:
    return f" {items_phrase(len(missing))} could not be found." if missing else ""


def trash_link() -> dict[str, str] | None:
    """A link to the Trash page for a notice (None while the blueprint has no such page)."""
    if "gallery.trash" not in current_app.view_functions:
        return None
    return {"href": url_for("gallery.trash"), "label": "Open the Trash"}


def api_examples(email: str | None) -> dict[str, str]:
    """Copyable curl lines that log in into a cookie jar and save one item on this server."""
    base = request.host_url.rstrip("/")
    credentials = {"email": email or "you@example.com", "password": "your-password"}
    item = {
        "type": "image",
        "url": "https://example.com/images/fox.png",
        "prompt": "A red fox in fresh snow, golden hour",
        "model": "flux-1-dev",
        "settings": {
            "model": "flux-1-dev",
            "style": "photorealistic",
            "resolution": "1024x1024",
            "shotSize": "medium shot",
        },
    }

    def curl(jar_flag: str, body: dict, path: str, *, indent: int | None = None) -> str:
        # Shown indented under `-d`; whitespace inside the JSON is harmless to the server.
        data = json.dumps(body, indent=indent).replace("\n", "\n  ")
        return (
            f"curl {jar_flag} jar -H 'Content-Type: application/json' \\\n"
            f"  -d {shlex.quote(data)} \\\n"
            f"  {shlex.quote(base + path)}"
        )

    return {
        "login": curl("-c", credentials, "/api/auth/login"),
        "save": curl("-b", item, "/api/media/save", indent=2),
    }


def ordered_settings(settings: dict) -> list[tuple[str, object]]:
    """Settings as (key, value) pairs, the familiar keys first, then the rest by name."""
    known = [(key, settings[key]) for key in SETTINGS_ORDER if key in settings]
    rest = sorted((key, value) for key, value in settings.items() if key not in SETTINGS_ORDER)
    return known + rest


def references(media) -> list[tuple[str, str]]:
    """The optional ids a generator attaches, labelled, leaving out the ones it did not send."""
    labelled = (
        ("Project", media.project_id),
        ("Request", media.request_id),
        ("File", media.file_id),
    )
    return [(label, value) for label, value in labelled if value]


@bp.get("/")
def index():
    """The owner's history as the view asks; htmx gets the results region or the next cards."""
    args = load_args(GalleryArgsSchema(), request.args, problem="Those filters can’t be used.")
    view = GalleryView.from_args(args)
    owner = current_owner()
    cursor = args["cursor"]
    partial = is_partial_request()
    # The scroll sentinel continues the date group the previous page ended with; a page read
    # on its own (a later page without JavaScript) starts with its heading.
    context = cards_page(owner, view, cursor=cursor, group=args["group"] if partial else None)
    if not (partial and cursor):  # the scroll fragment skips the counting queries
        context.update(summary(owner, view))
    if not partial:
        context["models"] = model_choices(media_service.list_model_names(owner), view.filters.model)
    response = render_page_or_partial(
        "gallery/index.html",
        "partials/media_page.html" if cursor else "partials/gallery_results.html",
        view=view,
        tab=view.tab,
        later_page=bool(cursor),
        **context,
    )
    if partial and not cursor:
        # A search pushes its URL: push the tidy one (no blank controls) for bookmarks.
        response.headers["HX-Push-Url"] = gallery_url(view)
    return response


@bp.post("/media/<uuid:media_id>/favorite")
def favorite_card(media_id: uuid.UUID):
    """htmx gets the star back in its new state; a plain form, a 303 back to the card."""
    star = load_args(StarFormSchema(), request.form)["star"]
    view = view_from_form()
    media = media_service.set_favorite(current_owner(), media_id, star)
    if not is_partial_request():
        flash("Added to favorites." if star else "Removed from favorites.", "success")
        return redirect(gallery_url(view, anchor=f"media-{media_id}"), 303)
    return render_template("partials/favorite_toggle.html", media=media, view=view)


@bp.post("/media/<uuid:media_id>/delete")
def delete_card(media_id: uuid.UUID):
    """Move a card to the trash: htmx empties the card's place and shows Undo; a plain form,
    a 303 whose flash carries the Undo form."""
    view = view_from_form()
    owner = current_owner()
    media_service.delete_media(owner, media_id)
    if not is_partial_request():
        flash_notice(trash_notice([media_id], [], view, for_flash=True))
        return redirect(gallery_url(view), 303)
    return render_template(
        "partials/cards_changed.html",
        view=view,
        tab=view.tab,
        notice=trash_notice([media_id], [], view, for_flash=False),
        **summary(owner, view),
    )


@bp.post("/media/<uuid:media_id>/restore")
def restore_card(media_id: uuid.UUID):
    """Undo a delete: bring the item back from the trash."""
    view = view_from_form()
    owner = current_owner()
    media_service.restore_media(owner, media_id)
    return restored(owner, view, [media_id], [])


@bp.post("/media/bulk")
def bulk_action():
    """One action on every ticked card, in one request; htmx changes the cards in place."""
    args = load_args(GalleryBulkSchema(), request.form)
    view = view_from_form()
    owner = current_owner()
    action = args["action"]
    changed, missing = media_service.bulk_action(owner, action, args["ids"])
    if action == "restore":
        return restored(owner, view, changed, missing)
    if not is_partial_request():
        flash_notice(bulk_notice(action, changed, missing, view, for_flash=True))
        return redirect(gallery_url(view), 303)
    deleted = action == "delete"
    return render_template(
        "partials/cards_changed.html",
        view=view,
        tab=view.tab,
        notice=bulk_notice(action, changed, missing, view, for_flash=False),
        removed=changed if deleted else [],
        starred=[] if deleted else [{"id": i, "favorite": action == "favorite"} for i in changed],
        **summary(owner, view),
    )


def restored(owner: Owner, view: GalleryView, changed: list, missing: list):
    """After an Undo: htmx gets a confirmation in the notice's place and the refreshed
    results; a plain form, a 303 back to the view."""
    done = notice(f"Restored {items_phrase(len(changed))} from the trash.{not_found(missing)}")
    if not is_partial_request():
        flash_notice(done)
        return redirect(gallery_url(view, anchor=f"media-{changed[0]}" if changed else None), 303)
    return render_template(
        "partials/restored.html",
        notice=done,
        view=view,
        tab=view.tab,
        later_page=False,
        **cards_page(owner, view),
        **summary(owner, view),
    )


def flash_notice(message: dict[str, Any]) -> None:
    flash(message, message["category"])


@bp.get("/prune")
def confirm_prune():
    """How many items "delete everything except favorites" would trash, before it does."""
    scope = load_args(PruneSchema(), request.args, problem="Those limits can’t be used.")
    owner = current_owner()
    return render_template(
        "gallery/prune.html",
        view=GalleryView(MediaFilters(**scope)),
        doomed=media_service.count_matches(owner, MediaFilters(**scope, favorite=False)),
        kept=media_service.count_matches(owner, MediaFilters(**scope, favorite=True)),
    )


@bp.post("/prune")
def prune():
    """Move every non-favorite (of a type, within dates) to the trash, then back to the grid."""
    scope = load_args(ConfirmPruneSchema(), request.form)
    scope.pop("confirm")
    trashed = media_service.trash_all_except_favorites(current_owner(), MediaFilters(**scope))
    text = f"Moved {items_phrase(trashed)} to the trash; your favorites stayed."
    if trashed:
        text += " Changed your mind? You can restore them from the Trash."
    flash_notice(notice(text, link=trash_link() if trashed else None))
    return redirect(url_for("gallery.index", type=scope["type"]), 303)


@bp.post("/demo")
@limiter.limit(lambda: current_app.config["AUTH_RATE_LIMIT"])
def load_demo():
    """Fill the owner's history with demo items (writes rows, so rate-limited like logins)."""
    added = seed_demo_history(current_owner())
    if added:
        flash(f"Loaded {added} demo items into your history.", "success")
    else:
        flash("The demo history is already in your gallery.", "info")
    return redirect(url_for("gallery.index"), 303)
