"""The account page in a real browser, at desktop and phone widths: reached from the header,
each form working, a copied session ended by signing out everywhere; a guest starting over."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, image_payload, seed

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "correct horse battery"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(WIDTHS))
def sized(request, browser, live_server):
    """A fresh browser at one of the two widths; yields (page, width name)."""
    phone = request.param == "phone"
    context = browser.new_context(
        base_url=live_server, viewport=WIDTHS[request.param], is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(5_000)
    try:
        yield context.new_page(), request.param
    finally:
        context.close()


def register(page, email: str) -> None:
    page.goto("/register")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form[action$="/register"] [type="submit"]').click()
    expect(page.locator(".account__email-text")).to_have_text(email)


def no_sideways_scroll(page, width: str) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTHS[width]["width"]


def test_the_account_page_is_reached_from_the_header_and_its_forms_work(sized, live_server):
    page, width = sized
    email = f"account-{uuid.uuid4().hex[:8]}@example.com"
    register(page, email)
    seed(page, live_server, [image_payload(n) for n in range(3)])

    page.locator("a.account__email").click()

    expect(page).to_have_url(f"{live_server}/account")
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"account-{width}.png"), full_page=True)
    no_sideways_scroll(page, width)

    # A refused password says why, on its field.
    page.get_by_label("Current password").nth(1).fill(PASSWORD)
    page.get_by_label("New password").fill("password1")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator("#password-new_password-error")).to_contain_text("too easy to guess")
    no_sideways_scroll(page, width)
    page.screenshot(path=str(SCREENSHOTS / f"account-refused-{width}.png"), full_page=True)

    # A new email shows in the header at once.
    new_email = f"renamed-{uuid.uuid4().hex[:8]}@example.com"
    page.get_by_label("New email").fill(new_email)
    page.get_by_label("Current password").first.fill(PASSWORD)
    page.get_by_role("button", name="Change email").click()
    expect(page.locator(".flash")).to_contain_text(f"Your email is now {new_email}.")
    expect(page.locator(".account__email-text")).to_have_text(new_email)


def test_signing_out_everywhere_ends_a_copied_session(browser, page, context, live_server):
    register(page, f"everywhere-{uuid.uuid4().hex[:8]}@example.com")
    copied = browser.new_context(base_url=live_server)
    try:
        copied.add_cookies(context.cookies())
        assert copied.request.get("/api/auth/me").json()["data"]["user"] is not None

        page.goto("/account")
        page.get_by_role("button", name="Sign out everywhere").click()

        expect(page).to_have_url(f"{live_server}/login")
        expect(page.locator(".flash")).to_contain_text("signed out everywhere")
        assert copied.request.get("/api/auth/me").json()["data"]["user"] is None
    finally:
        copied.close()


def test_deleting_the_account_empties_the_history_and_signs_out(page, live_server):
    email = f"delete-{uuid.uuid4().hex[:8]}@example.com"
    register(page, email)
    seed(page, live_server, [image_payload(n) for n in range(2)])
    page.goto("/account")

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account and everything in it").click()

    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator(".flash")).to_contain_text("Your account and everything in it are deleted.")
    expect(page.locator(".media-card")).to_have_count(0)
    login = page.request.post("/api/auth/login", data={"email": email, "password": PASSWORD})
    assert login.status == 401


def test_a_guest_starts_over_from_the_account_page(sized, live_server):
    page, width = sized
    seed(page, live_server, [image_payload(n) for n in range(2)])
    page.goto("/account")
    expect(page.get_by_text("deleted for good")).to_be_visible()
    no_sideways_scroll(page, width)
    page.screenshot(path=str(SCREENSHOTS / f"account-guest-{width}.png"), full_page=True)

    page.get_by_label("Yes, delete everything this browser saved as a guest").check()
    page.get_by_role("button", name="Start over").click()

    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator(".flash")).to_contain_text("starting over")
    assert page.request.get("/api/media/list").json()["data"] == []


def test_an_api_key_is_made_copied_used_and_revoked_on_the_account_page(
    browser, live_server, sized
):
    page, width = sized
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    register(page, f"keys-{uuid.uuid4().hex[:8]}@example.com")
    page.goto("/account")

    page.get_by_label("Name", exact=True).fill("render worker")
    page.get_by_label("Read: list, search, fetch and export").check()
    page.get_by_label("Write: save, upload, import, favorite, restore").check()
    page.get_by_label("Expires").select_option("90")
    page.get_by_role("button", name="Create key").click()

    shown = page.locator("#new-api-key")
    expect(shown).to_have_text(re.compile(r"^mak_[0-9a-f]{32}_"))
    key = shown.inner_text()
    expect(page.locator(".key-row")).to_contain_text("read, write")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"account-key-made-{width}.png"), full_page=True)
    no_sideways_scroll(page, width)
    page.get_by_role("button", name="Copy key").click()
    expect(page.locator(".copy-button.is-copied")).to_be_visible()
    assert page.evaluate("() => navigator.clipboard.readText()") == key

    backend = browser.new_context()  # no cookie: a generator's backend
    try:
        headers = {"Authorization": f"Bearer {key}"}
        saved = backend.request.post(
            f"{live_server}/api/media/save", data=image_payload(), headers=headers
        )
        assert saved.status == 201

        page.goto("/account")
        expect(page.locator("#new-api-key")).to_have_count(0)
        expect(page.locator(".key-row")).to_contain_text("Last used")
        expect(page.locator(".key-row time")).to_have_count(3)  # created, last used, expires
        page.get_by_role("button", name="Revoke the key render worker").click()

        expect(page.locator(".flash")).to_contain_text("is revoked")
        expect(page.locator(".key-row__state")).to_have_text("Revoked")
        page.screenshot(path=str(SCREENSHOTS / f"account-key-revoked-{width}.png"), full_page=True)
        refused = backend.request.get(f"{live_server}/api/media/list", headers=headers)
        assert refused.status == 401
    finally:
        backend.close()


def test_an_endpoint_is_created_with_its_secret_shown_once_and_deleted(sized, live_server):
    page, width = sized
    register(page, f"ingest-{uuid.uuid4().hex[:8]}@example.com")
    page.goto("/account")

    page.get_by_label("Endpoint name").fill("Replicate flux")
    page.get_by_role("button", name="Create endpoint").click()

    created = page.get_by_role("status").filter(has_text="Copy its secret now")
    expect(created).to_be_visible()
    secret = page.get_by_label("Signing secret", exact=True).input_value()
    url = page.get_by_label("Webhook URL").input_value()
    assert secret.startswith("whsec_") and "/api/ingest/replicate-flux-" in url
    row = page.locator(".ingest-row")
    expect(row).to_have_count(1)
    expect(row.locator(".ingest-row__url")).to_have_text(url)
    no_sideways_scroll(page, width)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"account-ingest-{width}.png"), full_page=True)

    page.goto("/account")
    assert secret not in page.content()
    expect(page.locator(".ingest-row__meta")).to_contain_text("no callback yet")
    page.get_by_role("button", name="Delete the endpoint Replicate flux").click()

    expect(page.locator(".flash")).to_contain_text("Replicate flux")
    expect(page.locator(".ingest-row")).to_have_count(0)
