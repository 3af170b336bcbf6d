"""Culling in the detail view: the rating widget, and a batch culled with the keyboard alone
(1-5 rate, 0 clears, F favorites, Delete trashes and moves on with Undo, the arrows step),
keys that stay out of the way while someone types or holds a modifier, and the toolbar's
Rate and the Rating filter in the grid."""

import re

from playwright.sync_api import expect

from .conftest import ROOT, api_get, image_payload, seed

SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"culling-{name}.png"), full_page=True)


def item(page, live_server, media_id: str) -> dict | None:
    response = api_get(page, live_server, f"/media/{media_id}")
    return response.json()["data"] if response.status == 200 else None


def batch(page, live_server, n: int) -> list[str]:
    """n images; their ids newest first (the order the detail view walks with ArrowRight)."""
    payloads = [image_payload(i, prompt=f"Batch item {i}") for i in range(n)]
    records = seed(page, live_server, payloads)
    return [r["id"] for r in records][::-1]


def star(page, n: int):
    return page.locator(f"#rating-button-{n}")


def test_clicking_a_star_rates_the_item_in_place(page, live_server):
    (media_id,) = batch(page, live_server, 1)
    page.goto(f"/media/{media_id}")
    url = page.url

    star(page, 4).click()

    expect(star(page, 4)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#rating-value")).to_have_text("4 of 5")
    expect(page.locator("#rating-status")).to_have_text("Rated 4 stars.")
    expect(star(page, 4)).to_be_focused()  # the new form's button took the focus back
    assert page.url == url  # htmx swapped the form; no reload
    assert item(page, live_server, media_id)["rating"] == 4
    shot(page, "widget-rated")
    page.get_by_role("button", name="Clear rating").click()
    expect(page.locator("#rating-value")).to_have_text("not rated")
    assert item(page, live_server, media_id)["rating"] == 0


def test_the_rating_widget_works_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(5_000)
    try:
        page = context.new_page()
        (media_id,) = batch(page, live_server, 1)
        page.goto(f"/media/{media_id}")

        star(page, 2).click()

        expect(page).to_have_url(re.compile(f"/media/{media_id}$"))
        expect(star(page, 2)).to_have_attribute("aria-pressed", "true")
        expect(page.locator("#flash-area")).to_contain_text("Rated 2 stars.")
        expect(page.locator(".shortcuts")).to_be_hidden()  # the keys need JavaScript
        assert item(page, live_server, media_id)["rating"] == 2
    finally:
        context.close()


def test_a_batch_is_culled_with_the_keyboard_alone(page, live_server):
    ids = batch(page, live_server, 4)  # newest first: a, b, c, d
    page.goto(f"/media/{ids[0]}")
    expect(page.locator(".shortcuts")).to_be_visible()
    shot(page, "keys-listed")

    page.keyboard.press("3")
    expect(star(page, 3)).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#rating-status")).to_have_text("Rated 3 stars.")
    page.keyboard.press("f")
    expect(page.locator("#favorite-button")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(f"/media/{ids[1]}"))
    page.keyboard.press("5")
    expect(star(page, 5)).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("0")
    expect(star(page, 0)).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Delete")
    expect(page).to_have_url(re.compile(f"/media/{ids[2]}"))
    expect(page.locator("#flash-area")).to_contain_text("Deleted “Batch item 2”.")
    expect(page.get_by_role("button", name=re.compile("^Undo deleting"))).to_be_visible()
    shot(page, "after-delete")
    page.keyboard.press("1")
    expect(star(page, 1)).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowLeft")  # the deleted item is gone: back to the first

    expect(page).to_have_url(re.compile(f"/media/{ids[0]}"))
    expect(star(page, 3)).to_have_attribute("aria-pressed", "true")
    a, b, c, d = (item(page, live_server, i) for i in ids)
    assert (a["rating"], a["favorite"]) == (3, True)
    assert b is None  # in the trash
    assert (c["rating"], c["favorite"]) == (1, False)
    assert d["rating"] == 0


def test_undo_after_a_keyboard_delete_brings_the_item_back_to_its_page(page, live_server):
    ids = batch(page, live_server, 3)
    page.goto(f"/media/{ids[1]}")
    page.keyboard.press("Delete")
    expect(page).to_have_url(re.compile(f"/media/{ids[2]}"))

    page.keyboard.press("Control+z")

    expect(page).to_have_url(re.compile(f"/media/{ids[1]}"))
    expect(page.locator("#flash-area")).to_contain_text("Restored")
    assert item(page, live_server, ids[1]) is not None


def test_the_keys_do_nothing_while_typing_in_a_field_or_with_a_modifier(page, live_server):
    ids = batch(page, live_server, 2)
    page.goto(f"/media/{ids[0]}")
    page.locator(".share-box__summary").click()
    page.locator("#share-expires").focus()

    for key in ("3", "f", "Delete", "ArrowRight"):
        page.keyboard.press(key)
    page.evaluate("() => document.activeElement.blur()")
    for key in ("Alt+4", "Control+5", "Meta+f"):
        page.keyboard.press(key)

    expect(page).to_have_url(re.compile(f"/media/{ids[0]}"))
    expect(star(page, 0)).to_have_attribute("aria-pressed", "true")
    record = item(page, live_server, ids[0])
    assert (record["rating"], record["favorite"]) == (0, False)


def test_typing_in_the_gallery_search_box_rates_nothing(page, live_server):
    ids = batch(page, live_server, 2)
    page.goto("/")

    page.locator("#filter-q").press_sequentially("3 f5")

    expect(page.locator("#filter-q")).to_have_value("3 f5")
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    assert [item(page, live_server, i)["rating"] for i in ids] == [0, 0]


def test_the_toolbar_rates_the_ticked_cards_and_the_filter_keeps_them(page, live_server):
    ids = batch(page, live_server, 3)
    page.goto("/")
    for media_id in ids[:2]:
        page.locator(f"#media-{media_id} .media-card__checkbox").check()
    page.locator("#bulk-rating").select_option("4")

    page.locator("#bulk-form").get_by_role("button", name="Rate").click()

    expect(page.locator(f"#rating-{ids[0]}")).to_contain_text("Rated 4 of 5")
    expect(page.locator(f"#rating-{ids[1]}")).to_contain_text("Rated 4 of 5")
    expect(page.locator("#flash-area")).to_contain_text("Rated 2 items 4 stars.")
    shot(page, "grid-rated")
    page.locator("#gallery-filters select[name=minRating]").select_option("4")
    expect(page.locator("#media-grid .media-card")).to_have_count(2)
    expect(page.locator(".chips")).to_contain_text("Rated 4+")
    expect(page).to_have_url(re.compile(r"minRating=4"))
    shot(page, "grid-filtered")
