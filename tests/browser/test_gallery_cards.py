"""Gallery cards in Chromium: named by their prompt once whatever happens to the media, a tile
that still reads when the media fails, controls that fit a 390 px phone, and the end of the
history, in light and dark."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, database_unavailable, image_payload, seed, video_payload

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CARDS = "#media-grid .media-card"
END = "That’s everything"
PAGE = 24  # the gallery's first page
SCHEMES = ["light", "dark"]
WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}

BROKEN_IMAGE = "An image whose file moved away"
GONE_VIDEO = "A video whose file is gone"
BROKEN_POSTER = "A video whose poster and file are both gone"


def broken_history() -> list[dict]:
    """Two good cards and three whose media fail, oldest first."""
    return [
        image_payload(1),
        video_payload(2),
        image_payload(3, url="/static/demo/moved-away.png", prompt=BROKEN_IMAGE),
        video_payload(4, url="/static/demo/gone.mp4", thumbnailUrl=None, prompt=GONE_VIDEO),
        video_payload(
            5,
            url="/static/demo/gone-too.mp4",
            thumbnailUrl="/static/demo/no-poster.svg",
            prompt=BROKEN_POSTER,
        ),
    ]


def new_page(browser, live_server, width: str, scheme: str):
    phone = width == "390"
    context = browser.new_context(
        base_url=live_server,
        viewport=WIDTHS[width],
        color_scheme=scheme,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


def card(page, record: dict):
    return page.locator(f"#media-{record['id']}")


def shoot(page, name: str, locator=None) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    (locator or page).screenshot(path=str(path))
    assert path.stat().st_size > 5_000, path


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_card_whose_media_fails_shows_a_tile_and_is_named_by_its_prompt(
    browser, live_server, width, scheme
):
    context, page = new_page(browser, live_server, width, scheme)
    try:
        good, video, image, gone, no_poster = seed(page, live_server, broken_history())

        page.goto("/")

        for record, kind in ((image, "Image"), (gone, "Video"), (no_poster, "Video")):
            tile = card(page, record)
            expect(tile.locator(".media-card__frame")).to_have_class(re.compile(r"\bis-broken\b"))
            expect(tile.locator(".media-card__fallback")).to_be_visible()
            expect(tile.locator(".media-card__state")).to_have_text("Preview unavailable")
            expect(tile.locator(".media-card__badge")).to_have_text(kind)
            expect(tile.locator(".media-card__prompt")).to_have_text(record["prompt"])
            link = tile.locator(".media-card__link")
            expect(link).to_have_accessible_name(record["prompt"])
            # The current card (the newest) adds the keyboard help (test_gallery_keyboard.py).
            expect(link).to_have_accessible_description(
                re.compile(rf"^{kind} Preview unavailable( Arrow keys .*)?$")
            )
        for record, kind in ((good, "Image"), (video, "Video")):
            link = card(page, record).locator(".media-card__link")
            expect(card(page, record).locator(".media-card__fallback")).to_be_hidden()
            expect(link).to_have_accessible_name(record["prompt"])
            expect(link).to_have_accessible_description(kind)
        expect(card(page, good).locator(".media-card__badge")).to_be_hidden()  # images: no badge
        expect(card(page, video).locator(".media-card__badge")).to_be_visible()
        card(page, good).scroll_into_view_if_needed()
        shoot(page, f"gallery-cards-broken-{width}-{scheme}")
    finally:
        context.close()


def test_the_prompt_is_announced_once_per_card(page, live_server):
    records = seed(page, live_server, broken_history())

    page.goto("/")

    for record in records:
        tile = card(page, record)
        expect(tile.locator(".media-card__link")).to_have_accessible_name(record["prompt"])
        snapshot = tile.aria_snapshot()
        assert snapshot.count(record["prompt"]) == 1, snapshot
        assert "Preview unavailable" not in snapshot.split("\n")[1], snapshot  # not the name
        assert "- img" not in snapshot, snapshot  # the picture is decoration, the link names it


def test_a_broken_card_painted_from_the_cache_reads_like_the_servers(page, live_server):
    (record,) = seed(
        page, live_server, [image_payload(7, url="/static/demo/lost.png", prompt=BROKEN_IMAGE)]
    )
    page.goto("/")
    page.wait_for_function(f"() => MediaCache.cached('image').some(r => r.id === '{record['id']}')")

    with database_unavailable():
        page.reload()

        cached = page.locator(f"#media-{record['id']}.is-cached")
        expect(cached.locator(".media-card__frame")).to_have_class(re.compile(r"\bis-broken\b"))
        expect(cached.locator(".media-card__fallback")).to_be_visible()
        expect(cached.locator(".media-card__link")).to_have_accessible_name(BROKEN_IMAGE)
        expect(cached.locator(".media-card__link")).to_have_accessible_description(
            "Image Preview unavailable"
        )


@pytest.mark.parametrize("scheme", SCHEMES)
def test_at_390_px_the_card_controls_are_roomy_and_delete_is_away_from_the_star(
    browser, live_server, scheme
):
    context, page = new_page(browser, live_server, "390", scheme)
    try:
        records = seed(page, live_server, [image_payload(n) for n in range(4)])
        page.goto("/")
        tile = card(page, records[-1])
        tile.scroll_into_view_if_needed()

        box = tile.bounding_box()
        targets = {
            "select": tile.locator(".media-card__select").bounding_box(),
            "star": tile.locator(".card-star__button").bounding_box(),
            "delete": tile.get_by_role("button", name="Delete").bounding_box(),
        }

        for name, target in targets.items():
            assert target["width"] >= 24 and target["height"] >= 24, name  # WCAG 2.5.8
            assert box["x"] <= target["x"] <= box["x"] + box["width"] - target["width"], name
        for a, b in (("select", "star"), ("select", "delete"), ("star", "delete")):
            assert gap(targets[a], targets[b]) >= 24, (a, b)
        star, delete = targets["star"], targets["delete"]
        assert delete["y"] - (star["y"] + star["height"]) > box["height"] / 2  # other end
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        shoot(page, f"gallery-cards-390-{scheme}")
        shoot(page, f"gallery-card-390-{scheme}", tile)
    finally:
        context.close()


def gap(a: dict, b: dict) -> float:
    """The distance between two boxes (0 when they touch or overlap)."""
    dx = max(b["x"] - (a["x"] + a["width"]), a["x"] - (b["x"] + b["width"]), 0)
    dy = max(b["y"] - (a["y"] + a["height"]), a["y"] - (b["y"] + b["height"]), 0)
    return (dx**2 + dy**2) ** 0.5


@pytest.mark.parametrize("scheme", SCHEMES)
def test_at_1280_px_the_focused_card_shows_its_controls_apart(browser, live_server, scheme):
    context, page = new_page(browser, live_server, "1280", scheme)
    try:
        records = seed(page, live_server, [image_payload(n) for n in range(6)])
        page.goto("/")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # Skip to results: the newest card
        tile = card(page, records[-1])

        for control in (".media-card__select", ".card-star__button", ".media-card__delete-button"):
            expect(tile.locator(control)).to_have_css("opacity", "1")
        star = tile.locator(".card-star__button").bounding_box()
        delete = tile.get_by_role("button", name="Delete").bounding_box()
        assert delete["y"] > star["y"] + tile.bounding_box()["height"] / 2
        shoot(page, f"gallery-cards-1280-{scheme}")
    finally:
        context.close()


def test_a_history_that_fits_on_the_first_page_ends_with_thats_everything(page, live_server):
    seed(page, live_server, [image_payload(n) for n in range(3)])

    page.goto("/")

    expect(page.locator("#media-grid .grid-end")).to_have_text(END)
    expect(page.locator("#media-grid .grid-end")).to_be_visible()
    expect(page.locator(".load-more")).to_have_count(0)


def test_the_history_says_thats_everything_once_scrolling_reaches_its_end(page, live_server):
    seed(page, live_server, [image_payload(n) for n in range(PAGE + 2)])
    page.goto("/")
    expect(page.get_by_text(END)).to_have_count(0)

    page.locator(".load-more").scroll_into_view_if_needed()

    expect(page.locator(CARDS)).to_have_count(PAGE + 2)
    expect(page.get_by_text(END)).to_be_visible()
    expect(page.locator(".load-more")).to_have_count(0)
    shoot(page, "gallery-thats-everything-1280")


def test_thats_everything_leaves_with_the_last_card(page, live_server):
    (record,) = seed(page, live_server, [image_payload(1)])
    page.goto("/")
    expect(page.get_by_text(END)).to_be_visible()

    card(page, record).hover()
    card(page, record).get_by_role("button", name="Delete").click()

    expect(page.locator(CARDS)).to_have_count(0)
    expect(page.get_by_text(END)).to_be_hidden()


def test_cards_painted_from_the_cache_never_end_with_thats_everything(page, live_server):
    records = seed(page, live_server, [image_payload(n) for n in range(PAGE + 1)])
    page.goto("/")
    page.wait_for_function("() => MediaCache.cached('image').length === 10")
    later = page.locator(".load-more__link").get_attribute("href")
    page.request.delete(f"{live_server}/api/media/{records[0]['id']}")  # page two is now empty
    page.route("**/api/**", lambda route: route.abort())

    page.goto(later)  # an empty later page, the API out of reach: the cache paints its cards

    expect(page.locator(f"{CARDS}.is-cached")).to_have_count(10, timeout=15_000)
    expect(page.get_by_text(END)).to_be_hidden()
