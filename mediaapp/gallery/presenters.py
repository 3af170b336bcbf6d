"""What the gallery's pages show, made ready for the templates: the view a page is of, its
cards under date headings, notices, settings in reading order, and the counts around them."""

import json
import shlex
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from flask import current_app, request, url_for

from ..filters import current_viewer, media_sources, media_src
from ..identity import Owner
from ..schemas import MediaFilters
from ..services import collections as collections_service
from ..services import media as media_service
from ..services import zips
from .forms import describe_problems

DEFAULT_PAGE_SIZE = 24
# What `flask media purge-trash` removes by default; the trash page tells people so.
TRASH_RETENTION_DAYS = 30
# The settings every generator sends, in the order people read them; other keys follow.
SETTINGS_ORDER = ("model", "style", "resolution", "shotSize", "duration", "frameRate", "seed")
# A flashed Undo rides in the session cookie (about 4 KB): past this many ids it points to
# the Trash instead.
UNDO_IN_FLASH_MAX = 50
# How much of a prompt a notice quotes to name an item ("Deleted “A red fox in…”").
PROMPT_IN_NOTICE = 40
BULK_DONE = {
    "favorite": "Added {n} to favorites.",
    "unfavorite": "Removed {n} from favorites.",
    "rate": "Rated {n} {stars}.",
}


def page_size() -> int:
    return current_app.config.get("GALLERY_PAGE_SIZE", DEFAULT_PAGE_SIZE)


# --- the view a page shows -----------------------------------------------------------------


@dataclass(frozen=True)
class GalleryView:
    """The filters one gallery page shows, and the URL arguments that reproduce it."""

    filters: MediaFilters = MediaFilters()

    @property
    def tab(self) -> str | None:
        return self.filters.type

    @property
    def params(self) -> dict[str, str]:
        """URL arguments for url_for and hidden form fields; defaults are left out."""
        return self.filters.params

    @property
    def chips(self) -> list[dict[str, Any]]:
        return self.filters.chips

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the type tab and the order filters the history."""
        return bool(self.filters.chips)

    def and_(self, **extra: str | None) -> dict[str, str]:
        """The view's URL arguments followed by more (paging), leaving out empty ones."""
        return {**self.params, **{key: value for key, value in extra.items() if value}}

    def with_type(self, media_type: str | None) -> dict[str, str]:
        return self.filters.replace(type=media_type).params

    def cleared(self) -> dict[str, str]:
        """The same tab, order and collection with every other filter removed."""
        f = self.filters
        return MediaFilters(type=f.type, sort=f.sort, collection=f.collection).params

    @property
    def prune_scope(self) -> dict[str, str]:
        """What "Delete everything except favorites" offers from here: the tab and dates."""
        f = self.filters
        return MediaFilters(type=f.type, date_from=f.date_from, date_to=f.date_to).params


def collection_url(collection) -> str:
    """A collection's page: the grid of its items (a smart one in its saved order)."""
    extra = collections_service.view_settings(collection)
    return url_for("gallery.index", collection=collection.id, **extra)


@dataclass(frozen=True)
class CollectionTile:
    """A collection as its tile, its page's heading and its edit page show it."""

    id: uuid.UUID
    name: str
    description: str
    count: int
    smart: bool
    url: str
    edit_url: str
    cover: Any  # the item to paint, or None
    search_chips: list[str]  # a smart collection's saved search, in words
    cover_chosen: bool


def collection_tile(s: collections_service.Summary) -> CollectionTile:
    c = s.collection
    chips = []
    if c.search is not None:
        saved = collections_service.saved_filters(c.search)
        chips = [chip["label"] for chip in saved.chips]
        chips += [label for label in _view_words(saved) if label]
    return CollectionTile(
        id=c.id,
        name=c.name,
        description=c.description,
        count=s.count,
        smart=c.search is not None,
        url=collection_url(c),
        edit_url=url_for("gallery.edit_collection", collection_id=c.id),
        cover=s.cover,
        search_chips=chips,
        cover_chosen=bool(c.cover_id and s.cover is not None and s.cover.id == c.cover_id),
    )


def _view_words(filters: MediaFilters) -> list[str]:
    """What a saved search keeps that chips do not say: its type, its order."""
    words = {"image": "Images", "video": "Videos"}
    return [words.get(filters.type, ""), "Oldest first" if filters.sort == "oldest" else ""]


def gallery_url(view: GalleryView, anchor: str | None = None) -> str:
    return url_for("gallery.index", **view.params, _anchor=anchor)


def model_choices(models: Iterable[str], current: str | None) -> list[dict]:
    """The model menu: the owner's models by name, plus the current one if it has no items."""
    choices = [{"value": model, "label": model} for model in models]
    if current and current not in models:
        choices.insert(0, {"value": current, "label": f"{current} (no items)"})
    return choices


# --- counts and pages of cards -------------------------------------------------------------


def summary(owner: Owner, view: GalleryView) -> dict[str, Any]:
    """What the results bar and the empty state show: the tab counts within the view's
    filters (so they agree with the matches), whether there is any history, curl examples."""
    counts = media_service.count_media(owner, view.filters)
    matches = counts[view.tab or "all"]
    return {
        "counts": counts,
        "matches": matches,
        "examples": api_examples(),
        # The zips the view downloads in (1,000 items each); counts stop past COUNT_CAP.
        "zip_parts": list(range(1, zips.parts_of(min(matches, media_service.COUNT_CAP)) + 1)),
        "zip_more": matches > media_service.COUNT_CAP,
    }


def cards_page(
    owner: Owner, view: GalleryView, *, cursor: str | None = None, group: str | None = None
) -> dict[str, Any]:
    """One page of the view's cards under date headings; `group` is the heading before it."""
    page = media_service.list_media(owner, view.filters, limit=page_size(), cursor=cursor)
    entries, last_group = dated_entries(page.items, previous=group, now=datetime.now(UTC))
    return {"page": page, "entries": entries, "last_group": last_group}


# How many of a stack's other variants its card shows when expanded; the grid of the stack's
# members (its link) has them all.
STACK_PANEL_MAX = 48


def stack_members(owner: Owner, members: GalleryView) -> dict[str, Any]:
    """A stack's variants under its card: its members within the grid's filters and order
    (`members` names the stack in variantOf), but the first, which is the card itself."""
    page = media_service.list_media(owner, members.filters, limit=STACK_PANEL_MAX + 1)
    return {
        "stack_key": members.filters.variant,
        "members": page.items[1:],
        "head": page.items[0] if page.items else None,
        "more": page.has_more,
        "all_url": url_for("gallery.index", **members.params),
    }


def trash_cards(rows) -> list[dict]:
    return [
        {"media": row, "purge_on": row.deleted_at + timedelta(days=TRASH_RETENTION_DAYS)}
        for row in rows
    ]


# --- date headings -------------------------------------------------------------------------


@dataclass(frozen=True)
class DateGroup:
    key: str
    label: str


@dataclass(frozen=True)
class Entry:
    """A card, and the heading to show before it when it starts a new date group."""

    media: Any
    heading: DateGroup | None


def date_group(created_at: datetime, today: date) -> DateGroup:
    """Today, Yesterday, This week (the calendar week, Monday first), then the month; UTC."""
    day = created_at.astimezone(UTC).date()
    if day >= today:  # a clock a little ahead still reads as today
        return DateGroup("today", "Today")
    if day == today - timedelta(days=1):
        return DateGroup("yesterday", "Yesterday")
    if day >= today - timedelta(days=today.weekday()):
        return DateGroup("week", "This week")
    return DateGroup(f"{day:%Y-%m}", f"{day:%B %Y}")


def dated_entries(
    rows: Iterable[Any], *, previous: str | None, now: datetime
) -> tuple[list[Entry], str | None]:
    """Cards with a heading wherever the group changes; also the last group's key.

    `previous` is the group the page before ended with, so a continued group gets no second
    heading.
    """
    today = now.astimezone(UTC).date()
    entries, last = [], previous
    for row in rows:
        group = date_group(row.created_at, today)
        entries.append(Entry(row, group if group.key != last else None))
        last = group.key
    return entries, last


# --- notices -------------------------------------------------------------------------------


def items_phrase(n: int) -> str:
    """One item or several, in words: "1 item", "3 items"."""
    return f"{n} item" if n == 1 else f"{n} items"


def not_found(missing: list) -> str:
    return f" {items_phrase(len(missing))} could not be found." if missing else ""


def short_prompt(prompt: str, limit: int = PROMPT_IN_NOTICE) -> str:
    """A prompt as a notice names it: in quotes, cut at a word near `limit` characters."""
    text = " ".join(str(prompt).split())
    if len(text) > limit:
        head = text[: limit + 1]
        cut = head.rsplit(" ", 1)[0] if " " in head[limit // 2 :] else text[:limit]
        text = cut.rstrip(" ,.;:!?-–—") + "…"
    return f"“{text}”"


def named(n: int, prompts: list[str]) -> str:
    """What a notice calls n items: the prompt of one; else the count and the first two."""
    if n == 1 and prompts:
        return short_prompt(prompts[0])
    quoted = [short_prompt(p) for p in prompts[:2]]
    if not quoted or n < 2:
        return items_phrase(n)
    if n == 2 and len(quoted) == 2:
        return f"{items_phrase(n)}: {quoted[0]} and {quoted[1]}"
    return f"{items_phrase(n)}: {', '.join(quoted)} and {n - len(quoted)} more"


def notice(
    text: str,
    *,
    undo: dict | None = None,
    link: dict | None = None,
    focus: str | None = None,
    category: str = "success",
) -> dict[str, Any]:
    """A message for the notice area; a plain dict, so it also survives a flash in the cookie.

    `undo` is a form (url, fields, and the label that names what it undoes); `focus` is the
    id of what the page should focus once an Undo has brought it back.
    """
    return {"text": text, "category": category, "undo": undo, "link": link, "focus": focus}


def trash_link() -> dict[str, str]:
    return {"href": url_for("gallery.trash"), "label": "Open the Trash"}


def trash_notice(
    ids: list[uuid.UUID],
    missing: list[uuid.UUID],
    view: GalleryView,
    *,
    prompts: list[str],
    for_flash: bool,
    to_item: bool = False,
) -> dict[str, Any]:
    """A "Deleted “A red fox…”" notice whose Undo restores exactly these items, back to view
    (to_item: back to the one item's own page, where culling deleted it)."""
    what = named(len(ids), prompts)
    text = f"Deleted {what}." + not_found(missing) if ids else not_found(missing).strip()
    back = list(view.params.items())
    if not ids:
        return notice(text)
    if for_flash and len(ids) > UNDO_IN_FLASH_MAX:
        return notice(text, link=trash_link())
    if len(ids) == 1:
        url = url_for("gallery.restore_card", media_id=ids[0])
        fields_ = [*back, ("place", "detail")] if to_item else back
    else:
        url = url_for("gallery.bulk_action")
        fields_ = [("action", "restore"), *(("ids", str(i)) for i in ids), *back]
    label = "Undo deleting " + (what if len(ids) == 1 else items_phrase(len(ids)))
    return notice(text, undo={"url": url, "fields": fields_, "label": label})


def bulk_notice(
    action: str,
    changed: list,
    missing: list,
    view: GalleryView,
    *,
    prompts: list[str],
    for_flash: bool,
    rating: int | None = None,
) -> dict[str, Any]:
    """What a toolbar action did, in words; a delete's notice offers Undo."""
    if action == "delete":
        return trash_notice(changed, missing, view, prompts=prompts, for_flash=for_flash)
    if action == "rate" and rating == 0:
        return notice(f"Cleared the rating of {items_phrase(len(changed))}." + not_found(missing))
    text = BULK_DONE[action].format(n=items_phrase(len(changed)), stars=stars_phrase(rating or 0))
    return notice(text + not_found(missing))


def stars_phrase(rating: int) -> str:
    return "1 star" if rating == 1 else f"{rating} stars"


def rated_notice(rating: int) -> str:
    """What rating one item did, in words (the flash without JavaScript, the live region)."""
    return f"Rated {stars_phrase(rating)}." if rating else "Rating cleared."


def restored_notice(changed: list, missing: list, prompts: list[str]) -> dict[str, Any]:
    """What an Undo (or a bulk restore) brought back; the page focuses the first of them."""
    text = f"Restored {named(len(changed), prompts)}." if changed else ""
    text = (text + not_found(missing)).strip()
    return notice(text, focus=f"media-{changed[0]}" if changed else None)


def trash_restored_notice(media) -> dict[str, Any]:
    """Restoring from the trash page: what came back, with a way to see it in the gallery."""
    link = {"href": url_for("gallery.index", _anchor=f"media-{media.id}"), "label": "Show it"}
    return notice(f"Restored {short_prompt(media.prompt)} to your gallery.", link=link)


def destroyed_notice(media) -> dict[str, Any]:
    return notice(f"Deleted {short_prompt(media.prompt)} forever.")


def share_target(link) -> str:
    """What a link shows, in words: its item's prompt, or its collection's name, quoted."""
    if link.collection_id:
        return f"the collection “{link.collection_name}”"
    return short_prompt(link.prompt)


def revoked_notice(link) -> dict[str, Any]:
    """A revoked share link, named by its item, with an Undo that makes it open again."""
    what = f"the link to {share_target(link)}"
    undo = {
        "url": url_for("gallery.restore_share", share_id=link.share_id),
        "fields": [],
        "label": f"Undo revoking {what}",
    }
    return notice(f"Revoked {what}: it no longer opens.", undo=undo)


def bulk_revoked_notice(count: int) -> dict[str, Any]:
    if count == 0:
        return notice("None of those links was still active; nothing changed.")
    return notice(f"Revoked {count} link{'s' if count != 1 else ''}: they no longer open.")


def share_restored_notice(link) -> dict[str, Any]:
    text = f"The link to {share_target(link)} opens again."
    return notice(text, focus=f"share-{link.share_id}")


def import_summary(outcome: dict[str, Any]) -> dict[str, Any]:
    """An import's outcome in words: the totals, and each refused item with its reasons."""
    rejected = [
        {"number": r["index"] + 1, "why": describe_problems(r.get("details") or {})}
        for r in outcome["results"]
        if r["status"] == "rejected"
    ]
    return {
        "imported": outcome["imported"],
        "duplicate": outcome["duplicate"],
        "rejected": rejected,
        "total": len(outcome["results"]),
    }


# --- one item ------------------------------------------------------------------------------


def ordered_settings(settings: dict) -> list[tuple[str, object]]:
    """Settings as (key, value) pairs, the familiar keys first, then the rest by name."""
    known = [(key, settings[key]) for key in SETTINGS_ORDER if key in settings]
    rest = sorted((key, value) for key, value in settings.items() if key not in SETTINGS_ORDER)
    return known + rest


def settings_json(settings: list[tuple[str, object]] | None) -> str:
    """The settings as "Copy settings" copies them: the familiar keys first, indented."""
    return json.dumps(dict(settings or {}), indent=2, ensure_ascii=False)


def references(media) -> list[tuple[str, str]]:
    """The optional ids a generator attaches, labelled, leaving out the ones it did not send."""
    labelled = (
        ("Project", media.project_id),
        ("Request", media.request_id),
        ("File", media.file_id),
    )
    return [(label, value) for label, value in labelled if value]


def generation_facts(media) -> list[tuple[str, str]]:
    """What the generation cost and took, as the generator said (each only when sent)."""
    from .charts import credits_text, money  # the stats page words amounts the same way

    facts = []
    if media.provider:
        facts.append(("Provider", media.provider))
    if media.cost_usd is not None:
        facts.append(("Cost", money(float(media.cost_usd))))
    if media.credits is not None:
        facts.append(("Credits", credits_text(float(media.credits))))
    if media.duration_ms is not None:
        facts.append(("Ran for", f"{media.duration_ms / 1000:,.1f} s"))
    return facts


def neighbour_links(newer, older, filters: MediaFilters) -> tuple[dict, dict]:
    """The detail view's previous and next items, in the order of the list it came from."""
    if filters.sort == "oldest":
        return {"id": older, "label": "Older"}, {"id": newer, "label": "Newer"}
    return {"id": newer, "label": "Newer"}, {"id": older, "label": "Older"}


def share_url(link) -> str:
    return url_for("public.shared", token=link.token, _external=True)


def absolute_url(url: str) -> str:
    return urljoin(request.host_url, url) if url else ""


def share_still(item) -> str:
    """What a link that allows no downloads shows in place of the file: the kept thumbnail
    (through the link), else the record's own thumbnail or poster URL, else nothing."""
    if item.archive_status == "stored" and item.archive_thumb_sha256:
        if getattr(item, "in_collection", False):
            return url_for("api.shared_item_thumbnail", token=item.token, media_id=item.id)
        return url_for("api.shared_thumbnail", token=item.token)
    return media_src(item.thumbnail_url)


def share_preview(item) -> dict[str, str]:
    """What a chat app's link preview shows of a share page (Open Graph and Twitter tags):
    the prompt as the title unless the link hides it, the kind and model, and absolute URLs
    of the page and its picture (the share's own file URLs once stored). Nothing names the
    owner, and a hidden prompt stays hidden."""
    video = item.type == "video"
    kind = "video" if video else "image"
    sources = media_sources(item, share_token=item.token)
    picture = sources.poster if video else sources.preview
    if not item.allow_download:  # never the file itself: only a thumbnail or poster
        picture, video_url = share_still(item), ""
    else:
        video_url = absolute_url(sources.original) if video else ""
    title = f"A shared {kind}" if item.hide_prompt else short_prompt(item.prompt, 90)[1:-1]
    absolute = absolute_url

    return {
        "title": title,
        "description": f"{'A video' if video else 'An image'} made with {item.model}, "
        "shared from mediaapp.",
        "url": absolute_url(url_for("public.shared_item", token=item.token, media_id=item.id))
        if getattr(item, "in_collection", False)
        else share_url(item),
        "type": "video.other" if video else "website",
        "image": absolute(picture),
        "image_alt": title,
        "video": video_url,
        "card": "summary_large_image" if picture else "summary",
    }


# --- the empty state's recipe --------------------------------------------------------------


def api_examples() -> dict[str, str]:
    """Copyable curl lines that log in into a cookie jar and save one item on this server."""
    base = request.host_url.rstrip("/")
    credentials = {
        "email": current_viewer().email or "you@example.com",
        "password": "your-password",
    }
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
