"""The owner's share links: the list, and revoking one."""

import uuid

from flask import render_template, url_for

from ..htmx import fragment_or_redirect
from ..identity import current_owner
from ..services import shares as share_service
from . import bp
from .presenters import share_url


@bp.get("/shares")
def shares():
    links = share_service.list_shares(current_owner(mint=False))
    return render_template("gallery/shares.html", links=links, share_url=share_url)


@bp.post("/shares/<uuid:share_id>/revoke")
def revoke_share(share_id: uuid.UUID):
    """htmx gets the new count (and the empty state) out of band; a plain form, a 303."""
    owner = current_owner()
    share_service.revoke_share(owner, share_id)
    return fragment_or_redirect(
        "partials/share_revoked.html",
        lambda: {"count": len(share_service.list_shares(owner))},
        message="Link revoked: it no longer opens.",
        to=url_for("gallery.shares"),
    )
