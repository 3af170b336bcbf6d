"""Feedback in a real browser, at 1280 and 390 px, light and dark: notices that name what was
deleted and never cover the bulk toolbar or the heading, Undo by keyboard (Ctrl+Z) that stays
until dismissed, a visible result and a confirmation for the trash and share actions, the
bulk toolbar's disabled buttons and "Select all on this page", tab counts within a search,
the first screen, the logged-out screen and a share page's link preview."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, card_ids, image_payload, seed

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CARDS = "#media-grid .media-card"
NOTICE = "#flash-area .flash"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOOKS = [
    pytest.param((DESKTOP, "light"), id="1280-light"),
    pytest.param((DESKTOP, "dark"), id="1280-dark"),
    pytest.param((PHONE, "light"), id="390-light"),
    pytest.param((PHONE, "dark"), id="390-dark"),
]
LONG = "A red fox curled up asleep in fresh snow under a pine tree at golden hour"


@pytest.fixture
def look(request, browser, live_server):
    """A page at the parametrised width and colour scheme (a phone: touch, scale 2)."""
    viewport, scheme = request.param
    phone = viewport["width"] < 600
    context = browser.new_context(
        base_url=live_server,
        viewport=viewport,
        color_scheme=scheme,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=2 if phone else 1,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.tag = f"{viewport['width']}-{scheme}"  # names its screenshots
    yield page
    context.close()


def shoot(page, name: str, *, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_function("() => [...document.images].every(img => img.complete)")
    path = SCREENSHOTS / f"{name}-{page.tag}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    assert path.stat().st_size > 10_000


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, f"{locator} is not on screen"
    return found


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def assert_clear_of_toolbar_and_heading(page) -> None:
    """The notice covers neither the bulk toolbar nor the page heading (where they show)."""
    notice = box(page.locator(NOTICE))
    for what in ("#bulk-form", "main h1"):
        target = page.locator(what)
        if target.count() and target.is_visible():
            other = target.bounding_box()
            if other:
                assert not overlap(notice, other), f"the notice covers {what}: {notice} {other}"
    viewport = page.viewport_size
    assert notice["y"] >= 0 and notice["y"] + notice["height"] <= viewport["height"]
    assert notice["x"] >= 0 and notice["x"] + notice["width"] <= viewport["width"]


def delete_card(page, media_id: str) -> None:
    card = page.locator(f"#media-{media_id}")
    card.scroll_into_view_if_needed()
    card.hover()
    card.locator(".media-card__delete button").click()
    expect(card).to_have_count(0)


def focused_card(page) -> str | None:
    return page.evaluate(
        "() => { const c = document.activeElement && document.activeElement.closest('.media-card');"
        " return c ? c.dataset.mediaId : null; }"
    )


# --- item 2: undo that everyone can reach --------------------------------------------------


@pytest.mark.parametrize("look", LOOKS, indirect=True)
def test_a_delete_names_the_item_and_ctrl_z_brings_it_back_to_the_focus(look, live_server):
    page = look
    kept, doomed = seed(page, live_server, [image_payload(1), image_payload(2, prompt=LONG)])
    page.goto("/")

    delete_card(page, doomed["id"])

    notice = page.locator(NOTICE)
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Deleted “A red fox curled up asleep in fresh snow…”.")
    undo = notice.get_by_role(
        "button", name="Undo deleting “A red fox curled up asleep in fresh snow…”", exact=True
    )
    expect(undo).to_be_visible()
    assert_clear_of_toolbar_and_heading(page)
    shoot(page, "notice-after-delete")

    page.keyboard.press("Control+z")

    expect(page.locator(f"#media-{doomed['id']}")).to_have_count(1)
    expect(notice).to_contain_text("Restored “A red fox curled up asleep in fresh snow…”.")
    expect(notice.get_by_role("button", name=re.compile("^Undo"))).to_have_count(0)
    assert card_ids(page) == [doomed["id"], kept["id"]]
    page.wait_for_function(
        f"() => document.activeElement.closest('#media-{doomed['id']}') !== null"
    )
    assert page.request.get(f"{live_server}/api/media/{doomed['id']}").status == 200


def test_the_undo_notice_stays_until_dismissed_and_escape_dismisses_it(page, live_server):
    page.clock.install()  # the page's timers run only when the test moves this clock
    [item] = seed(page, live_server, [image_payload(3)])
    page.goto("/")
    delete_card(page, item["id"])
    notice = page.locator(NOTICE)
    expect(notice).to_be_visible()

    page.clock.run_for("10:00")  # ten minutes on the page's clock: no timer removes it

    expect(notice).to_be_visible()
    undo = notice.get_by_role("button", name=re.compile("^Undo deleting"))
    undo.focus()
    page.clock.run_for("10:00")
    expect(notice).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator(NOTICE)).to_have_count(0)
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_repeated_deletes_keep_one_notice_naming_the_latest(page, live_server):
    records = seed(
        page, live_server, [image_payload(n, prompt=f"Owl number {n}") for n in range(4)]
    )
    page.goto("/")

    for record in records[1:]:
        delete_card(page, record["id"])
        expect(page.locator(NOTICE)).to_contain_text(f"Deleted “{record['prompt']}”.")

    expect(page.locator(NOTICE)).to_have_count(1)
    expect(page.locator("#flash-area button.flash__undo")).to_have_count(1)
    expect(page.get_by_role("button", name="Undo deleting “Owl number 3”")).to_be_visible()
    page.keyboard.press("Control+z")
    expect(page.locator(f"#media-{records[3]['id']}")).to_have_count(1)
    assert card_ids(page) == [records[3]["id"], records[0]["id"]]


def test_ctrl_z_in_the_search_box_undoes_typing_not_the_delete(page, live_server):
    items = seed(page, live_server, [image_payload(n) for n in range(3)])
    page.goto("/")
    delete_card(page, items[0]["id"])
    field = page.locator("#filter-q")
    field.focus()

    page.keyboard.press("Control+z")

    in_flight = page.evaluate("() => document.querySelectorAll('.htmx-request').length")
    assert in_flight == 0
    expect(page.locator("#flash-area .flash__undo")).to_be_visible()
    assert page.request.get(f"{live_server}/api/media/{items[0]['id']}").status == 404


@pytest.mark.parametrize("look", LOOKS, indirect=True)
def test_a_notice_never_covers_the_sticky_toolbar_nor_an_in_flow_one(look, live_server):
    page = look
    records = seed(page, live_server, [image_payload(n) for n in range(18)])
    page.goto("/")
    ids = card_ids(page)
    boxes = page.locator(f"{CARDS} .media-card__checkbox")
    boxes.nth(0).click()
    boxes.nth(1).click()
    expect(page.locator("#bulk-form")).to_have_class(re.compile("is-active"))

    page.locator(f"#media-{ids[9]}").scroll_into_view_if_needed()
    delete_card(page, ids[9])  # the toolbar is sticky under the header now

    expect(page.locator(NOTICE)).to_be_visible()
    assert_clear_of_toolbar_and_heading(page)
    shoot(page, "notice-with-sticky-toolbar")

    page.locator("[data-bulk-clear]").click()  # the toolbar goes back into the page flow
    page.evaluate("() => window.scrollTo(0, 0)")
    # Make the in-flow toolbar sit at the bottom of the window, where the notice floats.
    bar = box(page.locator("#bulk-form"))
    page.set_viewport_size(
        {"width": page.viewport_size["width"], "height": int(bar["y"] + bar["height"] + 40)}
    )
    page.wait_for_function("() => document.getElementById('flash-area').dataset.edge === 'top'")
    assert_clear_of_toolbar_and_heading(page)
    shoot(page, "notice-moved-above-an-in-flow-toolbar")
    assert len(records) == 18


# --- item 3: feedback for every action -----------------------------------------------------


@pytest.mark.parametrize("look", LOOKS, indirect=True)
def test_bulk_buttons_are_disabled_until_something_is_ticked_and_select_all_ticks_the_page(
    look, live_server
):
    page = look
    seed(page, live_server, [image_payload(n) for n in range(5)])
    page.goto("/")
    bar = page.locator("#bulk-form")
    delete = bar.get_by_role("button", name="Delete")
    select_all = bar.get_by_role("checkbox", name=re.compile("^Select all"))
    for name in ("Delete", "Favorite", "Unfavorite", "Clear selection"):
        expect(bar.get_by_role("button", name=name, exact=True)).to_be_disabled()
    shoot(page, "bulk-idle")

    select_all.check()

    expect(page.locator(f"{CARDS} .media-card__checkbox:checked")).to_have_count(5)
    expect(page.locator("[data-bulk-count]")).to_have_text("5 selected")
    expect(page.locator("#selection-status")).to_have_text("All 5 on this page selected")
    expect(delete).to_be_enabled()
    page.locator(f"{CARDS} .media-card__checkbox").nth(2).click()
    assert select_all.evaluate("box => box.indeterminate") is True
    expect(page.locator("[data-bulk-count]")).to_have_text("4 selected")
    shoot(page, "bulk-some-selected")

    delete.focus()
    page.keyboard.press("Enter")

    expect(page.locator(CARDS)).to_have_count(1)
    expect(page.locator(NOTICE)).to_contain_text("Deleted 4 items: ")
    expect(delete).to_be_disabled()
    expect(select_all).to_be_focused()  # the disabled button handed the focus on
    assert select_all.evaluate("box => box.checked || box.indeterminate") is False


@pytest.mark.parametrize("look", LOOKS, indirect=True)
def test_trash_actions_show_what_they_did_and_delete_forever_asks_first(look, live_server):
    page = look
    items = seed(
        page, live_server, [image_payload(n, prompt=f"Heron number {n}") for n in range(3)]
    )
    for record in items:
        page.request.delete(f"{live_server}/api/media/{record['id']}")
    page.goto("/trash")

    page.locator(f"#trash-{items[0]['id']}").get_by_role("button", name="Restore").click()

    expect(page.locator(NOTICE)).to_contain_text("Restored “Heron number 0” to your gallery.")
    expect(page.locator(NOTICE).get_by_role("link", name="Show it")).to_be_visible()
    assert_clear_of_toolbar_and_heading(page)

    card = page.locator(f"#trash-{items[1]['id']}")
    ask = card.locator("summary", has_text="Delete forever…")
    ask.focus()
    page.keyboard.press("Enter")  # a disclosure: the keyboard opens it
    question = card.locator(".confirm__panel")
    expect(question).to_be_visible()
    expect(question).to_contain_text("Delete this image forever? It cannot be undone.")
    shoot(page, "trash-confirm-delete-forever")
    page.keyboard.press("Escape")
    expect(question).to_be_hidden()
    expect(ask).to_be_focused()
    assert page.request.get(f"{live_server}/api/media/trash").json()["data"]

    page.keyboard.press("Enter")
    question.get_by_role("button", name="Delete forever", exact=True).click()

    expect(card).to_have_count(0)
    expect(page.locator(NOTICE)).to_contain_text("Deleted “Heron number 1” forever.")
    expect(page.locator("#trash-count")).to_have_text("1")
    shoot(page, "trash-deleted-forever")


@pytest.mark.parametrize("look", LOOKS[::3], indirect=True)
def test_revoking_a_link_says_so_and_ctrl_z_opens_it_again(look, browser, live_server):
    page = look
    [item] = seed(page, live_server, [image_payload(4, prompt="A kingfisher on a branch")])
    link = page.request.post(f"{live_server}/api/media/{item['id']}/share", data={}).json()["data"]
    page.goto("/shares")
    row = page.locator(f"#share-{link['id']}")

    row.get_by_role("button", name="Revoke").click()

    expect(row).to_have_count(0)
    notice = page.locator(NOTICE)
    expect(notice).to_contain_text("Revoked the link to “A kingfisher on a branch”")
    expect(
        notice.get_by_role("button", name="Undo revoking the link to “A kingfisher on a branch”")
    ).to_be_visible()
    assert_clear_of_toolbar_and_heading(page)
    shoot(page, "share-revoked")
    assert page.request.get(f"{live_server}/s/{link['token']}").status == 404

    page.keyboard.press("Control+z")

    expect(page.locator(f"#share-{link['id']}")).to_have_count(1)
    expect(notice).to_contain_text("The link to “A kingfisher on a branch” opens again.")
    expect(page.locator("#share-count")).to_have_text("1")
    expect(page.locator(f"#share-{link['id']} .share-row__prompt a")).to_be_focused()
    assert page.request.get(f"{live_server}/s/{link['token']}").status == 200


def test_without_javascript_delete_forever_asks_and_a_revoke_can_be_undone(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        heron, owl = seed(page, live_server, [image_payload(5, prompt="Heron"), image_payload(6)])
        page.request.delete(f"{live_server}/api/media/{heron['id']}")
        link = page.request.post(f"{live_server}/api/media/{owl['id']}/share", data={}).json()
        page.goto("/trash")

        page.locator("summary", has_text="Delete forever…").click()
        page.get_by_role("button", name="Delete forever", exact=True).click()

        page.wait_for_url("**/trash")
        expect(page.locator("#flash-area")).to_contain_text("Deleted “Heron” forever.")
        page.goto("/shares")
        page.get_by_role("button", name="Revoke", exact=True).click()
        page.wait_for_url("**/shares")
        expect(page.locator(".share-row")).to_have_count(0)
        page.get_by_role("button", name=re.compile("^Undo revoking")).click()
        page.wait_for_url(f"**/shares#share-{link['data']['id']}")
        expect(page.locator(".share-row")).to_have_count(1)
        expect(page.locator("#flash-area")).to_contain_text("opens again.")
    finally:
        context.close()


# --- item 7: counts and words that agree ---------------------------------------------------


def test_the_tab_counts_follow_the_search_as_you_type(page, live_server):
    seed(page, live_server, [image_payload(n, prompt=f"A red fox, take {n}") for n in range(2)])
    seed(page, live_server, [image_payload(n + 2, prompt=f"An owl, take {n}") for n in range(3)])
    page.goto("/")
    expect(page.locator("#count-all")).to_have_text("5")

    page.locator("#filter-q").press_sequentially("fox", delay=30)

    page.wait_for_url("**/?q=fox")
    expect(page.locator("#count-all")).to_have_text("2")
    expect(page.locator("#count-image")).to_have_text("2")
    expect(page.locator("#count-video")).to_have_text("0")
    expect(page.locator("#match-count")).to_have_text("2 matches")


@pytest.mark.parametrize("look", LOOKS, indirect=True)
def test_a_new_guest_first_sees_an_explanation_and_the_demo_button(look, live_server):
    page = look

    page.goto("/")

    intro = page.get_by_role("heading", name="Your images and videos will gather here")
    demo = page.get_by_role("button", name="Load demo history")
    expect(intro).to_be_visible()
    expect(demo).to_be_in_viewport()
    expect(page.locator("#curl-login")).to_be_hidden()  # behind the developers' disclosure
    shoot(page, "first-screen")
    page.get_by_text("For developers: save your first item with curl").click()
    expect(page.locator("#curl-login")).to_be_visible()


@pytest.mark.parametrize("look", LOOKS[::3], indirect=True)
def test_logging_out_says_where_the_history_went(look, live_server):
    page = look
    page.goto("/register")
    page.get_by_label("Email").fill(f"feedback-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/")
    seed(page, live_server, [image_payload(7, prompt="An account item")])

    page.get_by_role("button", name="Log out").click()

    page.wait_for_url(f"{live_server}/")
    expect(page.get_by_role("heading", name="You’re logged out")).to_be_visible()
    expect(page.get_by_text("Your history is safe in your account")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(page.get_by_text("Nothing here yet")).to_have_count(0)
    expect(page.get_by_text("An account item")).to_have_count(0)
    shoot(page, "logged-out")


def test_a_share_page_carries_its_link_preview(browser, page, live_server):
    [item] = seed(page, live_server, [image_payload(8, prompt="A lighthouse at dusk")])
    link = page.request.post(f"{live_server}/api/media/{item['id']}/share", data={}).json()["data"]
    stranger = browser.new_context(base_url=live_server)
    try:
        visitor = stranger.new_page()

        visitor.goto(f"/s/{link['token']}")

        def meta(key: str) -> str:
            return visitor.locator(f'meta[property="{key}"], meta[name="{key}"]').get_attribute(
                "content"
            )

        assert meta("og:title") == "A lighthouse at dusk"
        assert meta("og:url") == f"{live_server}/s/{link['token']}"
        assert meta("og:image") == f"{live_server}/static/demo/img-09.svg"
        assert meta("twitter:card") == "summary_large_image"
        picture = visitor.request.get(meta("og:image"))
        assert picture.status == 200
    finally:
        stranger.close()
