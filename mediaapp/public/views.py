"""The public page of a share link: the media, and the prompt and settings unless hidden; a
password form first when the link has one."""

from flask import redirect, render_template, request, url_for

from ..errors import Unauthorized
from ..gallery.presenters import ordered_settings, settings_json, share_preview, share_still
from ..limits import share_password_limit
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


def _locked(item, *, status: int, error: str | None = None):
    kind = "video" if item.type == "video" else "image"
    page = render_template(
        "public/locked.html", item=item, kind=kind, error=error, page_kind="shared"
    )
    return page, status, PUBLIC_HEADERS
