"""Variant stacks in a real browser: the filter bar's toggle collapses the grid into stacks
(kept in the URL), and a stack's card expands in place and collapses by keyboard or button;
without JavaScript its disclosure is a link to the members' grid."""

from playwright.sync_api import expect

from .conftest import ROOT, image_payload, seed

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TOP_CARDS = "#media-grid > .media-card"
PANEL = "#media-grid > .stack-panel"


def variants(n: int, prompt: str = "A lighthouse on a cliff, variants") -> list[dict]:
    """n payloads that differ only by seed (one stack)."""
    return [image_payload(k, prompt=prompt) for k in range(n)]


def mark_page(page) -> None:
    page.evaluate("() => { window.__marker = 'same page'; }")


def same_page(page) -> bool:
    return page.evaluate("() => window.__marker") == "same page"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    page.screenshot(path=str(SCREENSHOTS / f"stacks-{name}.png"), full_page=True)


def test_the_toggle_collapses_stacks_into_counted_cards_and_the_url_keeps_it(page, live_server):
    stack = seed(page, live_server, variants(3))
    (single,) = seed(page, live_server, [image_payload(9, prompt="A single meadow")])
    page.goto("/")
    expect(page.locator(TOP_CARDS)).to_have_count(4)
    mark_page(page)

    page.get_by_label("Group variants").check()

    page.wait_for_url("**/?stack=variants")
    expect(page.locator(TOP_CARDS)).to_have_count(2)
    assert same_page(page)
    head = page.locator(f"#media-{stack[-1]['id']}")
    expect(head.locator(".media-card__stack-count")).to_have_text("3")
    expect(head.get_by_role("link", name="Show 2 more variants")).to_be_visible()
    expect(page.locator(f"#media-{single['id']} [data-stack-toggle]")).to_have_count(0)
    shot(page, "grouped")

    page.reload()

    expect(page.get_by_label("Group variants")).to_be_checked()
    expect(page.locator(TOP_CARDS)).to_have_count(2)

    page.get_by_label("Group variants").uncheck()

    page.wait_for_url(f"{live_server}/")
    expect(page.locator(TOP_CARDS)).to_have_count(4)


def test_a_stack_expands_in_place_after_its_card_and_collapses_again(page, live_server):
    stack = seed(page, live_server, variants(4))
    seed(page, live_server, [image_payload(9, prompt="A single meadow")])
    page.goto("/?stack=variants")
    mark_page(page)
    head = page.locator(f"#media-{stack[-1]['id']}")
    toggle = head.locator("[data-stack-toggle]")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()

    panel = page.locator(PANEL)
    expect(panel).to_have_count(1)
    expect(panel.locator(".media-card")).to_have_count(3)
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(toggle).to_have_accessible_name("Hide variants")
    expect(toggle).to_have_accessible_description("A lighthouse on a cliff, variants")
    assert panel.evaluate("p => p.previousElementSibling.id") == f"media-{stack[-1]['id']}"
    shown = panel.locator(".media-card").evaluate_all("cs => cs.map(c => c.dataset.mediaId)")
    assert shown == [r["id"] for r in stack[-2::-1]]
    expect(panel.get_by_role("heading")).to_contain_text("3 more variants")
    assert same_page(page)
    shot(page, "expanded")

    toggle.click()

    expect(panel).to_have_count(0)
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_accessible_name("Show 3 more variants")
    assert same_page(page)


def test_the_keyboard_opens_a_stack_and_escape_or_collapse_closes_it(page, live_server):
    stack = seed(page, live_server, variants(3))
    page.goto("/?stack=variants")
    toggle = page.locator(f"#media-{stack[-1]['id']} [data-stack-toggle]")
    toggle.focus()

    page.keyboard.press("Enter")

    panel = page.locator(PANEL)
    expect(panel).to_have_count(1)
    expect(toggle).to_be_focused()

    panel.locator(".media-card__link").first.focus()
    page.keyboard.press("Escape")

    expect(panel).to_have_count(0)
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Enter")
    expect(panel).to_have_count(1)
    panel.get_by_role("button", name="Collapse").click()

    expect(panel).to_have_count(0)
    expect(toggle).to_be_focused()


def test_a_delete_inside_an_open_stack_removes_only_that_card(page, live_server):
    stack = seed(page, live_server, variants(3))
    page.goto("/?stack=variants")
    page.locator(f"#media-{stack[-1]['id']} [data-stack-toggle]").click()
    panel = page.locator(PANEL)
    expect(panel.locator(".media-card")).to_have_count(2)

    panel.locator(f"#media-{stack[0]['id']}").get_by_role("button", name="Delete").click()

    expect(panel.locator(".media-card")).to_have_count(1)
    expect(page.locator(f"#media-{stack[-1]['id']}")).to_be_visible()


def test_without_javascript_the_disclosure_opens_the_members_grid(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        stack = seed(page, live_server, variants(3))
        page.goto("/?stack=variants")

        page.get_by_role("link", name="Show 2 more variants").click()

        page.wait_for_url("**/?variantOf=*")
        cards = page.locator(TOP_CARDS).evaluate_all("cs => cs.map(c => c.dataset.mediaId)")
        assert cards == [r["id"] for r in stack[::-1]]
        expect(page.get_by_text("Variants of one item")).to_be_visible()
        shot(page, "members-no-js")
    finally:
        context.close()


def test_without_javascript_the_toggle_is_a_form_field(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        seed(page, live_server, variants(2))
        page.goto("/")

        page.get_by_label("Group variants").check()
        page.get_by_role("button", name="Search").click()

        page.wait_for_url("**stack=variants*")
        expect(page.locator(TOP_CARDS)).to_have_count(1)
    finally:
        context.close()
