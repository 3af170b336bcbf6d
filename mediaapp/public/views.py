"""The public page of a share link: the media, and the prompt and settings unless hidden; a
password form first when the link has one."""

import uuid

from flask import redirect, render_template, request, url_for

from ..errors import Unauthorized
from ..gallery.forms import load_args
from ..gallery.presenters import (
    ordered_settings,
    page_size,
    settings_json,
    share_preview,
    share_still,
)
from ..limits import share_password_limit
from ..schemas import SharedItemsArgsSchema
from ..services import shares
from . import bp
from .access import grant_access, may_open

# Unlisted: search engines must not index it, and the link must not leak onwards.
PUBLIC_HEADERS = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


@bp.get("/s/<share_token:token>")
def shared(token: str):
    """Anyone with the link (and its password); 404 when revoked, expired or unknown. No owner
    information. Each showing counts as a view; the password form does not."""
    item = shares.get_shared(token)
    if not may_open(item):
        return _locked(item, status=200)
    if item.collection_id:
        return _collection(item)
    shares.count_view(item)
    # The familiar keys first, in the table and in the JSON that "Copy settings" copies.
    settings = None if item.hide_prompt else ordered_settings(item.settings or {})
    response = render_template(
        "public/shared.html",
        item=item,
        settings=settings,
        settings_json=settings_json(settings),
        preview=share_preview(item),
        still=share_still(item),
        page_kind="shared",
    )
    return response, 200, PUBLIC_HEADERS


@bp.post("/s/<share_token:token>")
@share_password_limit
def unlock(token: str):
    """The password form: the right one opens the link for this browser (a 303 to it); a
    wrong one answers 401 with the form again, and counts against the limit."""
    item = shares.get_shared(token)
    password = request.form.get("password", "")
    if not password:
        return _locked(item, status=400, error="Enter the password.")
    try:
        shares.check_share_password(token, password)
    except Unauthorized:
        return _locked(item, status=401, error="That password is not right. Try again.")
    grant_access(token)
    return redirect(url_for("public.shared", token=token), 303)


def _collection(link):
    """A shared collection's grid, a page at a time by cursor (a plain link to the next);
    its first page counts as a view."""
    args = load_args(SharedItemsArgsSchema.once(), request.args)
    page = shares.shared_collection_page(link, limit=page_size(), cursor=args["cursor"])
    if not args["cursor"]:
        shares.count_view(link)
    response = render_template(
        "public/shared_collection.html",
        link=link,
        page=page,
        still=share_still,
        page_kind="shared",
    )
    return response, 200, PUBLIC_HEADERS


@bp.get("/s/<share_token:token>/m/<uuid:media_id>")
def shared_item(token: str, media_id: uuid.UUID):
    """One item of a shared collection (while it is in it and live), as an item's link shows
    it, with the way back to the grid."""
    link = shares.get_shared(token)
    if not may_open(link):
        return redirect(url_for("public.shared", token=token), 303)
    item = shares.shared_collection_item(link, media_id)
    settings = None if item.hide_prompt else ordered_settings(item.settings or {})
    response = render_template(
        "public/shared.html",
        item=item,
        collection=link,
        settings=settings,
        settings_json=settings_json(settings),
        preview=share_preview(item),
        still=share_still(item),
        page_kind="shared",
    )
    return response, 200, PUBLIC_HEADERS


def _locked(item, *, status: int, error: str | None = None):
    if item.collection_id:
        kind = "collection"
    else:
        kind = "video" if item.type == "video" else "image"
    page = render_template(
        "public/locked.html", item=item, kind=kind, error=error, page_kind="shared"
    )
    return page, status, PUBLIC_HEADERS
