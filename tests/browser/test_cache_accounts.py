"""Signing in keeps a guest's unsent saves; signing out still forgets everything."""

import uuid

import pytest
from playwright.sync_api import expect

from .conftest import image_payload, storage

PASSWORD = "correct horse battery"
SAVE_ROUTE = "**/api/media/save"


@pytest.fixture
def account(playwright_instance, live_server) -> str:
    """An existing account, registered from a separate client so this browser stays a guest."""
    email = f"cache-{uuid.uuid4().hex[:10]}@example.com"
    client = playwright_instance.request.new_context(base_url=live_server)
    try:
        response = client.post("/api/auth/register", data={"email": email, "password": PASSWORD})
        assert response.status == 201, response.text()
    finally:
        client.dispose()
    return email


def owner_key(page) -> str:
    # After a navigation the new page's deferred scripts may not have run yet.
    page.wait_for_function("() => window.MediaCache !== undefined")
    key = page.evaluate("() => MediaCache.ownerKey")
    assert key
    return key


def session_keys(page) -> list[str]:
    return page.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('mediaapp:'))")


def queue_a_save_that_cannot_be_sent(page) -> dict:
    """As a guest on the gallery, save while every save request fails."""
    page.goto("/")
    page.route(SAVE_ROUTE, lambda route: route.abort("connectionreset"))
    payload = image_payload(11)
    assert page.evaluate("p => MediaCache.save(p)", payload) == {"record": None, "queued": True}
    return payload


def submit_credentials(page, path: str, email: str, password: str) -> None:
    page.goto(path)
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    confirm = page.locator('input[name="confirm"], input[name="password_confirm"]')
    if confirm.count():
        confirm.first.fill(password)
    page.locator(f'form[action$="{path}"] [type="submit"]').click()


def listed(page, live_server) -> list[dict]:
    return page.request.get(f"{live_server}/api/media/list?limit=100").json()["data"]


@pytest.mark.parametrize("how", ["login", "register"])
def test_a_save_queued_as_a_guest_arrives_in_the_account_exactly_once(
    page, live_server, account, how
):
    payload = queue_a_save_that_cannot_be_sent(page)
    guest = owner_key(page)
    email = account if how == "login" else f"new-{uuid.uuid4().hex[:10]}@example.com"

    submit_credentials(page, f"/{how}", email, PASSWORD)

    page.wait_for_url(f"{live_server}/")
    user = owner_key(page)
    assert user != guest
    queue = storage(page)[f"mediaapp:v1:{user}:queue"]
    assert [entry["payload"]["requestId"] for entry in queue] == [payload["requestId"]]
    assert not [key for key in storage(page) if guest in key]
    assert session_keys(page) == []
    page.unroute(SAVE_ROUTE)  # the connection comes back
    assert page.evaluate("() => MediaCache.flush()") == {"sent": 1, "rejected": 0, "remaining": 0}
    page.evaluate("() => Promise.all([MediaCache.flush(), MediaCache.flush()])")
    page.reload()
    records = listed(page, live_server)
    assert [r["requestId"] for r in records] == [payload["requestId"]]
    assert records[0]["userId"] is not None
    assert f"mediaapp:v1:{user}:queue" not in storage(page)


def test_what_the_guest_remembered_about_imports_follows_it_into_the_account(
    page, live_server, account
):
    queue_a_save_that_cannot_be_sent(page)
    guest = owner_key(page)
    page.evaluate(f"() => localStorage.setItem('mediaapp:v1:{guest}:imported', '[\"local-abc\"]')")

    submit_credentials(page, "/login", account, PASSWORD)

    page.wait_for_url(f"{live_server}/")
    user = owner_key(page)
    assert storage(page)[f"mediaapp:v1:{user}:imported"] == ["local-abc"]
    assert not [key for key in storage(page) if guest in key]


def test_a_failed_login_leaves_the_queued_save_with_the_guest(page, live_server, account):
    payload = queue_a_save_that_cannot_be_sent(page)
    guest = owner_key(page)

    submit_credentials(page, "/login", account, "not the password")

    expect(page.locator(".form__alert")).to_be_visible()
    assert owner_key(page) == guest
    queue = storage(page)[f"mediaapp:v1:{guest}:queue"]
    assert [entry["payload"]["requestId"] for entry in queue] == [payload["requestId"]]
    assert session_keys(page) == []


def test_a_sign_in_note_never_hands_one_guests_saves_to_another_guest(page, live_server):
    page.goto("/")
    other_guest = "0123456789abcdef"
    stranger = image_payload(12)
    page.evaluate(
        """([guest, payload]) => {
            localStorage.setItem(`mediaapp:v1:${guest}:queue`,
                JSON.stringify([{payload, queuedAt: new Date().toISOString()}]));
            sessionStorage.setItem("mediaapp:v1:adopt",
                JSON.stringify({guestKey: guest, at: Date.now(), queue: []}));
        }""",
        [other_guest, stranger],
    )

    page.reload()

    page.wait_for_load_state("networkidle")
    assert [key for key in storage(page) if key.endswith(":queue")] == []
    assert session_keys(page) == []
    assert listed(page, live_server) == []


def test_logging_out_after_signing_in_leaves_no_mediaapp_keys(page, live_server, account):
    queue_a_save_that_cannot_be_sent(page)
    submit_credentials(page, "/login", account, PASSWORD)
    page.wait_for_url(f"{live_server}/")
    user = owner_key(page)
    assert f"mediaapp:v1:{user}:queue" in storage(page)  # waiting for the connection

    page.locator("form[data-cache-clear] [type=submit]").click()

    page.wait_for_load_state("load")
    expect(page.locator("form[data-cache-clear]")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    left = storage(page)
    assert not [key for key in left if user in key]
    # Only the new guest's own (empty) cache, written by the page that followed the logout.
    assert all(value == [] for value in left.values()), left
    assert session_keys(page) == []
