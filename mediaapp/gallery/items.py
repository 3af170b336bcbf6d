"""One item: its detail view, its star and rating, moving it to the trash and back, sharing it."""

import uuid

from flask import flash, redirect, render_template, request, url_for

from ..htmx import fragment_or_redirect, go_to
from ..identity import current_owner
from ..services import collections as collections_service
from ..services import media as media_service
from ..services import shares as share_service
from . import bp
from .forms import (
    DeleteFormSchema,
    DetailArgsSchema,
    FavoriteFormSchema,
    GalleryFiltersSchema,
    RateFormSchema,
    RestoreFormSchema,
    ShareFormSchema,
    load_args,
)
from .presenters import (
    GalleryView,
    cards_page,
    gallery_url,
    generation_facts,
    neighbour_links,
    ordered_settings,
    rated_notice,
    references,
    restored_notice,
    settings_json,
    share_url,
    summary,
    trash_notice,
)


def detail_url(media_id: uuid.UUID, view: GalleryView, **extra) -> str:
    return url_for("gallery.detail", media_id=media_id, **view.params, **extra)


@bp.get("/media/<uuid:media_id>")
def detail(media_id: uuid.UUID):
    """One item, with previous/next within the filters of the gallery it was opened from."""
    args = load_args(DetailArgsSchema.once(), request.args)
    view = GalleryView(args["filters"])
    owner = current_owner(mint=False)
    media = media_service.get_media(owner, media_id)
    newer, older = media_service.neighbours(owner, media, view.filters)
    previous_item, next_item = neighbour_links(newer, older, view.filters)
    # After a delete, culling moves on: to the next item, or the previous one at the end.
    after_delete = next_item["id"] or previous_item["id"]
    settings = ordered_settings(media.settings or {})
    shared = args["shared"]
    return render_template(
        "gallery/detail.html",
        media=media,
        settings=settings,
        settings_json=settings_json(settings),
        references=references(media),
        generation=generation_facts(media),
        view=view,
        nav=view.params,
        previous_item=previous_item,
        next_item=next_item,
        after_delete=after_delete,
        new_share=share_service.find_share(owner, media_id, shared) if shared else None,
        holding=collections_service.collections_of(owner, media_id),
        share_url=share_url,
    )


@bp.post("/media/<uuid:media_id>/favorite")
def favorite_card(media_id: uuid.UUID):
    """Star or unstar, from a card or the detail view: htmx gets that star back in its new
    state; a plain form, a 303 back to where it was pressed."""
    form = load_args(FavoriteFormSchema.once(), request.form)
    view, star, place = GalleryView(form["filters"]), form["star"], form["place"]
    media = media_service.set_favorite(current_owner(), media_id, star)
    back = (
        detail_url(media_id, view)
        if place == "detail"
        else gallery_url(view, anchor=f"media-{media_id}")
    )
    return fragment_or_redirect(
        "partials/detail_favorite.html" if place == "detail" else "partials/favorite_toggle.html",
        lambda: {"media": media, "view": view},
        message="Added to favorites." if star else "Removed from favorites.",
        to=back,
    )


@bp.post("/media/<uuid:media_id>/rating")
def rate_media(media_id: uuid.UUID):
    """Rate from the detail view (0 clears): htmx gets the rating buttons back in their new
    state; a plain form, a 303 back to the item in the same filters."""
    form = load_args(RateFormSchema.once(), request.form)
    view = GalleryView(form["filters"])
    media = media_service.set_rating(current_owner(), media_id, form["rating"])
    return fragment_or_redirect(
        "partials/detail_rating.html",
        lambda: {
            "media": media,
            "view": view,
            "announce": True,
            "rated_text": rated_notice(media.rating),
        },
        message=rated_notice(media.rating),
        to=detail_url(media_id, view),
    )


@bp.post("/media/<uuid:media_id>/delete")
def delete_card(media_id: uuid.UUID):
    """Move a card to the trash: htmx empties the card's place and shows Undo; a plain form,
    a 303 whose flash carries the Undo form. From the detail view (`then`), the 303 goes on
    to the next item instead, and the Undo comes back to this one."""
    form = load_args(DeleteFormSchema.once(), request.form)
    view = GalleryView(form["filters"])
    owner = current_owner()
    media = media_service.delete_media(owner, media_id)
    prompts = [media.prompt]
    if form["then"]:
        flash(
            trash_notice([media_id], [], view, prompts=prompts, for_flash=True, to_item=True),
            "success",
        )
        return redirect(detail_url(form["then"], view), 303)
    return fragment_or_redirect(
        "partials/cards_changed.html",
        lambda: {
            "view": view,
            "tab": view.tab,
            "notice": trash_notice([media_id], [], view, prompts=prompts, for_flash=False),
            **summary(owner, view),
        },
        message=trash_notice([media_id], [], view, prompts=prompts, for_flash=True),
        to=gallery_url(view),
    )


@bp.post("/media/<uuid:media_id>/restore")
def restore_card(media_id: uuid.UUID):
    """Undo a delete: bring the item back from the trash (place=detail: back to the item's
    own page, for htmx too, which is told to go there)."""
    form = load_args(RestoreFormSchema.once(), request.form)
    view = GalleryView(form["filters"])
    owner = current_owner()
    media = media_service.restore_media(owner, media_id)
    done = restored_notice([media_id], [], [media.prompt])
    if form["place"] == "detail":
        flash(done, "success")
        return go_to(detail_url(media_id, view))
    return fragment_or_redirect(
        "partials/restored.html",
        lambda: {
            "notice": done,
            "view": view,
            "tab": view.tab,
            "later_page": False,
            **cards_page(owner, view),
            **summary(owner, view),
        },
        message=done,
        to=gallery_url(view, anchor=f"media-{media_id}"),
    )


@bp.post("/media/<uuid:media_id>/share")
def share_media(media_id: uuid.UUID):
    """htmx gets the new link to show (and copy); a plain form, a 303 to the item showing it."""
    options = load_args(ShareFormSchema.once(), request.form)
    view = GalleryView(load_args(GalleryFiltersSchema.once(), request.args))
    link = share_service.create_share(current_owner(), media_id, **options)
    return fragment_or_redirect(
        "partials/share_created.html",
        lambda: {"link": link, "url": share_url(link)},
        message="Share link created.",
        to=detail_url(media_id, view, shared=link.share_id, _anchor="share"),
    )
