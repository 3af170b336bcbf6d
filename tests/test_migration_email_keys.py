"""Revision 0006 on a database with accounts: addresses re-normalised, look-alike keys filled
in (a clash that older code let in keeps both accounts working), nobody signed in by an old
cookie."""

import uuid
from datetime import UTC, datetime, timedelta

import flask_migrate
import pytest
import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from mediaapp import create_app
from mediaapp.credentials import email_key
from mediaapp.extensions import db
from tests.conftest import BASE_CONFIG, empty_database_url

PASSWORD = "correct horse battery"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
# As 0005 stored them: stripped and lower-cased, nothing more.
ACCOUNTS = [
    ("kate@example.com", T0),
    ("ｋａｔｅ2@example.com", T0 + timedelta(minutes=1)),  # fullwidth, normalised by 0006
    ("k\u0430te@example.com", T0 + timedelta(minutes=2)),  # a Cyrillic look-alike of the first
]


@pytest.fixture
def upgraded(database_url, tmp_path):
    """An app whose database held three accounts at 0005, then upgraded to 0006."""
    url = empty_database_url(database_url, tmp_path, "email_keys")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    users = sa.table(
        "users",
        sa.column("id", sa.Uuid()),
        sa.column("email", sa.String()),
        sa.column("password_hash", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    with app.app_context():
        flask_migrate.upgrade(revision="0005")
        hashed = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
        db.session.execute(
            sa.insert(users),
            [
                {"id": uuid.uuid4(), "email": email, "password_hash": hashed, "created_at": at}
                for email, at in ACCOUNTS
            ],
        )
        db.session.commit()
        db.session.remove()
        flask_migrate.upgrade()
    return app


def _stored(app) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(sa.text("SELECT email, email_key FROM users")).all()
        db.session.remove()
    return dict(rows)


def test_upgrading_normalises_addresses_and_fills_their_lookalike_keys(upgraded):
    stored = _stored(upgraded)

    assert set(stored) == {"kate@example.com", "kate2@example.com", "k\u0430te@example.com"}
    assert stored["kate@example.com"] == email_key("kate@example.com")
    assert stored["kate2@example.com"] == email_key("kate2@example.com")
    # The look-alike that registered later keeps its account under a key of its own.
    assert len(set(stored.values())) == 3


def test_after_upgrading_every_account_logs_in_and_no_new_lookalike_registers(upgraded):
    logins = [
        upgraded.test_client().post("/api/auth/login", json={"email": e, "password": PASSWORD})
        for e in ("kate@example.com", "ｋａｔｅ2@example.com", "k\u0430te@example.com")
    ]
    again = upgraded.test_client().post(
        "/api/auth/register", json={"email": "kat\u0435@example.com", "password": PASSWORD}
    )

    assert [r.status_code for r in logins] == [200, 200, 200]
    assert again.status_code == 409


def test_a_cookie_from_before_the_upgrade_signs_nobody_in(upgraded):
    with upgraded.app_context():
        user_id = db.session.execute(sa.text("SELECT id FROM users LIMIT 1")).scalar()
        db.session.remove()
    client = upgraded.test_client()
    with client.session_transaction() as cookie:
        cookie["user_id"] = str(uuid.UUID(str(user_id)))  # all a 0005 cookie carried
        cookie["email"] = "kate@example.com"

    response = client.get("/api/auth/me")

    assert response.get_json()["data"]["user"] is None
