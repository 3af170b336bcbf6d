"""Managing an account: its email and password (confirmed by the current one), deleting it with
everything it owns; passwords that are easy to guess and look-alike addresses are refused."""

import hashlib

import pytest
import sqlalchemy as sa

from mediaapp.credentials import email_key, normalize_email
from mediaapp.extensions import db
from mediaapp.models import Blob, User
from tests.conftest import count_rows, save
from tests.test_upload import payload_without_url, png_bytes, upload

EMAIL, PASSWORD = "kate@example.com", "correct horse battery"


def registered(app, email=EMAIL, password=PASSWORD):
    client = app.test_client()
    response = client.post("/api/auth/register", json={"email": email, "password": password})
    assert response.status_code == 201, response.get_json()
    return client


def me(client):
    return client.get("/api/auth/me").get_json()["data"]["user"]


def table_count(app, table: str) -> int:
    with app.app_context():
        return db.session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


# --- look-alike addresses -------------------------------------------------------------------

LOOKALIKES = [
    pytest.param("ｋａｔｅ@ｅｘａｍｐｌｅ.ｃｏｍ", id="fullwidth"),
    pytest.param("\u212aate@example.com", id="kelvin-sign"),
    pytest.param("k\u0430te@example.com", id="cyrillic-a"),
    pytest.param("kat\u0435@\u0435xample.com", id="cyrillic-e"),
    pytest.param("kate@exam\u0440le.c\u043em", id="cyrillic-er-and-o"),
    pytest.param("k\u03b1te@example.com", id="greek-alpha"),
    pytest.param("KATE@Example.COM", id="case"),
]


@pytest.mark.parametrize("lookalike", LOOKALIKES)
def test_a_lookalike_of_a_registered_address_is_refused_as_taken(app, lookalike):
    registered(app)

    response = app.test_client().post(
        "/api/auth/register", json={"email": lookalike, "password": "another good passphrase"}
    )

    assert response.status_code == 409
    assert response.get_json()["code"] == "email_taken"
    assert table_count(app, "users") == 1


@pytest.mark.parametrize("lookalike", LOOKALIKES)
def test_the_register_page_refuses_a_lookalike_as_taken(app, lookalike):
    registered(app)

    response = app.test_client().post(
        "/register", data={"email": lookalike, "password": "another good passphrase"}
    )

    assert response.status_code == 422
    assert "An account with that email already exists." in response.get_data(as_text=True)


def test_addresses_are_stored_normalised_and_log_in_in_any_form(app):
    registered(app, email="ｋａｔｅ@Example.com")

    response = app.test_client().post(
        "/api/auth/login", json={"email": "\u212aATE@EXAMPLE.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert response.get_json()["data"]["user"]["email"] == "kate@example.com"
    with app.app_context():
        user = db.session.execute(sa.select(User)).scalar_one()
    assert (user.email, user.email_key) == ("kate@example.com", email_key("kate@example.com"))


def test_a_different_address_with_accents_is_not_a_lookalike(app):
    registered(app, email="jose@example.com")

    response = app.test_client().post(
        "/api/auth/register", json={"email": "josé@example.com", "password": PASSWORD}
    )

    assert response.status_code == 201


def test_an_address_that_grows_past_the_limit_when_normalised_is_refused(client):
    # U+FDFA is one character that NFKC spells out in eighteen.
    response = client.post(
        "/api/auth/register",
        json={"email": "\ufdfa" * 14 + "@example.com", "password": PASSWORD},
    )

    assert response.status_code == 400
    assert "email" in response.get_json()["details"]
    assert len(normalize_email("\ufdfa" * 14 + "@example.com")) > 254


# --- passwords that are easy to guess --------------------------------------------------------

COMMON = ["12345678", "password", " " * 8, "qwertyuiop", "iloveyou1", "kate@example.com"]


@pytest.mark.parametrize("password", COMMON)
def test_registering_with_a_common_password_is_refused_with_the_reason(client, password):
    response = client.post("/api/auth/register", json={"email": EMAIL, "password": password})

    assert response.status_code == 400
    message = response.get_json()["details"]["password"][0]
    assert message.startswith("This password is too easy to guess.")
    assert table_count(client.application, "users") == 0


@pytest.mark.parametrize("password", COMMON)
def test_the_register_page_refuses_a_common_password_with_the_reason(client, password):
    response = client.post("/register", data={"email": EMAIL, "password": password})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This password is too easy to guess." in html


def test_the_refusal_says_why_a_top_password_is_weak(client):
    response = client.post("/api/auth/register", json={"email": EMAIL, "password": "password"})

    assert "common password" in response.get_json()["details"]["password"][0]


def test_changing_to_a_common_password_is_refused_and_the_old_one_still_works(app):
    client = registered(app)

    response = client.post(
        "/api/auth/password", json={"currentPassword": PASSWORD, "newPassword": "12345678"}
    )

    assert response.status_code == 400
    assert "too easy to guess" in response.get_json()["details"]["newPassword"][0]
    login = app.test_client().post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 200


def test_the_password_form_refuses_a_common_password(app):
    client = registered(app)
    form = {"password-current_password": PASSWORD, "password-new_password": "password"}

    response = client.post("/account/password", data=form)

    assert response.status_code == 422
    assert "This password is too easy to guess." in response.get_data(as_text=True)


# --- changing the email -------------------------------------------------------------------


def test_changing_the_email_needs_the_current_password(app):
    client = registered(app)

    response = client.post(
        "/api/auth/email", json={"email": "new@example.com", "password": "not my password"}
    )

    assert response.status_code == 401 and response.get_json()["code"] == "wrong_password"
    assert me(client)["email"] == EMAIL


def test_changing_the_email_answers_the_account_and_the_new_address_logs_in(app):
    client = registered(app)

    response = client.post(
        "/api/auth/email", json={"email": "Kate.New@Example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert response.get_json()["data"]["user"]["email"] == "kate.new@example.com"
    assert me(client)["email"] == "kate.new@example.com"
    logins = [
        app.test_client().post("/api/auth/login", json={"email": e, "password": PASSWORD})
        for e in ("kate.new@example.com", EMAIL)
    ]
    assert [r.status_code for r in logins] == [200, 401]


def test_changing_the_email_shows_in_every_session_of_the_account(app):
    laptop, phone = registered(app), app.test_client()
    phone.post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})

    laptop.post("/api/auth/email", json={"email": "kate2@example.com", "password": PASSWORD})

    assert "kate2@example.com" in phone.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "taken", ["grace@example.com", "gr\u0430ce@example.com", "ＧＲＡＣＥ@example.com"]
)
def test_changing_to_a_taken_or_lookalike_address_is_refused(app, taken):
    registered(app, email="grace@example.com")
    client = registered(app)

    response = client.post("/api/auth/email", json={"email": taken, "password": PASSWORD})

    assert response.status_code == 409 and response.get_json()["code"] == "email_taken"
    assert me(client)["email"] == EMAIL


def test_changing_to_a_lookalike_of_your_own_address_is_allowed(app):
    client = registered(app)

    response = client.post(
        "/api/auth/email", json={"email": "KATE@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200 and me(client)["email"] == EMAIL


def test_the_email_form_changes_the_address_and_redirects(app):
    client = registered(app)
    form = {"email-email": "kate.page@example.com", "email-password": PASSWORD}

    response = client.post("/account/email", data=form)

    page = client.get("/account").get_data(as_text=True)
    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert "Your email is now kate.page@example.com." in page


def test_the_email_form_says_a_lookalike_is_taken(app):
    registered(app, email="grace@example.com")
    client = registered(app)
    form = {"email-email": "gr\u0430ce@example.com", "email-password": PASSWORD}

    response = client.post("/account/email", data=form)

    assert response.status_code == 422
    assert "An account with that email already exists." in response.get_data(as_text=True)


def test_the_email_form_says_a_wrong_password_on_its_field(app):
    client = registered(app)
    form = {"email-email": "kate.page@example.com", "email-password": "wrong password"}

    response = client.post("/account/email", data=form)

    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    assert me(client)["email"] == EMAIL


def test_managing_an_account_needs_one(client):
    api = client.post("/api/auth/email", json={"email": "a@example.com", "password": "x"})
    page = client.post("/account/email", data={"email-email": "a@example.com"})

    assert api.status_code == 401 and api.get_json()["code"] == "not_signed_in"
    assert page.status_code == 303 and page.headers["Location"] == "/login"


# --- deleting the account -----------------------------------------------------------------


def stored(client, color) -> dict:
    """An uploaded image, kept in the filesystem store with its thumbnail."""
    response = upload(client, png_bytes(color=color), payload_without_url())
    assert response.status_code == 201
    return response.get_json()["data"]["archive"]


def blob_digests(app) -> set[str]:
    with app.app_context():
        return set(db.session.execute(sa.select(Blob.sha256)).scalars())


def test_deleting_the_account_removes_everything_it_owns_and_its_files(app):
    client = registered(app)
    mine = stored(client, (10, 20, 30))
    item = save(client).get_json()["data"]
    client.post(f"/api/media/{item['id']}/share", json={})
    client.delete(f"/api/media/{item['id']}")  # the trash goes too
    store = app.extensions["blob_store"]

    response = client.delete("/api/auth/account", json={"password": PASSWORD})

    assert response.status_code == 200
    assert response.get_json()["data"] == {"user": None, "media": 2, "shares": 1, "files": 2}
    assert not store.exists(mine["sha256"])
    for table in ("users", "sessions", "generated_media", "share_links", "share_tokens", "jobs"):
        assert table_count(app, table) == 0, table
    assert blob_digests(app) == set()
    assert me(client) is None


def test_deleting_an_account_keeps_another_owners_data_and_the_bytes_it_shares(app):
    client = registered(app)
    other = registered(app, email="grace@example.com")
    body = png_bytes(color=(99, 1, 1))
    upload(client, body, payload_without_url())
    theirs = upload(other, body, payload_without_url()).get_json()["data"]  # the same bytes
    link = other.post(f"/api/media/{theirs['id']}/share", json={}).get_json()["data"]
    only_mine = stored(client, (1, 99, 1))
    store = app.extensions["blob_store"]

    client.delete("/api/auth/account", json={"password": PASSWORD})

    shared_sha = hashlib.sha256(body).hexdigest()
    assert store.exists(shared_sha) and store.exists(theirs["archive"]["sha256"])
    assert not store.exists(only_mine["sha256"])
    assert other.get(theirs["archive"]["fileUrl"]).data == body
    assert app.test_client().get(f"/api/shared/{link['token']}").status_code == 200
    assert me(other)["email"] == "grace@example.com" and count_rows(app) == 1


def test_deleting_the_account_needs_its_password_and_changes_nothing_without_it(app):
    client = registered(app)
    save(client)

    response = client.delete("/api/auth/account", json={"password": "wrong password"})

    assert response.status_code == 401 and response.get_json()["code"] == "wrong_password"
    assert count_rows(app) == 1 and me(client)["email"] == EMAIL


def test_a_deleted_accounts_copied_cookie_is_worthless(app):
    client = registered(app)
    save(client)
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)

    client.delete("/api/auth/account", json={"password": PASSWORD})

    assert me(thief) is None
    assert thief.get("/api/media/list").get_json()["data"] == []


def test_the_address_is_free_again_after_the_account_is_deleted(app):
    client = registered(app)
    client.delete("/api/auth/account", json={"password": PASSWORD})

    again = app.test_client().post(
        "/api/auth/register", json={"email": EMAIL, "password": PASSWORD}
    )

    assert again.status_code == 201


def test_the_delete_form_deletes_the_account_and_says_so(app):
    client = registered(app)
    stored(client, (5, 5, 5))

    response = client.post("/account/delete", data={"delete-password": PASSWORD})

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "Your account and everything in it are deleted." in client.get("/").get_data(
        as_text=True
    )
    assert table_count(app, "users") == 0 and blob_digests(app) == set()


def test_the_delete_form_with_a_wrong_password_keeps_everything(app):
    client = registered(app)
    save(client)

    response = client.post("/account/delete", data={"delete-password": "nope nope"})

    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    assert count_rows(app) == 1 and table_count(app, "users") == 1


# --- the page ---------------------------------------------------------------------------


def test_the_header_links_a_signed_in_email_to_the_account_page(app):
    client = registered(app)

    html = client.get("/").get_data(as_text=True)

    assert 'href="/account" title="Your account">' in html


def test_the_account_page_warns_what_deleting_takes(app):
    client = registered(app)
    save(client)

    html = client.get("/account").get_data(as_text=True)

    assert "This cannot be undone." in html and "1 item" in html
    for action in ("/account/email", "/account/password", "/account/logout-everywhere"):
        assert f'action="{action}"' in html
    assert 'action="/account/delete"' in html


def test_with_csrf_on_the_account_forms_refuse_a_post_without_the_token(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    client.post("/api/auth/register", json={"email": EMAIL, "password": PASSWORD})

    response = client.post("/account/delete", data={"delete-password": PASSWORD})

    assert response.status_code == 400
    assert table_count(app, "users") == 1
