"""API keys on the account page: made with a form (shown once), listed, revoked; accounts only."""

import re

import pytest

from tests.conftest import image_payload
from tests.helpers import csrf_token

PASSWORD = "correct horse battery"
KEY = re.compile(r'<code class="copy-field__value" id="new-api-key">(mak_[^<]+)</code>')


@pytest.fixture
def account(client):
    client.post("/api/auth/register", json={"email": "page@example.com", "password": PASSWORD})
    return client


def make_key(client, **fields):
    form = {"key-name": "render worker", "key-scopes": ["read", "write"], **fields}
    return client.post("/account/keys", data=form)


def test_a_key_made_on_the_account_page_is_shown_once(account):
    response = make_key(account)

    page = response.get_data(as_text=True)
    key = KEY.search(page).group(1)
    again = account.get("/account").get_data(as_text=True)
    assert response.status_code == 201
    assert "no-store" in response.headers["Cache-Control"]
    assert key not in again
    assert "render worker" in again
    assert "read, write" in again


def test_the_key_from_the_page_works_for_the_account(app, account):
    key = KEY.search(make_key(account).get_data(as_text=True)).group(1)

    response = app.test_client().post(
        "/api/media/save", json=image_payload(), headers={"Authorization": f"Bearer {key}"}
    )

    assert response.status_code == 201


def test_the_list_shows_creation_last_use_and_expiry(app, account):
    key = KEY.search(make_key(account, **{"key-expires": "30"}).get_data(as_text=True)).group(1)
    app.test_client().get("/api/media/list", headers={"Authorization": f"Bearer {key}"})

    page = account.get("/account").get_data(as_text=True)

    row = page[page.index('class="key-row') :]
    assert "Created" in row
    assert "Last used</dt><dd><time" in row
    assert "Expires</dt><dd><time" in row


@pytest.mark.parametrize(
    "fields",
    [
        {"key-name": ""},
        {"key-scopes": []},
        {"key-scopes": ["admin"]},
        {"key-rate_limit": "as fast as it likes"},
        {"key-expires": "7000"},
    ],
)
def test_a_bad_key_form_answers_422_and_makes_no_key(account, fields):
    response = make_key(account, **fields)

    assert response.status_code == 422
    assert 'class="field__errors"' in response.get_data(as_text=True)
    assert account.get("/api/keys").get_json()["data"] == []


def test_revoking_on_the_page_stops_the_key(app, account):
    key = KEY.search(make_key(account).get_data(as_text=True)).group(1)
    key_id = account.get("/api/keys").get_json()["data"][0]["id"]

    response = account.post(f"/account/keys/{key_id}/revoke")

    assert response.status_code == 303
    assert "Revoked" in account.get("/account").get_data(as_text=True)
    machine = app.test_client()
    assert (
        machine.get("/api/media/list", headers={"Authorization": f"Bearer {key}"}).status_code
        == 401
    )


def test_revoking_another_accounts_key_on_the_page_answers_404(app, account):
    other = app.test_client()
    other.post("/api/auth/register", json={"email": "o@example.com", "password": PASSWORD})
    theirs = other.post("/api/keys", json={"name": "x", "scopes": ["read"]}).get_json()["data"]

    response = account.post(f"/account/keys/{theirs['id']}/revoke")

    assert response.status_code == 404
    assert other.get("/api/keys").get_json()["data"][0]["revokedAt"] is None


def test_a_guest_sees_no_keys_and_cannot_make_one(client):
    client.post("/api/media/save", json=image_payload())

    response = make_key(client)

    assert response.status_code == 303
    assert "/login" in response.headers["Location"]
    assert "API keys" not in client.get("/account").get_data(as_text=True)


def test_making_a_key_needs_the_csrf_token(make_app, app):
    csrf_app = make_app(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    client.post("/api/auth/register", json={"email": "c@example.com", "password": PASSWORD})
    token = csrf_token(client.get("/account").get_data(as_text=True))

    refused = make_key(client)
    accepted = make_key(client, **{"key-csrf_token": token})

    assert refused.status_code == 400
    assert accepted.status_code == 201
