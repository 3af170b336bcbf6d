"""The grid for the keyboard: one Tab stop (a roving tabindex), arrow keys, the current card's
controls, "Skip to results", cards added by Load more, and the page without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, image_payload, seed, video_payload

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CARDS = "#media-grid .media-card"
# The gallery's first page holds 24 cards (presenters.DEFAULT_PAGE_SIZE).
PAGE = 24

# Every focus change, described: the tag, its name as a person reads it, and its card.
RECORD_FOCUS = """() => {
    window.__stops = [];
    if (window.__recording) {
        return;
    }
    window.__recording = true;
    document.addEventListener("focusin", (event) => {
        const el = event.target;
        const card = el.closest(".media-card");
        window.__stops.push({
            tag: el.localName,
            cls: String(el.className || ""),
            name: (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 60),
            card: card ? card.dataset.mediaId : null,
            inGrid: Boolean(el.closest("#media-grid")),
        });
    });
}"""


def sized_context(browser, live_server, width: int, scheme: str):
    context = browser.new_context(
        base_url=live_server, viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    context.set_default_timeout(10_000)
    return context


def history(n: int) -> list[dict]:
    return [video_payload(i) if i % 5 == 0 else image_payload(i) for i in range(n)]


def record_focus(page) -> None:
    page.evaluate(RECORD_FOCUS)


def stops(page) -> list[dict]:
    return page.evaluate("() => window.__stops")


def tab_until(page, reached, limit: int = 120) -> tuple[int, list[dict]]:
    """Press Tab until `reached(stop)` holds for the newest stop: the presses and the stops.

    They differ: Tab also walks the parts of a date field, which stays one focused element.
    """
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        seen = stops(page)
        if seen and reached(seen[-1]):
            return presses, seen
    raise AssertionError(f"not reached in {limit} Tab presses: {stops(page)[-5:]}")


def is_load_more(stop: dict) -> bool:
    return "load-more__link" in stop["cls"]


def focused_card(page) -> str | None:
    return page.evaluate(
        "() => { const c = document.activeElement.closest('.media-card');"
        " return document.activeElement.matches('.media-card__link') && c ? c.dataset.mediaId"
        " : null; }"
    )


def tabbable_links(page) -> list[str]:
    return page.eval_on_selector_all(
        "#media-grid .media-card__link:not([tabindex='-1'])",
        "links => links.map(l => l.closest('.media-card').dataset.mediaId)",
    )


def ids(page) -> list[str]:
    return page.eval_on_selector_all(CARDS, "cards => cards.map(c => c.dataset.mediaId)")


def test_tab_from_the_top_reaches_load_more_past_one_card_of_a_full_page(page, live_server):
    seed(page, live_server, history(PAGE + 6))
    page.goto("/")
    expect(page.locator(CARDS)).to_have_count(PAGE)
    record_focus(page)

    presses, seen = tab_until(page, is_load_more)

    print(f"\nTab presses from the top of the gallery to Load more (24 cards): {presses}")
    assert seen[0]["name"] == "Skip to results"
    in_grid = [stop for stop in seen if stop["card"]]
    first = ids(page)[0]
    assert [stop["card"] for stop in in_grid] == [first] * 5
    assert seen[-6:-1] == in_grid  # Load more comes straight after the current card
    assert [stop["cls"].split()[0] for stop in in_grid[:2]] == [
        "media-card__link",
        "media-card__checkbox",
    ]
    assert [stop["name"] for stop in in_grid[2:]] == [
        "Add to favorites",
        "Add to a collection",
        "Delete",
    ]
    # Was 126: four stops on each of the 24 cards, and the dates open. 26 before the filters
    # gained the Rating menu and the variants toggle, and the results bar Download zip; 29
    # before the header gained Collections and the current card "Add to a collection".
    assert presses <= 31


def test_the_grid_costs_the_same_tab_presses_with_twice_the_cards(page, live_server):
    seed(page, live_server, history(2 * PAGE + 2))
    page.goto("/")
    record_focus(page)
    page.locator("#filter-q").focus()
    before, _ = tab_until(page, is_load_more)
    expect(page.locator(CARDS)).to_have_count(2 * PAGE)  # a focused Load more fetches itself
    page.locator("#filter-q").focus()
    record_focus(page)

    after, _ = tab_until(page, is_load_more)

    assert after == before


@pytest.mark.parametrize(
    ("width", "scheme"), [(1280, "light"), (390, "dark")], ids=["1280-light", "390-dark"]
)
def test_arrow_keys_move_by_cards_and_rows_and_home_and_end_reach_the_ends(
    browser, live_server, width, scheme
):
    context = sized_context(browser, live_server, width, scheme)
    try:
        page = context.new_page()
        seed(page, live_server, history(12))
        page.goto("/")
        order = ids(page)
        tops = page.eval_on_selector_all(CARDS, "cs => cs.map(c => c.getBoundingClientRect().top)")
        per_row = tops.count(tops[0])
        assert 1 < per_row < 12  # the grid lays several cards on a row, two on a phone
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # Skip to results
        assert focused_card(page) == order[0]

        page.keyboard.press("ArrowRight")
        assert focused_card(page) == order[1]
        page.keyboard.press("ArrowDown")
        assert focused_card(page) == order[1 + per_row]
        page.keyboard.press("ArrowDown")
        assert focused_card(page) == order[1 + 2 * per_row]
        page.keyboard.press("ArrowUp")
        assert focused_card(page) == order[1 + per_row]
        page.keyboard.press("ArrowLeft")
        assert focused_card(page) == order[per_row]
        page.keyboard.press("End")
        assert focused_card(page) == order[-1]
        assert tabbable_links(page) == [order[-1]]
        page.keyboard.press("Home")
        assert focused_card(page) == order[0]
        assert tabbable_links(page) == [order[0]]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"gallery-keyboard-{width}-{scheme}.png"))
    finally:
        context.close()


def test_enter_opens_the_current_card(page, live_server):
    records = seed(page, live_server, history(3))
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")

    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(f"/media/{records[1]['id']}"))


def test_the_grid_remembers_its_card_when_the_keyboard_leaves_and_comes_back(page, live_server):
    seed(page, live_server, history(8))
    page.goto("/")
    order = ids(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    for _ in range(5):  # its box, star, collection menu and delete, then out of the grid
        page.keyboard.press("Tab")
    assert page.evaluate("() => !document.activeElement.closest('#media-grid')")

    for _ in range(5):
        page.keyboard.press("Shift+Tab")

    assert focused_card(page) == order[-1]


def test_the_current_cards_controls_are_reachable_by_tab_and_work(page, live_server):
    seed(page, live_server, history(6))
    page.goto("/")
    order = ids(page)
    card = page.locator(f"#media-{order[2]}")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")

    page.keyboard.press("Tab")
    expect(card.locator(".media-card__checkbox")).to_be_focused()
    page.keyboard.press("Space")
    expect(card.locator(".media-card__checkbox")).to_be_checked()
    expect(page.locator("[data-bulk-count]")).to_have_text("1 selected")
    page.keyboard.press("Tab")
    expect(card.locator(".card-star__button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(card.locator(".card-star__button")).to_have_attribute("aria-pressed", "true")
    expect(card.locator(".card-star__button")).to_be_focused()
    page.keyboard.press("Tab")
    expect(card.locator(".collect-menu__summary")).to_be_focused()
    page.keyboard.press("Tab")
    expect(card.get_by_role("button", name="Delete")).to_be_focused()
    page.keyboard.press("Enter")

    expect(card).to_have_count(0)
    assert tabbable_links(page) == [order[3]]  # the card that took its place is the stop


def test_other_cards_controls_are_out_of_the_tab_order_but_still_clickable(page, live_server):
    seed(page, live_server, history(4))
    page.goto("/")
    order = ids(page)
    other = page.locator(f"#media-{order[3]}")
    expect(other.locator(".card-star__button")).to_have_attribute("tabindex", "-1")
    expect(other.locator(".media-card__checkbox")).to_have_attribute("tabindex", "-1")

    other.hover()
    other.locator(".card-star__button").click()

    expect(other.locator(".card-star__button")).to_have_attribute("aria-pressed", "true")
    assert tabbable_links(page) == [order[3]]  # a click makes its card the current one


def test_a_focused_load_more_hands_the_focus_to_the_first_card_it_brings(page, live_server):
    seed(page, live_server, history(PAGE + 6))
    page.goto("/")
    record_focus(page)
    tab_until(page, is_load_more)  # focusing it scrolls it into view, which loads the page

    expect(page.locator(CARDS)).to_have_count(PAGE + 6)
    order = ids(page)
    expect(page.locator(f"#media-{order[PAGE]} .media-card__link")).to_be_focused()
    page.keyboard.press("End")
    assert focused_card(page) == order[-1]
    page.keyboard.press("ArrowLeft")
    assert focused_card(page) == order[-2]
    assert tabbable_links(page) == [order[-2]]


def test_arrow_keys_cross_into_cards_appended_by_load_more(page, live_server):
    seed(page, live_server, history(PAGE + 3))
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("End")  # the last card of the first page
    assert focused_card(page) == ids(page)[PAGE - 1]

    page.mouse.wheel(0, 2000)  # scrolling on loads the next page

    expect(page.locator(CARDS)).to_have_count(PAGE + 3)
    order = ids(page)
    assert focused_card(page) == order[PAGE - 1]
    page.keyboard.press("ArrowRight")
    assert focused_card(page) == order[PAGE]
    page.keyboard.press("End")
    assert focused_card(page) == order[-1]


def test_skip_to_results_is_the_first_stop_shows_itself_and_lands_on_the_current_card(
    page, live_server
):
    seed(page, live_server, history(5))
    page.goto("/")
    skip = page.get_by_role("link", name="Skip to results")

    page.keyboard.press("Tab")

    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["width"] > 60
    page.keyboard.press("Enter")
    assert focused_card(page) == ids(page)[0]


def test_the_keyboard_help_shows_while_the_grid_has_the_keyboard(page, live_server):
    seed(page, live_server, history(10))
    page.goto("/")
    order = ids(page)
    help_box = page.locator("#grid-keys")
    assert help_box.bounding_box()["width"] <= 1  # out of sight until it is needed
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(help_box).to_be_in_viewport()
    assert help_box.bounding_box()["width"] > 200
    first = page.locator(f"#media-{order[0]} .media-card__link")
    expect(first).to_have_accessible_description(re.compile(r"Arrow keys move between cards"))
    page.keyboard.press("ArrowRight")
    second = page.locator(f"#media-{order[1]} .media-card__link")
    expect(second).to_have_accessible_description(re.compile(r"^(Image|Video)$"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "gallery-keyboard-1280.png"))

    page.locator("#filter-q").focus()

    assert help_box.bounding_box()["width"] <= 1


def test_without_javascript_every_card_control_is_tabbable(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(5_000)
    try:
        page = context.new_page()
        seed(page, live_server, history(3))
        page.goto("/")
        order = ids(page)
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to results")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("#media-grid")).to_be_focused()

        page.keyboard.press("Tab")
        expect(page.locator(f"#media-{order[0]} .media-card__link")).to_be_focused()
        for _ in range(4):  # box, star, add to collection, delete of the first card
            page.keyboard.press("Tab")
        page.keyboard.press("Tab")

        expect(page.locator(f"#media-{order[1]} .media-card__link")).to_be_focused()
        expect(page.locator("#grid-keys")).to_be_hidden()  # no arrow keys without JavaScript
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_dates_wait_behind_one_stop_and_stay_open_while_one_is_set(
    browser, live_server, width, scheme
):
    context = sized_context(browser, live_server, width, scheme)
    try:
        page = context.new_page()
        seed(page, live_server, history(3))
        page.goto("/")
        dates = page.locator(".filters__dates")
        expect(dates).not_to_have_attribute("open", "")
        expect(page.locator("#gallery-filters input[name=from]")).to_be_hidden()

        page.locator(".filters__dates-summary").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#gallery-filters input[name=from]")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"gallery-dates-{width}-{scheme}.png"))

        page.goto("/?from=2020-01-01")
        expect(page.locator(".filters__dates")).to_have_attribute("open", "")
        expect(page.locator("#gallery-filters input[name=from]")).to_have_value("2020-01-01")
        expect(page.locator(".filters__dates-summary")).to_have_text("Dates (set)")
    finally:
        context.close()
