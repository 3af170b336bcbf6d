"""Collections in the gallery: their page, making, renaming, describing and deleting them,
choosing a cover, adding items to them and taking them out (from a card, the detail view or
the bulk toolbar), and saving the grid's search as a smart collection. A collection's own
page is the grid with `?collection=<id>` (history.index), so every filter and page works."""

import uuid

from flask import flash, g, redirect, render_template, request, url_for

from ..htmx import fragment_or_redirect
from ..identity import current_owner
from ..services import collections as collections_service
from ..services import media as media_service
from . import bp
from .forms import (
    CollectFormSchema,
    CollectionFormSchema,
    CoverFormSchema,
    UncollectFormSchema,
    load_args,
)
from .presenters import (
    GalleryView,
    collection_tile,
    collection_url,
    gallery_url,
    items_phrase,
    named,
    notice,
    summary,
)


@bp.app_template_global()
def collection_choices() -> list:
    """The owner's manual collections, for the cards' and the toolbar's "Add to" menus: read
    once per request, and only when a page shows such a menu."""
    if "collection_choices" not in g:
        g.collection_choices = collections_service.manual_collections(current_owner(mint=False))
    return g.collection_choices


@bp.get("/collections")
def collections_page():
    """Every collection, manual and smart, with its cover and live count; the create form."""
    owner = current_owner(mint=False)
    tiles = [collection_tile(s) for s in collections_service.list_collections(owner)]
    return render_template("gallery/collections.html", tiles=tiles)


@bp.post("/collections")
def create_collection():
    """Make a collection (a smart one from the filters sent with it), then open it."""
    form = load_args(
        CollectionFormSchema.once(), request.form, problem="That collection can’t be made."
    )
    search = form["filters"] if form["smart"] else None
    created = collections_service.create_collection(
        current_owner(), form["name"], description=form["description"], search=search
    )
    kind = "smart collection" if search is not None else "collection"
    flash(f"Created the {kind} “{created.name}”.", "success")
    return redirect(collection_url(created), 303)


@bp.get("/collections/<uuid:collection_id>/edit")
def edit_collection(collection_id: uuid.UUID):
    """Rename, describe or delete a collection; a smart one shows what its search is."""
    owner = current_owner(mint=False)
    found = collections_service.get_collection(owner, collection_id)
    tile = collection_tile(collections_service.summarize(owner, found))
    return render_template("gallery/collection_edit.html", tile=tile, collection=found)


@bp.post("/collections/<uuid:collection_id>")
def update_collection(collection_id: uuid.UUID):
    form = load_args(
        CollectionFormSchema.once(), request.form, problem="Those changes can’t be made."
    )
    updated = collections_service.update_collection(
        current_owner(), collection_id, name=form["name"], description=form["description"]
    )
    flash(f"Saved “{updated.name}”.", "success")
    return redirect(collection_url(updated), 303)


@bp.post("/collections/<uuid:collection_id>/delete")
def delete_collection(collection_id: uuid.UUID):
    """Delete a collection; its items stay in the history."""
    gone = collections_service.delete_collection(current_owner(), collection_id)
    flash(f"Deleted the collection “{gone.name}”; its items are still in your history.", "success")
    return redirect(url_for("gallery.collections_page"), 303)


def _detail_panel(owner, media_id: uuid.UUID, view: GalleryView) -> dict:
    return {
        "media": media_service.get_media(owner, media_id),
        "holding": collections_service.collections_of(owner, media_id),
        "nav": view.params,
        "view": view,
    }


def _back(place: str, ids: list[uuid.UUID], view: GalleryView) -> str:
    if place == "detail":
        return url_for("gallery.detail", media_id=ids[0], **view.params, _anchor="collections")
    return gallery_url(view, anchor=f"media-{ids[0]}" if place == "card" else None)


@bp.post("/collections/<uuid:collection_id>/cover")
def set_cover(collection_id: uuid.UUID):
    """Show an item as the collection's cover (from the detail view), or the newest again."""
    form = load_args(CoverFormSchema.once(), request.form)
    view, media_id = GalleryView(form["filters"]), form["media"]
    owner = current_owner()
    updated = collections_service.update_collection(owner, collection_id, cover_id=media_id)
    if media_id is None:
        flash(f"“{updated.name}” shows its newest item as its cover again.", "success")
        return redirect(url_for("gallery.edit_collection", collection_id=collection_id), 303)
    text = f"“{updated.name}” shows this item as its cover."
    return fragment_or_redirect(
        "partials/item_collections.html",
        lambda: {**_detail_panel(owner, media_id, view), "notice": notice(text)},
        message=text,
        to=_back("detail", [media_id], view),
    )


def _with_ids() -> dict:
    """The form's fields, with every ticked `ids` (a form repeats it once per card)."""
    return {**request.form.to_dict(), "ids": request.form.getlist("ids")}


@bp.post("/collections/add")
def collect():
    """Add the item (a card, the detail view) or the ticked cards (the toolbar) to a collection."""
    form = load_args(CollectFormSchema.once(), _with_ids(), problem="Nothing was added.")
    view, ids, place = GalleryView(form["filters"]), form["ids"], form["place"]
    owner = current_owner()
    change = collections_service.add_items(owner, form["target"], ids)
    into = collections_service.get_collection(owner, form["target"])
    prompts = media_service.prompts_of(owner, ids)
    text = f"Added {named(len(change.changed), prompts)} to “{into.name}”."
    if not change.changed:
        text = f"{'It was' if len(ids) == 1 else 'They were'} in “{into.name}” already."
    elif change.unchanged:
        was = "was" if len(change.unchanged) == 1 else "were"
        text += f" {items_phrase(len(change.unchanged))} {was} in it already."
    link = {"href": collection_url(into), "label": f"Open “{into.name}”"}
    done = notice(text, link=link)
    if place == "detail":
        return fragment_or_redirect(
            "partials/item_collections.html",
            lambda: {**_detail_panel(owner, ids[0], view), "notice": done},
            message=done,
            to=_back(place, ids, view),
        )
    return fragment_or_redirect(
        "partials/notice_oob.html",
        lambda: {"notice": done},
        message=done,
        to=_back(place, ids, view),
    )


@bp.post("/collections/remove")
def uncollect():
    """Take the item or the ticked cards out of a collection (they stay in the history); on
    that collection's page their cards go."""
    form = load_args(UncollectFormSchema.once(), _with_ids(), problem="Nothing was removed.")
    view, ids, place = GalleryView(form["filters"]), form["ids"], form["place"]
    owner = current_owner()
    change = collections_service.remove_items(owner, form["target"], ids)
    source = collections_service.get_collection(owner, form["target"])
    prompts = media_service.prompts_of(owner, change.changed)
    text = (
        f"Removed {named(len(change.changed), prompts)} from “{source.name}”; "
        f"{'it is' if len(change.changed) == 1 else 'they are'} still in your history."
        if change.changed
        else f"Nothing to remove: not in “{source.name}”."
    )
    done = notice(text)
    if place == "detail":
        return fragment_or_redirect(
            "partials/item_collections.html",
            lambda: {**_detail_panel(owner, ids[0], view), "notice": done},
            message=done,
            to=_back(place, ids, view),
        )
    in_it = view.filters.collection == source.id
    return fragment_or_redirect(
        "partials/cards_changed.html",
        lambda: {
            "view": view,
            "tab": view.tab,
            "notice": done,
            "removed": change.changed if in_it else [],
            **summary(owner, view),
        },
        message=done,
        to=gallery_url(view),
    )


def current_collection(owner, view: GalleryView):
    """The collection a grid shows (`collection` in its filters), summarized; None when it
    shows the whole history. NotFound when it is not the owner's."""
    if view.filters.collection is None:
        return None
    found = collections_service.get_collection(owner, view.filters.collection)
    return collection_tile(collections_service.summarize(owner, found))
