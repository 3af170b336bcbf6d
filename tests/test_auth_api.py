"""Accounts over JSON: register, login, logout, me, adopting the guest's media, rate limits."""

import re

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db, limiter
from tests.conftest import count_rows, image_payload, save
from tests.helpers import listed_ids

CREDS = {"email": "Person@Example.com", "password": "correct horse battery"}


def test_registering_answers_201_and_logs_in(client):
    response = client.post("/api/auth/register", json=CREDS)

    assert response.status_code == 201
    user = response.get_json()["data"]["user"]
    assert user["email"] == "person@example.com"
    assert client.get("/api/auth/me").get_json()["data"]["user"] == user


def test_every_auth_answer_has_the_same_shape(client):
    answers = {
        "me as a guest": client.get("/api/auth/me"),
        "register": client.post("/api/auth/register", json=CREDS),
        "me": client.get("/api/auth/me"),
        "logout": client.post("/api/auth/logout"),
        "login": client.post("/api/auth/login", json=CREDS),
    }

    bodies = {name: response.get_json() for name, response in answers.items()}
    assert {name: set(body) for name, body in bodies.items()} == dict.fromkeys(
        answers, {"success", "data"}
    )
    # me also names this browser's cache (media-cache.mjs connect() reads it).
    assert {name: set(body["data"]) for name, body in bodies.items()} == {
        name: {"user", "cacheKey"} if name.startswith("me") else {"user"} for name in answers
    }
    account = bodies["register"]["data"]["user"]
    assert set(account) == {"id", "email"}
    assert bodies["me"]["data"]["user"] == bodies["login"]["data"]["user"] == account
    assert bodies["me as a guest"]["data"]["user"] is None
    assert bodies["logout"]["data"]["user"] is None


def test_the_password_is_stored_hashed(client, app):
    client.post("/api/auth/register", json=CREDS)

    with app.app_context():
        stored = db.session.execute(sa.text("SELECT password_hash FROM users")).scalar()
    assert CREDS["password"] not in stored and stored.startswith("pbkdf2:")


def test_registering_a_taken_email_in_other_case_answers_409(client, app):
    client.post("/api/auth/register", json=CREDS)

    response = app.test_client().post(
        "/api/auth/register", json={**CREDS, "email": "PERSON@example.COM"}
    )

    assert response.status_code == 409
    assert response.get_json()["code"] == "email_taken"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "not-an-email", "password": "long-enough"}, "email"),
        ({"email": "a@example.com", "password": "short"}, "password"),
        ({"email": "a@example.com"}, "password"),
    ],
)
def test_invalid_registrations_answer_400_with_details(client, app, body, field):
    response = client.post("/api/auth/register", json=body)

    assert response.status_code == 400
    assert field in response.get_json()["details"]
    with app.app_context():
        assert db.session.execute(sa.text("SELECT count(*) FROM users")).scalar() == 0


def test_logging_in_with_a_wrong_password_answers_401(client, app):
    client.post("/api/auth/register", json=CREDS)

    response = app.test_client().post("/api/auth/login", json={**CREDS, "password": "nope"})

    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_credentials"


def test_logging_in_with_an_unknown_email_answers_the_same_401(client):
    response = client.post(
        "/api/auth/login", json={"email": "ghost@example.com", "password": "whatever"}
    )

    assert response.status_code == 401
    assert response.get_json()["error"] == "Wrong email or password."


def test_logging_out_makes_the_next_request_a_fresh_guest(client):
    client.post("/api/auth/register", json=CREDS)
    save(client)

    response = client.post("/api/auth/logout")

    assert response.status_code == 200
    assert client.get("/api/auth/me").get_json()["data"]["user"] is None
    assert listed_ids(client) == []


def test_registering_adopts_the_guests_media(client):
    saved = [save(client).get_json()["data"]["id"] for _ in range(3)]

    client.post("/api/auth/register", json=CREDS)

    assert sorted(listed_ids(client)) == sorted(saved)


def test_logging_in_adopts_the_guests_media_into_the_existing_account(app):
    first = app.test_client()
    first.post("/api/auth/register", json=CREDS)
    old = save(first).get_json()["data"]["id"]
    guest = app.test_client()
    new = save(guest).get_json()["data"]["id"]

    response = guest.post("/api/auth/login", json=CREDS)

    assert response.status_code == 200
    assert sorted(listed_ids(guest)) == sorted([old, new])
    assert all(m["userId"] for m in guest.get("/api/media/list").get_json()["data"])


def test_the_same_media_saved_as_guest_and_account_merges_on_login(app):
    account = app.test_client()
    account.post("/api/auth/register", json=CREDS)
    kept = save(account, image_payload(requestId="gen-7")).get_json()["data"]
    guest = app.test_client()
    save(guest, image_payload(requestId="gen-7", url=kept["url"]))

    guest.post("/api/auth/login", json=CREDS)

    assert listed_ids(guest) == [kept["id"]]
    assert count_rows(app) == 1


def test_a_request_id_clash_with_different_media_keeps_both_and_the_key_with_the_account(app):
    account = app.test_client()
    account.post("/api/auth/register", json=CREDS)
    kept = save(account, image_payload(requestId="gen-8")).get_json()["data"]
    guest = app.test_client()
    other = save(guest, image_payload(requestId="gen-8", url="/other.png")).get_json()["data"]

    response = guest.post("/api/auth/login", json=CREDS)

    assert response.status_code == 200
    records = {m["id"]: m for m in guest.get("/api/media/list").get_json()["data"]}
    assert set(records) == {kept["id"], other["id"]}
    assert records[kept["id"]]["requestId"] == "gen-8"
    assert records[other["id"]]["requestId"] is None
    replay = save(guest, image_payload(requestId="gen-8"))
    assert replay.status_code == 200 and replay.get_json()["data"]["id"] == kept["id"]


def test_logging_in_leaves_other_guests_media_alone(app):
    bystander = app.test_client()
    theirs = save(bystander).get_json()["data"]["id"]
    guest = app.test_client()
    save(guest)

    guest.post("/api/auth/register", json=CREDS)

    assert listed_ids(bystander) == [theirs]


def test_adoption_keeps_ids_dates_favorites_trash_and_share_links(app):
    guest = app.test_client()
    starred = save(guest).get_json()["data"]
    guest.patch(f"/api/media/{starred['id']}", json={"favorite": True})
    trashed = save(guest).get_json()["data"]
    guest.delete(f"/api/media/{trashed['id']}")
    link = guest.post(f"/api/media/{starred['id']}/share", json={}).get_json()["data"]

    guest.post("/api/auth/register", json=CREDS)

    adopted = guest.get(f"/api/media/{starred['id']}").get_json()["data"]
    assert adopted["createdAt"] == starred["createdAt"] and adopted["favorite"] is True
    assert adopted["userId"] == guest.get("/api/auth/me").get_json()["data"]["user"]["id"]
    assert [m["id"] for m in guest.get("/api/media/trash").get_json()["data"]] == [trashed["id"]]
    assert [s["id"] for s in guest.get("/api/shares").get_json()["data"]] == [link["id"]]
    public = app.test_client().get(f"/api/shared/{link['token']}")
    assert public.status_code == 200 and public.get_json()["data"]["prompt"] == starred["prompt"]
    assert guest.delete(f"/api/shares/{link['id']}").status_code == 200
    assert app.test_client().get(f"/api/shared/{link['token']}").status_code == 404


def test_after_adoption_the_guests_rows_and_identity_are_gone(app):
    guest = app.test_client()
    save(guest)

    guest.post("/api/auth/register", json=CREDS)

    with app.app_context():
        owners = db.session.execute(sa.text("SELECT count(DISTINCT owner_id) FROM generated_media"))
        guests = db.session.execute(sa.text("SELECT count(*) FROM guests"))
        assert (owners.scalar(), guests.scalar()) == (1, 0)


def test_login_attempts_over_the_limit_answer_429_with_retry_after(make_app):
    app = make_app(AUTH_RATE_LIMIT="3 per minute")
    limiter.reset()
    client = app.test_client()
    for _ in range(3):
        client.post("/api/auth/login", json={"email": "a@example.com", "password": "x"})

    response = client.post("/api/auth/login", json={"email": "a@example.com", "password": "x"})

    assert response.status_code == 429
    assert response.get_json()["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0
    limiter.reset()


def test_the_media_api_is_limited_only_when_configured(make_app):
    app = make_app(API_RATE_LIMIT="2 per minute")
    limiter.reset()
    client = app.test_client()

    statuses = [client.get("/api/media/list").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    limiter.reset()


def test_the_page_header_shows_the_email_after_an_api_login(client):
    client.post("/api/auth/register", json=CREDS)

    page = client.get("/").get_data(as_text=True)

    assert "person@example.com" in page


def test_me_names_the_cache_the_gallery_uses_and_a_new_one_after_login(client):
    assert client.get("/api/auth/me").get_json()["data"]["cacheKey"] == ""  # nobody yet
    save(client, image_payload())

    def rendered_key() -> str:
        page = client.get("/").get_data(as_text=True)
        return re.search(r'data-owner-key="([^"]*)"', page).group(1)

    as_guest = client.get("/api/auth/me").get_json()["data"]["cacheKey"]
    assert as_guest and as_guest == rendered_key()
    client.post("/api/auth/register", json=CREDS)
    as_account = client.get("/api/auth/me").get_json()["data"]["cacheKey"]
    assert as_account not in ("", as_guest) and as_account == rendered_key()
