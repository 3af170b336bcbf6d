"""The gallery in a real browser: tabs, delete in place, infinite scroll, offline, privacy."""

import json
from pathlib import Path

from playwright.sync_api import expect

from .conftest import (
    ROOT,
    card_ids,
    database_unavailable,
    image_payload,
    seed,
    storage,
    video_payload,
)

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CARDS = "#media-grid .media-card"


def wait_for_cache(page, images: int, videos: int) -> str:
    """Wait until the page's cache holds the given numbers of records; return the owner key."""
    owner = page.evaluate("() => MediaCache.ownerKey")
    assert owner
    page.wait_for_function(
        """([owner, images, videos]) => {
            const count = t => (JSON.parse(
                localStorage.getItem(`mediaapp:v1:${owner}:${t}`) || "[]")).length;
            return count("image") === images && count("video") === videos;
        }""",
        arg=[owner, images, videos],
    )
    return owner


def test_the_gallery_shows_saved_items_and_the_tabs_filter_them(page, live_server):
    images = seed(page, live_server, [image_payload(n) for n in range(3)])
    videos = seed(page, live_server, [video_payload(n) for n in range(2)])

    page.goto("/")

    expect(page.locator(CARDS)).to_have_count(5)
    newest_first = [r["id"] for r in reversed(images + videos)]
    assert card_ids(page) == newest_first
    expect(page.locator(f"#media-{images[0]['id']} .media-card__prompt")).to_have_text(
        images[0]["prompt"]
    )
    expect(page.locator("#count-all")).to_have_text("5")
    expect(page.locator("#count-image")).to_have_text("3")
    expect(page.locator("#count-video")).to_have_text("2")

    page.locator('a[href*="type=image"]').first.click()
    page.wait_for_url("**type=image**")
    expect(page.locator(CARDS)).to_have_count(3)
    assert set(page.eval_on_selector_all(CARDS, "cs => cs.map(c => c.dataset.type)")) == {"image"}

    page.locator('a[href*="type=video"]').first.click()
    page.wait_for_url("**type=video**")
    expect(page.locator(CARDS)).to_have_count(2)
    assert card_ids(page) == [videos[1]["id"], videos[0]["id"]]
    expect(page.locator(f"{CARDS} video").first).to_have_attribute(
        "poster", videos[1]["thumbnailUrl"]
    )


def test_deleting_a_card_removes_it_in_place_and_from_the_api(page, live_server):
    kept, doomed = seed(page, live_server, [image_payload(1), image_payload(2)])
    page.goto("/")
    wait_for_cache(page, images=2, videos=0)
    page.evaluate("() => { window.__marker = 'same page'; }")
    card = page.locator(f"#media-{doomed['id']}")

    card.hover()
    card.get_by_role("button", name="Delete").click()

    expect(card).to_have_count(0)
    assert page.evaluate("() => window.__marker") == "same page"
    assert card_ids(page) == [kept["id"]]
    expect(page.locator("#count-all")).to_have_text("1")
    assert page.request.get(f"{live_server}/api/media/{doomed['id']}").status == 404
    owner = page.evaluate("() => MediaCache.ownerKey")
    assert [r["id"] for r in storage(page)[f"mediaapp:v1:{owner}:image"]] == [kept["id"]]


def test_scrolling_and_load_more_bring_every_page_of_the_history(page, live_server):
    records = seed(page, live_server, [image_payload(n) for n in range(130)])
    page.goto("/")
    first_page = page.locator(CARDS).count()
    assert 0 < first_page < 130

    page.get_by_text("Load more").first.click()

    expect(page.locator(CARDS)).not_to_have_count(first_page)
    for _ in range(20):  # bounded: 130 items never need more pages than this
        if page.locator(CARDS).count() == 130:
            break
        page.mouse.wheel(0, 20_000)
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(300)
    expect(page.locator(CARDS)).to_have_count(130)
    assert card_ids(page) == [r["id"] for r in reversed(records)]
    expect(page.get_by_text("Load more")).to_have_count(0)


def test_when_the_database_is_down_the_gallery_shows_the_cached_items_and_says_offline(
    page, live_server
):
    images = seed(page, live_server, [image_payload(n) for n in range(12)])
    videos = seed(page, live_server, [video_payload(n) for n in range(11)])
    page.goto("/")
    wait_for_cache(page, images=10, videos=10)
    newest = [r["id"] for r in reversed(images)][:10] + [r["id"] for r in reversed(videos)][:10]
    page.route("**/api/**", lambda route: route.abort("internetdisconnected"))

    with database_unavailable():
        response = page.reload()

        assert response.status == 503
        assert page.locator("body").get_attribute("data-offline") == "1"
        expect(page.locator(f"{CARDS}.is-cached")).to_have_count(20)
        assert sorted(card_ids(page)) == sorted(newest)
        notice = page.locator("#offline-notice")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("offline")
        first = images[-1]
        expect(page.locator(f"#media-{first['id']} .media-card__prompt")).to_have_text(
            first["prompt"]
        )
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "gallery-offline.png"), full_page=True)

    page.unroute("**/api/**")
    assert page.goto("/").status == 200  # the app recovers by itself
    expect(page.locator(CARDS)).to_have_count(23)


def _ids_in(storage_dump: dict) -> str:
    return json.dumps(storage_dump)


def test_a_new_guest_on_a_shared_browser_sees_none_of_the_previous_guests_cache(
    page, context, live_server
):
    a_items = seed(page, live_server, [image_payload(1), video_payload(2)])
    page.goto("/")
    owner_a = wait_for_cache(page, images=1, videos=1)
    context.clear_cookies()
    # With the API unreachable, anything left in the cache would be painted into the grid.
    page.route("**/api/**", lambda route: route.abort("internetdisconnected"))

    page.reload()

    owner_b = page.evaluate("() => MediaCache.ownerKey")
    assert owner_b and owner_b != owner_a
    dump = _ids_in(storage(page))
    assert owner_a not in dump
    assert not [r for r in a_items if r["id"] in dump]
    expect(page.locator(CARDS)).to_have_count(0)
    for record in a_items:
        expect(page.get_by_text(record["prompt"])).to_have_count(0)


def test_logging_out_clears_the_cache(page, live_server):
    page.goto("/register")
    page.locator('input[name="email"]').fill("cache-owner@example.com")
    page.locator('input[name="password"]').fill("correct horse battery")
    confirm = page.locator('input[name="confirm"], input[name="password_confirm"]')
    if confirm.count():
        confirm.first.fill("correct horse battery")
    page.locator('form:has(input[name="email"]) [type="submit"]').click()
    page.wait_for_url(f"{live_server}/")
    items = seed(page, live_server, [image_payload(1), image_payload(2)])
    page.goto("/")
    owner = wait_for_cache(page, images=2, videos=0)

    page.locator("form[data-cache-clear] [type=submit]").click()

    page.wait_for_load_state("load")
    expect(page.locator("form[data-cache-clear]")).to_have_count(0)
    dump = _ids_in(storage(page))
    assert owner not in dump
    assert not [r for r in items if r["id"] in dump]
    expect(page.locator(CARDS)).to_have_count(0)


def test_without_javascript_the_gallery_renders_and_the_delete_form_works(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(5_000)
    try:
        page = context.new_page()
        kept, doomed = seed(page, live_server, [image_payload(1), image_payload(2)])
        page.goto("/")
        expect(page.locator(CARDS)).to_have_count(2)

        page.locator(f"#media-{doomed['id']}").get_by_role("button", name="Delete").click()

        page.wait_for_url(f"{live_server}/**")
        expect(page.locator(f"#media-{doomed['id']}")).to_have_count(0)
        assert card_ids(page) == [kept["id"]]
        assert page.request.get(f"{live_server}/api/media/{doomed['id']}").status == 404
    finally:
        context.close()


def _fill_with_demo_or_local_items(page, live_server) -> None:
    page.goto("/")
    demo = page.locator('form[action$="/demo"]')
    if demo.count():
        demo.locator('[type="submit"]').first.click()
        page.wait_for_url(f"{live_server}/")
    else:
        seed(page, live_server, [image_payload(n) for n in range(12)])
        seed(page, live_server, [video_payload(n) for n in range(4)])
        page.goto("/")


def _settle(page) -> None:
    """Load every image now (lazy ones too, for a full-page shot) and fail on a broken one."""
    page.evaluate("() => document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("() => [...document.images].every(img => img.complete)", timeout=10_000)
    broken = page.evaluate(
        "() => [...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == []
    page.wait_for_load_state("networkidle")


def test_gallery_screenshots_at_desktop_and_phone_widths(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots: dict[str, Path] = {}
    for name, viewport, mobile in (
        ("desktop", {"width": 1280, "height": 900}, False),
        ("phone", {"width": 390, "height": 844}, True),
    ):
        context = browser.new_context(
            base_url=live_server,
            viewport=viewport,
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
        )
        context.set_default_timeout(10_000)
        try:
            page = context.new_page()
            _fill_with_demo_or_local_items(page, live_server)
            expect(page.locator(CARDS).first).to_be_visible()
            _settle(page)

            shots[name] = SCREENSHOTS / f"gallery-{name}.png"
            page.screenshot(path=str(shots[name]), full_page=not mobile)
            if mobile:
                page.screenshot(path=str(SCREENSHOTS / "gallery-phone-full.png"), full_page=True)
        finally:
            context.close()

    for path in shots.values():
        assert path.exists() and path.stat().st_size > 20_000, path
