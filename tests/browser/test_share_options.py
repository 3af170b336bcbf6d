"""Share link options in a real browser: a link with a password and an expiry moment made
from the detail view and opened by a visitor, and revoking several links at once."""

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, TIMEOUT_MS, image_payload, seed

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "a shared secret"


@pytest.fixture
def tokyo(browser, live_server):
    """A person whose browser runs on Tokyo time (UTC+9, no daylight saving)."""
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_link_with_a_password_and_an_expiry_opens_for_a_visitor_who_knows_it(
    browser, tokyo, live_server
):
    page = tokyo
    [item] = seed(page, live_server, [image_payload(61, prompt="A lantern behind a password")])
    page.goto(f"/media/{item['id']}")
    page.locator(".share-box__summary").click()

    page.get_by_label("Link expires").select_option("at")
    page.get_by_label("Expiry date and time").fill("2031-05-04T18:30")
    page.get_by_label("Password (optional)").fill(PASSWORD)
    page.get_by_role("button", name="Create link").click()

    expect(page.locator(".share-created")).to_contain_text("and its password")
    # The moment was read in the browser's zone (its script says which): 18:30 in Tokyo.
    expires = page.locator(".share-created time")
    expect(expires).to_have_attribute("datetime", "2031-05-04T09:30:00.000Z")
    expect(expires).to_contain_text("6:30")
    page.screenshot(path=str(SCREENSHOTS / "share-options-created.png"), full_page=True)
    url = page.locator(".share-created .copy-field__value").inner_text()
    visitor = browser.new_context()
    try:
        public = visitor.new_page()
        public.goto(url)
        expect(public.get_by_role("heading", name="This image is protected")).to_be_visible()
        expect(public.locator("body")).not_to_contain_text(item["prompt"])
        public.get_by_label("Password").fill("a wrong guess")
        public.get_by_role("button", name="Open").click()
        expect(public.locator(".form__alert")).to_contain_text("not right")
        public.screenshot(path=str(SCREENSHOTS / "share-options-wrong-password.png"))

        public.get_by_label("Password").fill(PASSWORD)
        public.get_by_role("button", name="Open").click()

        expect(public.locator("#shared-prompt")).to_have_text(item["prompt"])
        public.screenshot(path=str(SCREENSHOTS / "share-options-unlocked.png"), full_page=True)
        public.reload()
        expect(public.locator("#shared-prompt")).to_have_text(item["prompt"])
    finally:
        visitor.close()
    page.goto("/shares")
    expect(page.locator(".share-row .tag", has_text="Password")).to_have_count(1)
    expect(page.locator(".share-row__meta")).to_contain_text("2 views, last")


def test_several_links_are_revoked_at_once_from_the_shares_page(page, live_server):
    items = seed(page, live_server, [image_payload(70 + n) for n in range(3)])
    tokens = []
    for item in items:
        response = page.request.post(f"{live_server}/api/media/{item['id']}/share", data={})
        tokens.append(response.json()["data"])
    page.goto("/shares")
    expect(page.locator(".share-row")).to_have_count(3)

    for link in tokens[:2]:
        page.locator(f"#share-{link['id']} input[name=ids]").check()
    page.screenshot(path=str(SCREENSHOTS / "share-options-bulk-ticked.png"), full_page=True)
    page.get_by_role("button", name="Revoke selected").click()

    expect(page.locator(".share-row")).to_have_count(1)
    expect(page.locator(f"#share-{tokens[2]['id']}")).to_be_visible()
    expect(page.get_by_text("Revoked 2 links")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "share-options-bulk-revoked.png"), full_page=True)
    gone = page.request.get(f"{live_server}/api/shared/{tokens[0]['token']}")
    assert gone.status == 404


def test_a_shared_collection_is_live_for_a_visitor(browser, page, live_server):
    items = seed(page, live_server, [image_payload(80 + n) for n in range(2)])
    made = page.request.post(f"{live_server}/api/collections", data={"name": "Coast walk"})
    collection_id = made.json()["data"]["id"]
    ids = {"ids": [items[0]["id"]]}
    page.request.post(f"{live_server}/api/collections/{collection_id}/items", data=ids)
    page.goto("/shares")
    page.locator("#share-collection summary").click()

    page.get_by_label("Collection", exact=True).select_option(label="Coast walk")
    page.get_by_label("Password (optional)").fill(PASSWORD)
    page.locator("#share-collection").get_by_role("button", name="Create link").click()

    expect(page.locator("#collection-share-result .share-created")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "share-collection-created.png"), full_page=True)
    url = page.locator("#collection-share-result .copy-field__value").inner_text()
    visitor = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        public = visitor.new_page()
        public.goto(url)
        expect(public.get_by_role("heading", name="This collection is protected")).to_be_visible()
        public.get_by_label("Password").fill(PASSWORD)
        public.get_by_role("button", name="Open").click()
        expect(public.get_by_role("heading", name="Coast walk")).to_be_visible()
        expect(public.locator(".shared-grid__item")).to_have_count(1)

        more = {"ids": [items[1]["id"]]}
        page.request.post(f"{live_server}/api/collections/{collection_id}/items", data=more)
        public.reload()

        expect(public.locator(".shared-grid__item")).to_have_count(2)
        public.screenshot(path=str(SCREENSHOTS / "share-collection-public.png"), full_page=True)
        public.locator(".shared-grid__link").first.click()
        expect(public.locator("#shared-prompt")).to_have_text(items[1]["prompt"])
        expect(public.get_by_role("link", name="← Back to Coast walk")).to_be_visible()
        public.screenshot(path=str(SCREENSHOTS / "share-collection-item.png"), full_page=True)
    finally:
        visitor.close()
