"""Template filters and the viewer context that every page's header needs."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, g, url_for
from sqlalchemy.exc import DBAPIError

from .identity import cache_key, cookie_account, guest_digest, signed_in
from .schemas import is_safe_media_url, iso_utc
from .services import media as media_service

SETTING_UNITS = {"duration": "s", "frameRate": "fps"}


@dataclass(frozen=True)
class Viewer:
    """Who the header greets: the live session's account (the request's one lookup, shared with
    current_owner), or what the cookie says while the database is away (a 503 page shows
    nothing else)."""

    is_guest: bool
    email: str | None
    cache_key: str
    # Whether the visitor has an identity yet (an account, or a guest secret in the cookie).
    known: bool


def current_viewer() -> Viewer:
    """Showing a page never gives a visitor an identity; an ended session shows as signed out."""
    user_id, email = None, None
    if not g.get("database_unavailable"):
        try:
            account = signed_in()
        except DBAPIError:
            account = None
        if account:
            user_id, email = account.user_id, account.email
    if g.get("database_unavailable"):
        user_id, email = cookie_account()
    guest = None if user_id else guest_digest()
    return Viewer(
        is_guest=user_id is None,
        email=email,
        cache_key=cache_key(user_id, guest),
        known=bool(user_id or guest),
    )


def iso_date(value: datetime | None) -> str:
    """Machine-readable UTC for `<time datetime>`; gallery.js localises what people read."""
    return iso_utc(value) if value else ""


def utc_date(value: datetime | None, short: bool = False) -> str:
    """The readable fallback shown before (or without) JavaScript, always in UTC."""
    if not value:
        return ""
    return f"{value.day} {value:%b %Y}" if short else f"{value.day} {value:%b %Y, %H:%M} UTC"


def media_src(url: str | None) -> str:
    """The URL when its scheme is allowed, else "" so `javascript:` never reaches src or href."""
    return url if is_safe_media_url(url) else ""


@dataclass(frozen=True)
class Sources:
    """Where a card, the detail view or a share page loads an item's media from."""

    original: str  # the full file
    preview: str  # what a grid shows of an image: a thumbnail when there is one
    poster: str  # a video's still
    missing: str  # what to say where there is nothing to show


def media_sources(media: Any, share_token: str | None = None) -> Sources:
    """The stored copy when mediaapp has one (its thumbnail in grids), else the record's own
    URL while it may still answer; a source that expired before it was kept shows nothing.
    URLs with refused schemes never come out of here. `media` is a record, or a mapping
    with the same keys (the card templates the cache script fills)."""

    def field(name: str):
        return media.get(name) if isinstance(media, Mapping) else getattr(media, name, None)

    status = field("archive_status")
    own = media_src(field("url")) if status != "expired" else ""
    poster = media_src(field("thumbnail_url"))
    missing = "Source expired" if status == "expired" else "Preview unavailable"
    if status != "stored":
        return Sources(own, own, poster, missing)
    if share_token and field("in_collection"):  # an item of a shared collection
        file_url = url_for("api.shared_item_file", token=share_token, media_id=field("id"))
        thumb = url_for("api.shared_item_thumbnail", token=share_token, media_id=field("id"))
    elif share_token:
        file_url = url_for("api.shared_file", token=share_token)
        thumb = url_for("api.shared_thumbnail", token=share_token)
    else:
        file_url = url_for("api.media_file", media_id=field("id"))
        thumb = url_for("api.media_thumbnail", media_id=field("id"))
    thumb = thumb if field("archive_thumb_sha256") else ""
    return Sources(file_url, thumb or file_url, thumb or poster, missing)


def setting_label(key: str) -> str:
    """`shotSize` or `shot_size` reads as "Shot size"."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(key)).replace("_", " ").strip()
    return words[:1].upper() + words[1:].lower() if words else str(key)


def setting_value(value: Any, key: str | None = None) -> str:
    """Scalars as written (with a unit for the known ones), yes/no, nested values as JSON."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    unit = SETTING_UNITS.get(key) if isinstance(value, int | float) else None
    return f"{value} {unit}" if unit else str(value)


def count_label(value: int) -> str:
    """A gallery count: "1,234", or "10,000+" past the cap the service counts up to."""
    cap = media_service.COUNT_CAP
    return f"{cap:,}+" if value > cap else f"{value:,}"


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(count_label)
    app.add_template_filter(iso_date)
    app.add_template_filter(utc_date)
    app.add_template_filter(media_src)
    app.add_template_filter(setting_label)
    app.add_template_filter(setting_value)
    app.add_template_global(media_sources)

    @app.context_processor
    def inject_viewer() -> dict[str, Any]:
        return {"viewer": current_viewer()}
