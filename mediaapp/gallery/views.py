"""Gallery routes: the history grid, a card's detail view, delete in place, demo history."""

import json
import shlex
import uuid

from flask import current_app, flash, redirect, render_template, request, url_for
from marshmallow import EXCLUDE, Schema, fields, pre_load, validate

from ..extensions import limiter
from ..filters import current_viewer
from ..htmx import is_partial_request, render_page_or_partial
from ..identity import current_owner
from ..schemas import MEDIA_TYPES, CleanString
from ..services import media as media_service
from ..services.demo import seed_demo_history
from . import bp

DEFAULT_PAGE_SIZE = 24
# The settings every generator sends, in the order people read them; other keys follow.
SETTINGS_ORDER = ("model", "style", "resolution", "shotSize", "duration", "frameRate", "seed")


class GalleryArgsSchema(Schema):
    """Query arguments of the gallery: the tab and where the page starts."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(load_default=None, validate=validate.OneOf(MEDIA_TYPES))
    cursor = CleanString(load_default=None, validate=validate.Length(min=1, max=512))

    @pre_load
    def drop_blanks(self, data, **kwargs):
        # `?type=` is the "All" tab, as a form or a hand-edited URL may send it.
        return {key: value for key, value in data.items() if value != ""}


def page_size() -> int:
    return current_app.config.get("GALLERY_PAGE_SIZE", DEFAULT_PAGE_SIZE)


def tab_from_form() -> str | None:
    """The tab a delete form was posted from, so the redirect keeps it."""
    tab = request.form.get("type")
    return tab if tab in MEDIA_TYPES else None


def api_examples(email: str | None) -> dict[str, str]:
    """Copyable curl lines that log in into a cookie jar and save one item on this server."""
    base = request.host_url.rstrip("/")
    credentials = {"email": email or "you@example.com", "password": "your-password"}
    item = {
        "type": "image",
        "url": "https://example.com/images/fox.png",
        "prompt": "A red fox in fresh snow, golden hour",
        "model": "flux-1-dev",
        "settings": {
            "model": "flux-1-dev",
            "style": "photorealistic",
            "resolution": "1024x1024",
            "shotSize": "medium shot",
        },
    }

    def curl(jar_flag: str, body: dict, path: str, *, indent: int | None = None) -> str:
        # Shown indented under `-d`; whitespace inside the JSON is harmless to the server.
        data = json.dumps(body, indent=indent).replace("\n", "\n  ")
        return (
            f"curl {jar_flag} jar -H 'Content-Type: application/json' \\\n"
            f"  -d {shlex.quote(data)} \\\n"
            f"  {shlex.quote(base + path)}"
        )

    return {
        "login": curl("-c", credentials, "/api/auth/login"),
        "save": curl("-b", item, "/api/media/save", indent=2),
    }


def ordered_settings(settings: dict) -> list[tuple[str, object]]:
    """Settings as (key, value) pairs, the familiar keys first, then the rest by name."""
    known = [(key, settings[key]) for key in SETTINGS_ORDER if key in settings]
    rest = sorted((key, value) for key, value in settings.items() if key not in SETTINGS_ORDER)
    return known + rest


def references(media) -> list[tuple[str, str]]:
    """The optional ids a generator attaches, labelled, leaving out the ones it did not send."""
    labelled = (
        ("Project", media.project_id),
        ("Request", media.request_id),
        ("File", media.file_id),
    )
    return [(label, value) for label, value in labelled if value]


@bp.get("/")
def index():
    """The owner's history, newest first; htmx's scroll sentinel gets just the next cards."""
    args = GalleryArgsSchema().load(request.args)
    owner = current_owner()
    page = media_service.list_media(owner, limit=page_size(), **args)
    # Tab counts only appear on the full page; the scroll fragment skips the extra query.
    counts = None if is_partial_request() else media_service.count_media(owner)
    return render_page_or_partial(
        "gallery/index.html",
        "partials/media_page.html",
        page=page,
        tab=args["type"],
        counts=counts,
        later_page=bool(args["cursor"]),
        examples=api_examples(current_viewer().email),
    )


@bp.get("/media/<uuid:media_id>")
def detail(media_id: uuid.UUID):
    media = media_service.get_media(current_owner(), media_id)
    return render_template(
        "gallery/detail.html",
        media=media,
        settings=ordered_settings(media.settings or {}),
        references=references(media),
    )


@bp.post("/media/<uuid:media_id>/delete")
def delete_card(media_id: uuid.UUID):
    """htmx gets an empty card (so it disappears) plus fresh tab counts; a plain form, a 303."""
    owner = current_owner()
    media_service.delete_media(owner, media_id)
    tab = tab_from_form()
    if not is_partial_request():
        flash("Deleted.", "success")
        return redirect(url_for("gallery.index", type=tab), 303)
    return render_template(
        "partials/card_removed.html",
        counts=media_service.count_media(owner),
        tab=tab,
        examples=api_examples(current_viewer().email),
    )


@bp.post("/demo")
@limiter.limit(lambda: current_app.config["AUTH_RATE_LIMIT"])
def load_demo():
    """Fill the owner's history with demo items (writes rows, so rate-limited like logins)."""
    added = seed_demo_history(current_owner())
    if added:
        flash(f"Loaded {added} demo items into your history.", "success")
    else:
        flash("The demo history is already in your gallery.", "info")
    return redirect(url_for("gallery.index"), 303)
