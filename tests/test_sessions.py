"""Sessions end on the server: a copied cookie is worthless once its session is over, whether
it ended by logout (API or page), by signing out everywhere or by a password change; and a
guest can start over with a fresh identity."""

from datetime import timedelta

import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.models import Session, utcnow
from mediaapp.services import sessions
from tests.conftest import count_rows, image_payload, save
from tests.helpers import listed_ids

EMAIL, PASSWORD = "ada@example.com", "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


def signed_in(app, email=EMAIL, password=PASSWORD):
    """A client logged into the account (registered on first use)."""
    client = app.test_client()
    creds = {"email": email, "password": password}
    if client.post("/api/auth/login", json=creds).status_code == 401:
        assert client.post("/api/auth/register", json=creds).status_code == 201
    return client


def copy_of(app, client):
    """Another client holding the very same session cookie (a stolen or copied cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def me(client):
    return client.get("/api/auth/me").get_json()["data"]["user"]


def session_rows(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Session)).scalar()


def test_a_copied_cookie_works_while_the_session_lives(app):
    client = signed_in(app)
    save(client, image_payload(prompt="mine"))

    thief = copy_of(app, client)

    assert me(thief)["email"] == EMAIL
    assert len(listed_ids(thief)) == 1


def test_after_api_logout_a_copied_cookie_is_worthless(app):
    client = signed_in(app)
    save(client)
    thief = copy_of(app, client)

    client.post("/api/auth/logout")

    assert me(thief) is None
    assert listed_ids(thief) == []
    assert session_rows(app) == 0


def test_after_page_logout_a_copied_cookie_is_worthless(app):
    client = signed_in(app)
    save(client, image_payload(prompt="private item"))
    thief = copy_of(app, client)

    response = client.post("/logout")

    page = thief.get("/").get_data(as_text=True)
    assert (
        response.status_code == 303 and response.headers["Clear-Site-Data"] == '"cache", "storage"'
    )
    assert "private item" not in page and EMAIL not in page and "Guest" in page


def test_a_revoked_cookie_is_cleared_and_its_bearer_becomes_a_visitor(app):
    client = signed_in(app)
    thief = copy_of(app, client)
    client.post("/api/auth/logout")

    response = thief.get("/api/auth/me")

    assert "session=;" in response.headers["Set-Cookie"]
    assert thief.get_cookie("session") is None


def test_logging_out_ends_only_that_session(app):
    laptop, phone = signed_in(app), signed_in(app)

    laptop.post("/api/auth/logout")

    assert me(laptop) is None and me(phone)["email"] == EMAIL


def test_signing_out_everywhere_ends_every_session_of_the_account(app):
    laptop, phone = signed_in(app), signed_in(app)
    other = signed_in(app, email="grace@example.com")
    thief = copy_of(app, phone)

    response = laptop.post("/api/auth/logout-everywhere")

    assert response.status_code == 200
    assert response.get_json()["data"] == {"user": None, "endedSessions": 2}
    assert [me(c) for c in (laptop, phone, thief)] == [None, None, None]
    assert me(other)["email"] == "grace@example.com"


def test_signing_out_everywhere_from_the_page_ends_every_session(app):
    laptop, phone = signed_in(app), signed_in(app)

    response = laptop.post("/account/logout-everywhere")

    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert me(laptop) is None and me(phone) is None
    assert "signed out everywhere" in laptop.get("/login").get_data(as_text=True)


def test_signing_out_everywhere_needs_a_signed_in_account(client):
    response = client.post("/api/auth/logout-everywhere")

    assert response.status_code == 401
    assert response.get_json()["code"] == "not_signed_in"


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    laptop, phone = signed_in(app), signed_in(app)
    thief = copy_of(app, phone)

    response = laptop.post(
        "/api/auth/password", json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    )

    assert response.status_code == 200
    assert response.get_json()["data"]["endedSessions"] == 1
    assert me(laptop)["email"] == EMAIL
    assert me(phone) is None and me(thief) is None


def test_a_password_change_on_the_page_ends_the_other_sessions(app):
    laptop, phone = signed_in(app), signed_in(app)
    form = {"password-current_password": PASSWORD, "password-new_password": NEW_PASSWORD}

    response = laptop.post("/account/password", data=form)

    assert response.status_code == 303 and response.headers["Location"] == "/account"
    assert me(laptop)["email"] == EMAIL and me(phone) is None
    assert "1 other session was signed out" in laptop.get("/account").get_data(as_text=True)


def test_after_a_password_change_only_the_new_password_logs_in(app):
    laptop = signed_in(app)
    laptop.post(
        "/api/auth/password", json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    )

    old = app.test_client().post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
    new = app.test_client().post("/api/auth/login", json={"email": EMAIL, "password": NEW_PASSWORD})

    assert (old.status_code, new.status_code) == (401, 200)


def test_a_wrong_current_password_changes_nothing_and_ends_no_session(app):
    laptop, phone = signed_in(app), signed_in(app)

    response = laptop.post(
        "/api/auth/password", json={"currentPassword": "not it at all", "newPassword": NEW_PASSWORD}
    )

    assert response.status_code == 401 and response.get_json()["code"] == "wrong_password"
    assert me(phone)["email"] == EMAIL
    relogin = app.test_client().post("/api/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert relogin.status_code == 200


def test_an_expired_session_signs_nobody_in(app):
    client = signed_in(app)
    with app.app_context():
        db.session.execute(sa.update(Session).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    assert me(client) is None
    assert session_rows(app) == 0  # the expired row is dropped when it is found


def test_a_session_in_use_slides_its_expiry_forward_now_and_then(app):
    client = signed_in(app)
    an_hour_ago = utcnow() - timedelta(hours=1)
    with app.app_context():
        db.session.execute(
            sa.update(Session).values(
                last_seen_at=an_hour_ago, expires_at=utcnow() + timedelta(days=1)
            )
        )
        db.session.commit()

    me(client)

    with app.app_context():
        row = db.session.execute(sa.select(Session.last_seen_at, Session.expires_at)).one()
    assert row.last_seen_at > an_hour_ago
    assert row.expires_at > utcnow() + timedelta(days=300)


def test_a_cookie_from_before_sessions_could_end_no_longer_signs_in(app):
    client = signed_in(app)
    with client.session_transaction() as cookie:
        del cookie["sid"]  # what a cookie minted before revision 0006 carried: no secret

    assert me(client) is None


def test_the_database_keeps_only_a_digest_of_the_session_secret(app):
    client = signed_in(app)

    with client.session_transaction() as cookie:
        secret = cookie["sid"]
    with app.app_context():
        stored = db.session.execute(sa.select(Session.secret_digest)).scalars().all()
    assert stored == [sessions.digest(secret)] and secret not in stored


def test_each_login_is_a_new_session_with_a_new_secret(app):
    first, second = signed_in(app), signed_in(app)

    with first.session_transaction() as a, second.session_transaction() as b:
        assert a["sid"] != b["sid"]
    assert session_rows(app) == 2


def test_a_signed_in_request_reads_its_session_once(app):
    client = signed_in(app)
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        client.get("/")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)

    assert len([s for s in statements if "FROM sessions" in s]) == 1
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE SESSIONS")]


# --- a guest starting over --------------------------------------------------------------


def test_a_guest_starting_over_gets_a_fresh_identity_and_an_empty_history(app, client):
    save(client, image_payload(prompt="old guest item"))
    before = client.get_cookie("session").value

    response = client.post("/api/auth/start-over")

    assert response.status_code == 200
    assert response.get_json()["data"] == {"user": None, "media": 1, "shares": 0, "files": 0}
    assert listed_ids(client) == []
    assert client.get_cookie("session").value != before


def test_starting_over_deletes_the_old_guests_items_and_links(app, client):
    item = save(client).get_json()["data"]
    token = client.post(f"/api/media/{item['id']}/share", json={}).get_json()["data"]["token"]
    bystander = app.test_client()
    save(bystander)

    client.post("/api/auth/start-over")

    assert count_rows(app) == 1  # only the bystander's
    assert app.test_client().get(f"/api/shared/{token}").status_code == 404
    with app.app_context():
        guests = db.session.execute(sa.text("SELECT count(*) FROM guests")).scalar()
    assert guests == 1


def test_a_guest_starts_over_from_the_account_page(client):
    save(client, image_payload(prompt="forget me"))

    response = client.post("/account/start-over", data={"start-confirm": "y"})

    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    page = client.get("/").get_data(as_text=True)
    assert "forget me" not in page and "starting over" in page


def test_the_start_over_form_needs_its_box_ticked(client):
    save(client, image_payload(prompt="keep me"))

    response = client.post("/account/start-over", data={})

    assert response.status_code == 422
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    assert "keep me" in client.get("/").get_data(as_text=True)


def test_the_guest_account_page_says_what_starting_over_deletes(client):
    save(client)
    save(client)

    html = client.get("/account").get_data(as_text=True)

    assert "Start over" in html and "deleted for good" in html
    assert "2 items" in html


def test_a_signed_in_account_cannot_start_over(app):
    client = signed_in(app)
    save(client)

    response = client.post("/api/auth/start-over")

    assert response.status_code == 409 and response.get_json()["code"] == "signed_in"
    assert count_rows(app) == 1 and me(client)["email"] == EMAIL
