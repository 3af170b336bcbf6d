"""Search, stars, selection and Undo in a real browser, plus the search and bulk screenshots."""

from playwright.sync_api import expect

from .conftest import ROOT, card_ids, image_payload, seed, video_payload

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CARDS = "#media-grid .media-card"


def mark_page(page) -> None:
    """A marker that survives htmx swaps and is lost on any real navigation."""
    page.evaluate("() => { window.__marker = 'same page'; }")


def same_page(page) -> bool:
    return page.evaluate("() => window.__marker") == "same page"


def api_record(page, base: str, media_id: str):
    response = page.request.get(f"{base}/api/media/{media_id}")
    return response.json()["data"] if response.status == 200 else None


def dismiss_flashes(page) -> None:
    page.evaluate("() => document.querySelectorAll('#flash-area .flash').forEach(f => f.remove())")


def settle_images(page) -> None:
    page.evaluate("() => document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    page.wait_for_load_state("networkidle")


def test_typing_a_search_filters_the_grid_in_place_and_the_url_follows(page, live_server):
    fox_payloads = [image_payload(n, prompt=f"A red fox, take {n}") for n in range(2)]
    foxes = seed(page, live_server, fox_payloads)
    others = seed(page, live_server, [image_payload(n) for n in range(3)])
    page.goto("/")
    expect(page.locator(CARDS)).to_have_count(5)
    mark_page(page)

    page.locator("#filter-q").press_sequentially("fox", delay=40)

    page.wait_for_url("**/?q=fox")
    expect(page.locator(CARDS)).to_have_count(2)
    assert card_ids(page) == [foxes[1]["id"], foxes[0]["id"]]
    expect(page.locator("#match-count")).to_have_text("2 matches")
    assert same_page(page)

    page.go_back()

    page.wait_for_url(f"{live_server}/")
    expect(page.locator(CARDS)).to_have_count(5)
    expect(page.locator("#filter-q")).to_have_value("")
    assert set(card_ids(page)) == {r["id"] for r in foxes + others}

    page.go_forward()

    page.wait_for_url("**/?q=fox")
    expect(page.locator(CARDS)).to_have_count(2)
    expect(page.locator("#filter-q")).to_have_value("fox")


def test_a_filter_menu_change_searches_at_once(page, live_server):
    seed(page, live_server, [image_payload(n) for n in range(2)])
    videos = seed(page, live_server, [video_payload(n) for n in range(2)])
    page.goto("/")
    mark_page(page)

    page.locator('select[name="model"]').select_option("veo-3")

    page.wait_for_url("**/?model=veo-3")
    expect(page.locator(CARDS)).to_have_count(2)
    assert card_ids(page) == [videos[1]["id"], videos[0]["id"]]
    assert same_page(page)


def test_the_star_toggles_in_place(page, live_server):
    (item,) = seed(page, live_server, [image_payload(1)])
    page.goto("/")
    mark_page(page)
    card = page.locator(f"#media-{item['id']}")
    card.hover()

    card.get_by_role("button", name="Add to favorites").click()

    star = card.get_by_role("button", name="Remove from favorites")
    expect(star).to_have_attribute("aria-pressed", "true")
    expect(star).to_be_focused()
    assert api_record(page, live_server, item["id"])["favorite"] is True
    assert same_page(page)

    star.click()

    expect(card.get_by_role("button", name="Add to favorites")).to_have_attribute(
        "aria-pressed", "false"
    )
    assert api_record(page, live_server, item["id"])["favorite"] is False


def test_shift_click_selects_a_range_and_bulk_delete_removes_those_cards(page, live_server):
    records = seed(page, live_server, [image_payload(n) for n in range(6)])
    page.goto("/")
    ids = card_ids(page)  # newest first
    boxes = page.locator(f"{CARDS} .media-card__checkbox")
    mark_page(page)

    boxes.nth(1).click()
    boxes.nth(4).click(modifiers=["Shift"])

    chosen = ids[1:5]
    expect(page.locator("[data-bulk-count]")).to_have_text("4 selected")
    expect(page.locator("#selection-status")).to_have_text("4 selected")
    expect(page.locator(f"{CARDS}.is-selected")).to_have_count(4)
    assert (
        page.eval_on_selector_all(
            f"{CARDS}.is-selected", "cards => cards.map(c => c.dataset.mediaId)"
        )
        == chosen
    )

    page.locator("#bulk-form").get_by_role("button", name="Delete").click()

    expect(page.locator(CARDS)).to_have_count(2)
    assert card_ids(page) == [ids[0], ids[5]]
    expect(page.locator("#flash-area")).to_contain_text("Deleted 4 items: ")
    expect(page.locator("#match-count")).to_have_text("2 items")
    expect(page.locator("[data-bulk-count]")).to_have_text("Tick cards to act on several at once")
    assert same_page(page)
    for media_id in chosen:
        assert api_record(page, live_server, media_id) is None
    assert len(records) == 6


def test_escape_and_the_clear_button_drop_the_selection(page, live_server):
    seed(page, live_server, [image_payload(n) for n in range(3)])
    page.goto("/")
    boxes = page.locator(f"{CARDS} .media-card__checkbox")
    boxes.nth(0).click()
    boxes.nth(2).click()
    expect(page.locator("[data-bulk-count]")).to_have_text("2 selected")

    page.keyboard.press("Escape")

    expect(page.locator(f"{CARDS}.is-selected")).to_have_count(0)
    boxes.nth(1).click()
    page.locator("[data-bulk-clear]").click()
    expect(page.locator(f"{CARDS}.is-selected")).to_have_count(0)
    expect(page.locator("#selection-status")).to_have_text("Selection cleared")


def test_bulk_favorite_stars_the_selected_cards_in_place(page, live_server):
    records = seed(page, live_server, [image_payload(n) for n in range(3)])
    page.goto("/")
    boxes = page.locator(f"{CARDS} .media-card__checkbox")
    boxes.nth(0).click()
    boxes.nth(1).click()

    page.locator("#bulk-form").get_by_role("button", name="Favorite", exact=True).click()

    expect(page.locator(f'{CARDS} .card-star__button[aria-pressed="true"]')).to_have_count(2)
    expect(page.locator(f"{CARDS}.is-selected")).to_have_count(0)
    starred = [api_record(page, live_server, r["id"])["favorite"] for r in records]
    assert starred == [False, True, True]


def test_delete_then_undo_brings_the_card_back(page, live_server):
    kept, doomed = seed(page, live_server, [image_payload(1), image_payload(2)])
    page.goto("/")
    mark_page(page)
    card = page.locator(f"#media-{doomed['id']}")
    card.hover()

    card.get_by_role("button", name="Delete").click()

    expect(card).to_have_count(0)
    notice = page.locator("#flash-area .flash--undo")
    expect(notice).to_contain_text(f"Deleted “{doomed['prompt'][:20]}")
    assert api_record(page, live_server, doomed["id"]) is None

    notice.get_by_role("button", name="Undo deleting").click()

    expect(page.locator(f"#media-{doomed['id']}")).to_have_count(1)
    assert card_ids(page) == [doomed["id"], kept["id"]]
    expect(page.locator("#flash-area")).to_contain_text("Restored “")
    expect(page.locator("#count-all")).to_have_text("2")
    assert api_record(page, live_server, doomed["id"]) is not None
    assert same_page(page)


def test_deleting_the_last_card_of_a_date_group_takes_its_heading_along(page, live_server):
    item = {**image_payload(1), "createdAt": "2024-03-10T10:00:00Z"}
    imported = page.request.post(f"{live_server}/api/media/import", data={"items": [item]})
    old_id = imported.json()["data"]["results"][0]["id"]
    seed(page, live_server, [image_payload(2)])
    page.goto("/")
    expect(page.locator(".date-heading")).to_have_text(["Today", "March 2024"])
    card = page.locator(f"#media-{old_id}")
    card.hover()

    card.get_by_role("button", name="Delete").click()

    expect(card).to_have_count(0)
    expect(page.locator(".date-heading")).to_have_text(["Today"])


def test_without_javascript_the_search_form_and_undo_still_work(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(5_000)
    try:
        page = context.new_page()
        fox, _ = seed(page, live_server, [image_payload(1, prompt="A fox"), image_payload(2)])
        page.goto("/")

        page.locator("#filter-q").fill("fox")
        page.get_by_role("button", name="Search").click()

        page.wait_for_url("**/?q=fox**")
        assert card_ids(page) == [fox["id"]]
        page.locator(f"#media-{fox['id']}").get_by_role("button", name="Delete").click()
        page.wait_for_url("**/?q=fox")
        expect(page.locator(CARDS)).to_have_count(0)
        page.get_by_role("button", name="Undo").click()
        page.wait_for_url(f"**/?q=fox#media-{fox['id']}")
        assert card_ids(page) == [fox["id"]]
    finally:
        context.close()


def test_search_and_bulk_screenshots(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desktop = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    desktop.set_default_timeout(10_000)
    try:
        page = desktop.new_page()
        page.goto("/")
        page.locator('form[action$="/demo"] [type="submit"]').click()
        page.wait_for_url(f"{live_server}/")
        first = page.locator(CARDS).first
        first.hover()
        first.get_by_role("button", name="Add to favorites").click()
        page.locator("#filter-q").press_sequentially("sun", delay=30)
        page.wait_for_url("**/?q=sun")
        expect(page.locator("#match-count")).to_contain_text("matches")
        settle_images(page)
        dismiss_flashes(page)
        page.mouse.move(0, 0)
        page.screenshot(path=str(SCREENSHOTS / "gallery-search-desktop.png"), full_page=True)
    finally:
        desktop.close()

    phone = browser.new_context(
        base_url=live_server,
        viewport={"width": 360, "height": 780},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    phone.set_default_timeout(10_000)
    try:
        page = phone.new_page()
        page.goto("/")
        page.locator('form[action$="/demo"] [type="submit"]').click()
        page.wait_for_url(f"{live_server}/")
        boxes = page.locator(f"{CARDS} .media-card__checkbox")
        boxes.nth(2).tap()
        boxes.nth(3).tap()
        boxes.nth(4).tap()
        expect(page.locator("[data-bulk-count]")).to_have_text("3 selected")
        settle_images(page)
        dismiss_flashes(page)
        page.locator(CARDS).nth(4).scroll_into_view_if_needed()
        page.evaluate("() => window.scrollBy(0, 120)")
        page.screenshot(path=str(SCREENSHOTS / "gallery-bulk-phone.png"))
    finally:
        phone.close()

    for name in ("gallery-search-desktop.png", "gallery-bulk-phone.png"):
        assert (SCREENSHOTS / name).stat().st_size > 20_000
