"""The trash: what was deleted, most recently first; restore, delete forever, empty it."""

import uuid

from flask import flash, redirect, request, url_for

from ..htmx import fragment_or_redirect, is_partial_request, render_page_or_partial
from ..identity import Owner, current_owner
from ..schemas import MediaFilters
from ..services import media as media_service
from . import bp
from .forms import DeleteForeverSchema, EmptyTrashSchema, TrashArgsSchema, load_args
from .presenters import (
    TRASH_RETENTION_DAYS,
    destroyed_notice,
    items_phrase,
    notice,
    page_size,
    trash_cards,
    trash_restored_notice,
)

IN_TRASH = MediaFilters(trashed=True)


@bp.get("/trash")
def trash():
    """The owner's trash, most recently trashed first; htmx's scroll sentinel gets more."""
    cursor = load_args(TrashArgsSchema.once(), request.args)["cursor"]
    owner = current_owner(mint=False)
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


def removed_from_trash(owner: Owner, done: dict):
    """htmx gets the notice, the new count (and the empty state) out of band; a plain form,
    a 303 with the same notice."""
    return fragment_or_redirect(
        "partials/trash_removed.html",
        lambda: {"count": media_service.count_matches(owner, IN_TRASH), "notice": done},
        message=done,
        to=url_for("gallery.trash"),
    )


@bp.post("/trash/<uuid:media_id>/restore")
def restore_from_trash(media_id: uuid.UUID):
    owner = current_owner()
    media = media_service.restore_media(owner, media_id)
    return removed_from_trash(owner, trash_restored_notice(media))


@bp.post("/trash/<uuid:media_id>/delete")
def delete_forever(media_id: uuid.UUID):
    """Destroy one trashed item; the form must carry its confirmation (it cannot be undone)."""
    load_args(DeleteForeverSchema.once(), request.form)
    owner = current_owner()
    media = media_service.delete_media(owner, media_id, permanent=True, only_trashed=True)
    return removed_from_trash(owner, destroyed_notice(media))


@bp.post("/trash/empty")
def empty_trash():
    """Destroy everything in the trash; the form must carry its confirmation."""
    load_args(EmptyTrashSchema.once(), request.form)
    removed = media_service.empty_trash(current_owner())
    flash(notice(f"Deleted {items_phrase(removed)} forever; the trash is empty."), "success")
    return redirect(url_for("gallery.trash"), 303)
