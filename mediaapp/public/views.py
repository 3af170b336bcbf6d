"""The public page of a share link: the media, and the prompt and settings unless hidden."""

import json

from flask import render_template

from ..services import shares
from . import bp


@bp.get("/s/<token>")
def shared(token: str):
    item = shares.get_shared(token)
    settings_json = None if item.hide_prompt else json.dumps(item.settings, indent=2)
    response = render_template(
        "public/shared.html", item=item, settings_json=settings_json, page_kind="shared"
    )
    # Unlisted: search engines must not index it, and the link must not leak onwards.
    return response, 200, {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}
