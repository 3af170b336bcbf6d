"""Gallery pages around the grid: detail navigation and sharing, trash, share links, stats."""

import json
import uuid
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from marshmallow import EXCLUDE, Schema, fields, post_load, pre_load, validate

from ..htmx import is_partial_request, render_page_or_partial
from ..identity import Owner, current_owner
from ..schemas import CleanString, MediaFiltersSchema
from ..services import media as media_service
from ..services import shares as share_service
from ..services import stats as stats_service
from ..services.media import MediaFilters
from . import bp, charts
from .views import ordered_settings, page_size, references

# What `flask media purge-trash` removes by default; the trash page tells people so.
TRASH_RETENTION_DAYS = 30
IN_TRASH = MediaFilters(trashed=True)
# The gallery's filter arguments, passed from a card to its detail view and on to its
# neighbours, so previous/next walk the same list the person came from.
FILTER_KEYS = ("type", "q", "model", "favorite", "from", "to", "sort")
EXPIRY_DAYS = {"never": None, "1": 1, "7": 7, "30": 30}


def _drop_blanks(data):
    # An empty menu or search box arrives as `?type=`: that is no filter at all.
    return {key: value for key, value in data.items() if value != ""}


class DetailArgsSchema(MediaFiltersSchema):
    """The detail view's query: the gallery's filters, and a share link just created."""

    shared = fields.UUID(load_default=None)

    @pre_load
    def drop_blanks(self, data, **kwargs):
        return _drop_blanks(data)


class TrashArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    cursor = CleanString(load_default=None, validate=validate.Length(min=1, max=512))


class FavoriteFormSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    favorite = fields.Boolean(required=True)


class ShareFormSchema(Schema):
    """The detail view's share form: an expiry from a menu and an unchecked-or-on checkbox."""

    class Meta:
        unknown = EXCLUDE

    expires = fields.String(load_default="never", validate=validate.OneOf(tuple(EXPIRY_DAYS)))
    hide_prompt = fields.Boolean(load_default=False)

    @post_load
    def to_options(self, data, **kwargs):
        return {"expires_in_days": EXPIRY_DAYS[data["expires"]], "hide_prompt": data["hide_prompt"]}


class EmptyTrashSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    confirm = fields.String(
        required=True, validate=validate.Equal("yes", error="Confirm to empty the trash.")
    )


def nav_args() -> dict[str, str]:
    """The gallery filters of this request's query string, to carry on to the next URL."""
    return {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}


def share_url(link) -> str:
    return url_for("public.shared", token=link.token, _external=True)


def find_share(owner: Owner, media_id: uuid.UUID, share_id: uuid.UUID | None):
    """One of the owner's active links to this item, to show again after a plain POST."""
    if share_id is None:
        return None
    links = share_service.list_shares(owner)
    return next((s for s in links if s.share_id == share_id and s.media_id == media_id), None)


def trash_cards(rows) -> list[dict]:
    return [
        {"media": row, "purge_on": row.deleted_at + timedelta(days=TRASH_RETENTION_DAYS)}
        for row in rows
    ]


# --- detail --------------------------------------------------------------------------------


@bp.get("/media/<uuid:media_id>")
def detail(media_id: uuid.UUID):
    """One item, with previous/next within the filters of the gallery it was opened from."""
    args = DetailArgsSchema().load(request.args)
    shared_id = args.pop("shared")
    filters = MediaFilters(**args)
    owner = current_owner()
    media = media_service.get_media(owner, media_id)
    newer, older = media_service.neighbours(owner, media, filters)
    oldest_first = filters.sort == "oldest"
    settings = ordered_settings(media.settings or {})
    return render_template(
        "gallery/detail.html",
        media=media,
        settings=settings,
        settings_json=json.dumps(dict(settings), indent=2, ensure_ascii=False),
        references=references(media),
        nav=nav_args(),
        previous_item={
            "id": older if oldest_first else newer,
            "label": "Older" if oldest_first else "Newer",
        },
        next_item={
            "id": newer if oldest_first else older,
            "label": "Newer" if oldest_first else "Older",
        },
        new_share=find_share(owner, media_id, shared_id),
        share_url=share_url,
    )


@bp.post("/media/<uuid:media_id>/star")
def star_detail(media_id: uuid.UUID):
    """htmx gets the star button back in its new state; a plain form, a 303 to the item."""
    favorite = FavoriteFormSchema().load(request.form)["favorite"]
    media = media_service.set_favorite(current_owner(), media_id, favorite)
    if not is_partial_request():
        flash("Added to favorites." if favorite else "Removed from favorites.", "success")
        return redirect(url_for("gallery.detail", media_id=media_id, **nav_args()), 303)
    return render_template("partials/detail_favorite.html", media=media, nav=nav_args())


@bp.post("/media/<uuid:media_id>/share")
def share_media(media_id: uuid.UUID):
    """htmx gets the new link to show (and copy); a plain form, a 303 to the item showing it."""
    options = ShareFormSchema().load(request.form)
    link = share_service.create_share(current_owner(), media_id, **options)
    if not is_partial_request():
        flash("Share link created.", "success")
        target = url_for("gallery.detail", media_id=media_id, shared=link.share_id, **nav_args())
        return redirect(f"{target}#share", 303)
    return render_template("partials/share_created.html", link=link, url=share_url(link))


# --- trash ---------------------------------------------------------------------------------


@bp.get("/trash")
def trash():
    """The owner's trash, most recently trashed first; htmx's scroll sentinel gets more."""
    cursor = TrashArgsSchema().load(request.args)["cursor"]
    owner = current_owner()
    page = media_service.list_media(owner, IN_TRASH, limit=page_size(), cursor=cursor)
    # The count only appears on the full page; the scroll fragment skips the extra query.
    count = None if is_partial_request() else media_service.count_matches(owner, IN_TRASH)
    return render_page_or_partial(
        "gallery/trash.html",
        "partials/trash_page.html",
        page=page,
        cards=trash_cards(page.items),
        count=count,
        later_page=bool(cursor),
        retention_days=TRASH_RETENTION_DAYS,
    )


def removed_from_trash(owner: Owner, message: str):
    """htmx gets the new count (and the empty state) out of band; a plain form, a 303."""
    if not is_partial_request():
        flash(message, "success")
        return redirect(url_for("gallery.trash"), 303)
    count = media_service.count_matches(owner, IN_TRASH)
    return render_template("partials/trash_removed.html", count=count)


@bp.post("/trash/<uuid:media_id>/restore")
def restore_from_trash(media_id: uuid.UUID):
    owner = current_owner()
    media_service.restore_media(owner, media_id)
    return removed_from_trash(owner, "Restored to your gallery.")


@bp.post("/trash/<uuid:media_id>/delete")
def delete_forever(media_id: uuid.UUID):
    owner = current_owner()
    media_service.delete_media(owner, media_id, permanent=True, only_trashed=True)
    return removed_from_trash(owner, "Deleted forever.")


@bp.post("/trash/empty")
def empty_trash():
    """Destroy everything in the trash; the form must carry its confirmation."""
    EmptyTrashSchema().load(request.form)
    removed = media_service.empty_trash(current_owner())
    flash(f"Deleted {removed} item{'' if removed == 1 else 's'} forever.", "success")
    return redirect(url_for("gallery.trash"), 303)


# --- share links ---------------------------------------------------------------------------


@bp.get("/shares")
def shares():
    links = share_service.list_shares(current_owner())
    return render_template("gallery/shares.html", links=links, share_url=share_url)


@bp.post("/shares/<uuid:share_id>/revoke")
def revoke_share(share_id: uuid.UUID):
    """htmx gets the new count (and the empty state) out of band; a plain form, a 303."""
    owner = current_owner()
    share_service.revoke_share(owner, share_id)
    if not is_partial_request():
        flash("Link revoked: it no longer opens.", "success")
        return redirect(url_for("gallery.shares"), 303)
    count = len(share_service.list_shares(owner))
    return render_template("partials/share_revoked.html", count=count)


# --- stats ---------------------------------------------------------------------------------


@bp.get("/stats")
def stats():
    numbers = stats_service.media_stats(current_owner())
    return render_template(
        "gallery/stats.html",
        totals=charts.totals(numbers),
        heatmap=charts.heatmap(numbers["byDay"]),
        models=charts.bar_chart(numbers["byModel"]),
    )
