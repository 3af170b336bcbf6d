"""The history grid: search and filters, infinite scroll, bulk actions, pruning, the demo."""

from flask import current_app, flash, redirect, render_template, request, url_for

from ..htmx import fragment_or_redirect, is_partial_request, render_page_or_partial
from ..identity import current_owner, logged_out_here
from ..limits import route_limit
from ..services import media as media_service
from ..services.demo import seed_demo_history
from ..sql import reads_outside_a_transaction
from . import bp
from .collections import current_collection
from .forms import (
    ConfirmPruneSchema,
    GalleryArgsSchema,
    GalleryBulkSchema,
    GalleryFiltersSchema,
    PruneScopeSchema,
    load_args,
)
from .presenters import (
    GalleryView,
    bulk_notice,
    cards_page,
    gallery_url,
    items_phrase,
    model_choices,
    notice,
    restored_notice,
    summary,
    trash_link,
)


@bp.get("/")
@reads_outside_a_transaction
def index():
    """The owner's history as the view asks; htmx gets the results region or the next cards.

    The one page that gives a new visitor its guest identity: it is where the cache script
    keeps (and queues) that owner's items, under a key that must not change after first paint.
    """
    args = load_args(GalleryArgsSchema.once(), request.args, problem="Those filters can’t be used.")
    view = GalleryView(args["filters"])
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
        context["collection"] = current_collection(owner, view)
    response = render_page_or_partial(
        "gallery/index.html",
        "partials/media_page.html" if cursor else "partials/gallery_results.html",
        view=view,
        tab=view.tab,
        later_page=bool(cursor),
        select_all=args["select"] == "page",
        logged_out=logged_out_here(),
        **context,
    )
    if partial and not cursor:
        # A search pushes its URL: push the tidy one (no blank controls) for bookmarks.
        response.headers["HX-Push-Url"] = gallery_url(view)
    return response


@bp.post("/media/bulk")
def bulk_action():
    """One action on every ticked card, in one request; htmx changes the cards in place."""
    args = load_args(GalleryBulkSchema.once(), request.form)
    view = GalleryView(load_args(GalleryFiltersSchema.once(), request.form))
    owner = current_owner()
    action = args["action"]
    rating = args.get("rating")
    changed, missing = media_service.bulk_action(owner, action, args["ids"], rating=rating)
    # The notice names what changed (the first two prompts) when it can be undone.
    prompts = media_service.prompts_of(owner, changed) if action in ("delete", "restore") else []
    if action == "restore":
        done = restored_notice(changed, missing, prompts)
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
            to=gallery_url(view, anchor=f"media-{changed[0]}" if changed else None),
        )
    deleted = action == "delete"
    return fragment_or_redirect(
        "partials/cards_changed.html",
        lambda: {
            "view": view,
            "tab": view.tab,
            "notice": bulk_notice(
                action, changed, missing, view, prompts=prompts, for_flash=False, rating=rating
            ),
            "removed": changed if deleted else [],
            "starred": [{"id": i, "favorite": action == "favorite"} for i in changed]
            if action in ("favorite", "unfavorite")
            else [],
            "rated": [{"id": i, "rating": rating} for i in changed] if action == "rate" else [],
            **summary(owner, view),
        },
        message=bulk_notice(
            action, changed, missing, view, prompts=prompts, for_flash=True, rating=rating
        ),
        to=gallery_url(view),
    )


@bp.get("/prune")
def confirm_prune():
    """How many items "delete everything except favorites" would trash, before it does."""
    scope = load_args(PruneScopeSchema.once(), request.args, problem="Those limits can’t be used.")
    owner = current_owner(mint=False)
    return render_template(
        "gallery/prune.html",
        view=GalleryView(scope),
        doomed=media_service.count_matches(owner, scope.replace(favorite=False)),
        kept=media_service.count_matches(owner, scope.replace(favorite=True)),
    )


@bp.post("/prune")
def prune():
    """Move every non-favorite (of a type, within dates) to the trash, then back to the grid."""
    scope = load_args(ConfirmPruneSchema.once(), request.form)["filters"]
    trashed = media_service.trash_all_except_favorites(current_owner(), scope)
    text = f"Moved {items_phrase(trashed)} to the trash; your favorites stayed."
    if trashed:
        text += " Changed your mind? You can restore them from the Trash."
    flash(notice(text, link=trash_link() if trashed else None), "success")
    return redirect(url_for("gallery.index", type=scope.type), 303)


@bp.post("/demo")
@route_limit(lambda: current_app.config["AUTH_RATE_LIMIT"])
def load_demo():
    """Fill the owner's history with demo items (writes rows, so rate-limited like logins)."""
    added = seed_demo_history(current_owner())
    if added:
        flash(f"Loaded {added} demo items into your history.", "success")
    else:
        flash("The demo history is already in your gallery.", "info")
    return redirect(url_for("gallery.index"), 303)
