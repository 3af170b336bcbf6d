"""The owner's share links: the list, revoking one or several, and undoing a revoke."""

import uuid

from flask import flash, redirect, render_template, request, url_for

from ..htmx import fragment_or_redirect
from ..identity import current_owner
from ..services import collections as collection_service
from ..services import shares as share_service
from . import bp
from .forms import (
    RevokeSharesFormSchema,
    ShareCollectionFormSchema,
    SharesPageArgsSchema,
    load_args,
)
from .presenters import bulk_revoked_notice, revoked_notice, share_restored_notice, share_url


@bp.get("/shares")
def shares():
    """The owner's links; `?collection=<id>` opens the "Share a collection" box on that one
    (what a collection's page links to)."""
    chosen = load_args(SharesPageArgsSchema.once(), request.args)["collection"]
    owner = current_owner(mint=False)
    return render_template(
        "gallery/shares.html",
        links=share_service.list_shares(owner),
        collections=collection_service.collection_names(owner),
        chosen=chosen,
        share_url=share_url,
    )


@bp.post("/shares/collection")
def share_collection():
    """A link to one of the owner's collections: htmx gets the link to show (and copy); a
    plain form, a 303 to its row in the list."""
    collection_id, options = load_args(ShareCollectionFormSchema.once(), request.form)
    link = share_service.create_collection_share(current_owner(), collection_id, **options)
    return fragment_or_redirect(
        "partials/share_created.html",
        lambda: {"link": link, "url": share_url(link)},
        message="Share link created.",
        to=url_for("gallery.shares", _anchor=f"share-{link.share_id}"),
    )


@bp.post("/shares/<uuid:share_id>/revoke")
def revoke_share(share_id: uuid.UUID):
    """htmx gets the notice with its Undo, the new count (and the empty state) out of band;
    a plain form, a 303 with the same notice."""
    owner = current_owner()
    done = revoked_notice(share_service.revoke_share(owner, share_id))
    return fragment_or_redirect(
        "partials/share_revoked.html",
        lambda: {"count": len(share_service.list_shares(owner)), "notice": done},
        message=done,
        to=url_for("gallery.shares"),
    )


@bp.post("/shares/<uuid:share_id>/restore")
def restore_share(share_id: uuid.UUID):
    """Undo a revoke: htmx gets the list again (the row back in its place) in place of the
    notice; a plain form, a 303 to the row."""
    owner = current_owner()
    done = share_restored_notice(share_service.restore_share(owner, share_id))
    return fragment_or_redirect(
        "partials/share_restored.html",
        lambda: {"links": share_service.list_shares(owner), "share_url": share_url, "notice": done},
        message=done,
        to=url_for("gallery.shares", _anchor=f"share-{share_id}"),
    )


@bp.post("/shares/revoke")
def revoke_shares():
    """The ticked links (a plain form, no JavaScript needed): a 303 back to the list with a
    notice of how many stopped working."""
    ids = load_args(RevokeSharesFormSchema.once(), request.form)["ids"]
    revoked, _ = share_service.revoke_shares(current_owner(), ids)
    flash(bulk_revoked_notice(len(revoked)), "success")
    return redirect(url_for("gallery.shares"), 303)
