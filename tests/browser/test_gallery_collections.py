"""Collections in a real browser: make one, add from a card, the detail view and the toolbar,
open its page, keep a search as a smart collection that fills as items arrive, delete one
and keep its items. Screenshots land in artifacts/screenshots/collections-*.png."""

from playwright.sync_api import expect

from .conftest import ROOT, card_ids, image_payload, seed, video_payload

SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_load_state("load")
    page.screenshot(path=str(SCREENSHOTS / f"collections-{name}.png"), full_page=True)


def make_collection(page, name: str, description: str = "") -> None:
    page.goto("/collections")
    if not page.locator("#new-collection-name").is_visible():
        page.get_by_text("New collection").click()
    page.get_by_label("Name").fill(name)
    if description:
        page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Create collection").click()
    page.wait_for_url("**/?collection=*")


def test_a_new_collection_fills_from_a_card_the_detail_view_and_the_toolbar(page, live_server):
    records = seed(page, live_server, [image_payload(n) for n in range(5)])
    make_collection(page, "Lighthouses", "The best of the cliffs")
    expect(page.locator("#gallery-title")).to_have_text("Lighthouses")
    expect(page.locator(".empty-state__collection")).to_be_visible()
    shot(page, "empty")

    # From a card: its folder menu.
    page.goto("/")
    card = page.locator(f"#media-{records[4]['id']}")
    card.locator(".collect-menu__summary").click()
    shot(page, "card-menu")
    card.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#flash-area")).to_contain_text("to “Lighthouses”")

    # From the toolbar: two ticked cards.
    for record in records[1:3]:
        page.locator(f"#media-{record['id']} .media-card__checkbox").check()
    page.get_by_role("button", name="Add to collection").click()
    expect(page.locator("#flash-area")).to_contain_text("Added 2 items")

    # From the detail view.
    page.goto(f"/media/{records[0]['id']}")
    panel = page.locator(".item-collections")
    expect(panel).to_contain_text("Not in any collection yet.")
    panel.get_by_role("button", name="Add").click()
    expect(panel.locator(".item-collections__list")).to_contain_text("Lighthouses")
    shot(page, "detail")

    page.goto("/collections")
    expect(page.locator(".collection-tile")).to_contain_text("4 items")
    shot(page, "page")
    page.locator(".collection-tile__link").click()
    assert card_ids(page) == [
        records[4]["id"],
        records[2]["id"],
        records[1]["id"],
        records[0]["id"],
    ]
    shot(page, "collection")


def test_removing_from_a_collections_page_takes_the_card_away(page, live_server):
    records = seed(page, live_server, [image_payload(n) for n in range(2)])
    make_collection(page, "Two")
    ids = [r["id"] for r in records]
    page.request.post(f"{live_server}/api/collections", data={"name": "unused"})
    cid = page.url.split("collection=")[1]
    page.request.post(f"{live_server}/api/collections/{cid}/items", data={"ids": ids})
    page.reload()

    page.locator(f"#media-{ids[0]}").get_by_role(
        "button", name="Remove from this collection"
    ).click()

    expect(page.locator(f"#media-{ids[0]}")).to_have_count(0)
    expect(page.locator("#flash-area")).to_contain_text("still in your history")
    page.goto("/")
    assert set(card_ids(page)) == set(ids)


def test_a_saved_search_shows_an_item_saved_afterwards(page, live_server):
    seed(page, live_server, [image_payload(0), video_payload(1), image_payload(2)])
    page.goto("/?type=video")
    page.get_by_text("Save this search").click()
    page.get_by_label("Name the smart collection").fill("Every video")
    shot(page, "save-search")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/?collection=*")
    expect(page.locator("#gallery-results .media-card")).to_have_count(1)

    newer = seed(page, live_server, [video_payload(7, prompt="A brand new waterfall video")])[0]
    page.reload()

    expect(page.locator("#gallery-results .media-card")).to_have_count(2)
    assert card_ids(page)[0] == newer["id"]
    expect(page.locator(".collection-head")).to_contain_text("Smart collection")
    shot(page, "smart")


def test_deleting_a_collection_keeps_its_items(page, live_server):
    records = seed(page, live_server, [image_payload(n) for n in range(3)])
    make_collection(page, "Doomed")
    cid = page.url.split("collection=")[1]
    ids = [r["id"] for r in records]
    page.request.post(f"{live_server}/api/collections/{cid}/items", data={"ids": ids})

    page.get_by_role("link", name="Edit collection").click()
    shot(page, "edit")
    page.get_by_role("button", name="Delete “Doomed”").click()

    page.wait_for_url("**/collections")
    expect(page.locator("#flash-area")).to_contain_text("still in your history")
    expect(page.locator(".collection-tile")).to_have_count(0)
    page.goto("/")
    assert set(card_ids(page)) == set(ids)


def test_a_card_adds_to_a_collection_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        record = seed(page, live_server, [image_payload(3)])[0]
        page.request.post(f"{live_server}/api/collections", data={"name": "Plain"})
        page.goto("/")
        card = page.locator(f"#media-{record['id']}")
        card.locator(".collect-menu__summary").click()

        card.get_by_role("button", name="Add", exact=True).click()

        expect(page.locator("#flash-area")).to_contain_text("Added")
        page.goto("/collections")
        expect(page.locator(".collection-tile")).to_contain_text("1 item")
    finally:
        context.close()
