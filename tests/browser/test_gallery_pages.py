"""The pages around the grid in a real browser: detail keys, sharing, trash, stats."""

import random
import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from .conftest import ROOT, image_payload, seed, video_payload

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PHONE = {"width": 360, "height": 780}
MODELS = ("flux-1-dev", "sdxl-turbo", "veo-3", "imagen-4", "midjourney-v7", "kling-2")


def import_history(page, base: str, days: int = 300, seed_value: int = 7) -> int:
    """Import a year-like history with a weekly rhythm and busy spells; returns its size."""
    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    items = []
    for back in range(days):
        day = now - timedelta(days=back)
        busy = 3 if day.weekday() >= 5 else 1
        for n in range(rng.choice((0, 0, 1, 2, 3)) * busy):
            make = video_payload if n % 5 == 4 else image_payload
            payload = make(back * 10 + n, model=rng.choice(MODELS))
            items.append({**payload, "createdAt": (day - timedelta(minutes=n)).isoformat()})
    for start in range(0, len(items), 1000):
        # Setting up, not what the test measures: a loaded machine may take longer than the
        # context's few seconds to import 1,000 items.
        response = page.request.post(
            f"{base}/api/media/import", data={"items": items[start : start + 1000]}, timeout=60_000
        )
        assert response.status == 200, response.text()
    return len(items)


def settle(page) -> None:
    """Wait until images have loaded, so a screenshot shows the page as a person sees it."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => Array.from(document.images).every(img => img.complete)", timeout=10_000
    )


def test_the_arrow_keys_step_through_the_detail_view(page, live_server):
    oldest, middle, newest = seed(page, live_server, [image_payload(n) for n in range(3)])
    page.goto(f"/media/{middle['id']}")

    page.keyboard.press("ArrowLeft")

    page.wait_for_url(f"**/media/{newest['id']}")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"**/media/{middle['id']}")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"**/media/{oldest['id']}")
    page.keyboard.press("ArrowRight")  # the oldest has no next: nothing happens
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/media/{oldest['id']}")


def test_the_arrow_keys_keep_to_the_filters_and_leave_form_fields_alone(page, live_server):
    image_old, video, image_new = seed(
        page, live_server, [image_payload(1), video_payload(2), image_payload(3)]
    )
    page.goto(f"/media/{image_new['id']}?type=image")

    page.keyboard.press("ArrowRight")

    page.wait_for_url(f"**/media/{image_old['id']}?type=image")
    page.locator(".share-box__summary").click()
    page.locator("#share-expires").focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    assert page.url.endswith(f"/media/{image_old['id']}?type=image")
    assert video["id"] not in page.url


def test_the_share_button_makes_a_link_that_opens_for_someone_else(browser, page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    [item] = seed(page, live_server, [image_payload(5, prompt="A lighthouse shared with a friend")])
    page.goto(f"/media/{item['id']}")

    page.locator(".share-box__summary").click()
    page.get_by_label("Link expires").select_option("7")
    page.get_by_role("button", name="Create link").click()

    status = page.locator("[data-share-status]")
    expect(status).to_have_text("Your link is ready and copied to the clipboard.")
    url = page.locator(".share-created .copy-field__value").inner_text()
    assert url.startswith(f"{live_server}/s/")
    assert page.evaluate("() => navigator.clipboard.readText()") == url
    stranger = browser.new_context()
    try:
        public = stranger.new_page()
        public.goto(url)
        expect(public.locator(".shared__title")).to_have_text("A shared image")
        # The original, or the copy the live server's worker has kept by now (through the link).
        kept_or_original = re.compile(rf"^({re.escape(item['url'])}|/api/shared/[\w-]+/file)$")
        expect(public.locator(".detail__media")).to_have_attribute("src", kept_or_original)
        expect(public.locator("#shared-prompt")).to_have_text(item["prompt"])
        assert public.evaluate("() => document.querySelector('.detail__media').naturalWidth") > 0
        expect(public.locator(".site-nav")).to_have_count(0)
    finally:
        stranger.close()
    page.goto("/shares")
    expect(page.locator(".share-row")).to_have_count(1)
    expect(page.locator(".share-row .copy-field__value")).to_have_text(url)


def test_the_favorite_star_toggles_in_place_and_keeps_the_focus(page, live_server):
    [item] = seed(page, live_server, [image_payload(8)])
    page.goto(f"/media/{item['id']}")
    page.evaluate("() => { window.__marker = 'same page'; }")
    star = page.locator("#favorite-button")

    star.click()

    expect(star).to_have_attribute("aria-pressed", "true")
    expect(star).to_be_focused()
    assert page.evaluate("() => window.__marker") == "same page"
    favorite = page.request.get(f"{live_server}/api/media/{item['id']}").json()["data"]
    assert favorite["favorite"] is True


def test_restoring_from_the_trash_brings_the_item_back_to_the_gallery(page, live_server):
    kept, restored = seed(page, live_server, [image_payload(11), image_payload(12)])
    for record in (kept, restored):
        page.request.delete(f"{live_server}/api/media/{record['id']}")
    page.goto("/trash")
    page.evaluate("() => { window.__marker = 'same page'; }")
    card = page.locator(f"#trash-{restored['id']}")

    card.get_by_role("button", name="Restore").click()

    expect(card).to_have_count(0)
    expect(page.locator("#trash-count")).to_have_text("1")
    assert page.evaluate("() => window.__marker") == "same page"
    page.goto("/")
    expect(page.locator(f"#media-{restored['id']}")).to_be_visible()
    expect(page.locator(f"#media-{kept['id']}")).to_have_count(0)


def test_deleting_the_last_trashed_item_forever_shows_the_empty_trash(page, live_server):
    [item] = seed(page, live_server, [image_payload(13)])
    page.request.delete(f"{live_server}/api/media/{item['id']}")
    page.goto("/trash")
    page.get_by_text("Delete forever…").click()

    page.get_by_role("button", name="Delete forever", exact=True).click()

    expect(page.locator(".trash-card")).to_have_count(0)
    expect(page.get_by_role("heading", name="The trash is empty")).to_be_visible()
    expect(page.locator("#trash-tools summary")).to_have_count(0)


def test_emptying_the_trash_asks_first(page, live_server):
    items = seed(page, live_server, [image_payload(n) for n in (14, 15)])
    for record in items:
        page.request.delete(f"{live_server}/api/media/{record['id']}")
    page.goto("/trash")

    page.get_by_text("Empty trash…").click()
    page.get_by_role("button", name="Delete 2 items forever").click()

    expect(page.locator(".flash--success")).to_contain_text(
        "Deleted 2 items forever; the trash is empty."
    )
    expect(page.locator(".trash-card")).to_have_count(0)


def test_the_stats_page_renders_the_heatmap_and_the_model_bars(page, live_server):
    total = import_history(page, live_server)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto("/stats")

    heatmap = page.locator("svg.heatmap")
    expect(heatmap).to_be_visible()
    expect(heatmap.locator("rect.heat-cell")).to_have_count(365)
    assert heatmap.bounding_box()["width"] > 700
    levels = set(
        heatmap.locator("rect.heat-cell").evaluate_all("rs => rs.map(r => r.classList[1])")
    )
    assert levels == {"heat-0", "heat-1", "heat-2", "heat-3", "heat-4"}
    colours = heatmap.locator("rect.heat-cell").evaluate_all(
        "rs => rs.map(r => getComputedStyle(r).fill)"
    )
    assert len(set(colours)) == 5  # the CSS classes give each level its own colour
    expect(page.locator("#stat-total")).to_have_text(f"{total:,}")
    expect(page.locator("svg.bars rect.bars__bar")).to_have_count(len(MODELS))
    page.screenshot(path=str(SCREENSHOTS / "stats-desktop.png"), full_page=True)


def test_the_stats_page_shows_the_spend_by_model_and_by_day(page, live_server):
    now = datetime.now(UTC)
    items = [
        image_payload(
            n,
            model=MODELS[n % 3],
            costUsd=round(0.0025 * (n % 7 + 1), 4),
            createdAt=(now - timedelta(days=n % 20)).isoformat(),
        )
        for n in range(40)
    ]
    response = page.request.post(f"{live_server}/api/media/import", data={"items": items})
    assert response.status == 200
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.goto("/stats")

    panel = page.locator("section[aria-labelledby=spend-title]")
    expect(panel.locator("#spend-total")).to_have_text(re.compile(r"^\$0\.\d{2,4}$"))
    expect(panel.locator("rect.bars__bar")).to_have_count(3)
    expect(panel.locator("rect.spend-days__column")).to_have_count(20)
    columns = panel.locator("svg.spend-days")
    assert columns.bounding_box()["width"] > 600
    page.screenshot(path=str(SCREENSHOTS / "stats-spend-desktop.png"), full_page=True)


def test_the_stats_calendar_scrolls_to_today_on_a_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        import_history(page, live_server, days=60, seed_value=3)

        page.goto("/stats")

        scroller = page.locator(".heatmap-scroll")
        expect(scroller).to_be_visible()
        scrolled = scroller.evaluate("el => el.scrollLeft + el.clientWidth >= el.scrollWidth - 2")
        assert scrolled and scroller.evaluate("el => el.scrollWidth > el.clientWidth")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(SCREENSHOTS / "stats-phone.png"), full_page=True)
    finally:
        context.close()


def test_detail_screenshot_at_desktop_width(page, live_server):
    items = seed(page, live_server, [image_payload(n) for n in range(3)])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"/media/{items[1]['id']}")
    page.locator(".share-box__summary").click()
    page.get_by_role("button", name="Create link").click()
    expect(page.locator(".share-created")).to_be_visible()
    settle(page)

    page.screenshot(path=str(SCREENSHOTS / "detail-desktop.png"), full_page=True)

    assert (SCREENSHOTS / "detail-desktop.png").stat().st_size > 20_000


def test_trash_screenshot_at_phone_width(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        page = context.new_page()
        items = seed(
            page,
            live_server,
            [image_payload(n) for n in range(4)]
            + [video_payload(1, model="a-very-long-model-name-v2")],
        )
        for record in items:
            page.request.delete(f"{live_server}/api/media/{record['id']}")
        page.goto("/trash")
        expect(page.locator(".trash-card")).to_have_count(5)
        settle(page)

        page.screenshot(path=str(SCREENSHOTS / "trash-phone.png"), full_page=True)

        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
