"""The public page of a share link: the media, and the prompt and settings unless hidden."""

from flask import render_template

from ..gallery.presenters import ordered_settings, settings_json, share_preview
from ..services import shares
from . import bp


@bp.get("/s/<share_token:token>")
def shared(token: str):
    """Anyone with the link; 404 when revoked, expired or unknown. No owner information."""
    item = shares.get_shared(token)
    # The familiar keys first, in the table and in the JSON that "Copy settings" copies.
    settings = None if item.hide_prompt else ordered_settings(item.settings or {})
    response = render_template(
        "public/shared.html",
        item=item,
        settings=settings,
        settings_json=settings_json(settings),
        preview=share_preview(item),
        page_kind="shared",
    )
    # Unlisted: search engines must not index it, and the link must not leak onwards.
    return response, 200, {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}
