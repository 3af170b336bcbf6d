"""Revision 0004 converts a populated database to one owner key and back, losing nothing."""

import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import flask_migrate
import pytest
import sqlalchemy as sa

from mediaapp import create_app
from mediaapp.extensions import db
from mediaapp.models import Guest, ShareToken
from tests.conftest import BASE_CONFIG, empty_database_url

GUEST_SECRET = "a-guest-secret-from-before-the-upgrade"
OTHER_SECRET = "another-guest-secret"
USER_ID = uuid.UUID(int=7)
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

MEDIA = sa.table(
    "generated_media",
    sa.column("id", sa.Uuid),
    sa.column("user_id", sa.Uuid),
    sa.column("session_id", sa.String),
    sa.column("type", sa.String),
    sa.column("url", sa.Text),
    sa.column("prompt", sa.Text),
    sa.column("model", sa.String),
    sa.column("settings", sa.JSON),
    sa.column("request_id", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("favorite", sa.Boolean),
    sa.column("deleted_at", sa.DateTime(timezone=True)),
)
LINKS = sa.table(
    "share_links",
    sa.column("id", sa.Uuid),
    sa.column("media_id", sa.Uuid),
    sa.column("token", sa.String),
    sa.column("hide_prompt", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _item(n: int, *, user=None, guest=None, **extra) -> dict:
    return {
        "id": uuid.UUID(int=100 + n),
        "user_id": user,
        "session_id": digest(guest) if guest else None,
        "type": "image",
        "url": f"https://cdn.example.com/{n}.png",
        "prompt": f"item {n}",
        "model": "flux-1-dev",
        "settings": {"model": "flux-1-dev", "style": "s", "resolution": "r", "shotSize": "x"},
        "request_id": f"req-{n}",
        "created_at": T0 + timedelta(minutes=n),
        "favorite": n % 2 == 0,
        "deleted_at": None,
        **extra,
    }


ITEMS = [
    _item(1, user=USER_ID),
    _item(2, user=USER_ID, request_id=None),
    _item(3, guest=GUEST_SECRET),
    _item(4, guest=GUEST_SECRET, deleted_at=T0 + timedelta(days=1)),
    _item(5, guest=OTHER_SECRET),
]
SHARES = [
    {"id": uuid.UUID(int=201), "media_id": uuid.UUID(int=101), "token": "tok-account"},
    {"id": uuid.UUID(int=203), "media_id": uuid.UUID(int=103), "token": "tok-guest"},
]


@pytest.fixture
def populated_at_0003(database_url, tmp_path):
    """An app on a fresh database migrated to 0003 and filled as that schema stored data."""
    url = empty_database_url(database_url, tmp_path, "owner_key")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="0003")
        db.session.execute(
            sa.text("INSERT INTO users (id, email, password_hash) VALUES (:id, :e, 'h')"),
            {"id": USER_ID.hex if url.startswith("sqlite") else str(USER_ID), "e": "a@b.c"},
        )
        db.session.execute(sa.insert(MEDIA), ITEMS)
        db.session.execute(
            sa.insert(LINKS), [{**s, "hide_prompt": False, "created_at": T0} for s in SHARES]
        )
        db.session.commit()
    return app


def _snapshot() -> dict:
    media = db.session.execute(sa.select(MEDIA).order_by(MEDIA.c.id)).all()
    links = db.session.execute(sa.select(LINKS).order_by(LINKS.c.id)).all()
    db.session.remove()  # end the read, so the migration's ALTERs never wait on its locks
    return {"media": [tuple(r) for r in media], "links": [tuple(r) for r in links]}


def _owner_of(media_id: int):
    owned = sa.table("generated_media", sa.column("id", sa.Uuid), sa.column("owner_id", sa.Uuid))
    return db.session.execute(
        sa.select(owned.c.owner_id).where(owned.c.id == uuid.UUID(int=media_id))
    ).scalar()


def _guest_client(app, secret: str):
    client = app.test_client()
    with client.session_transaction() as session:
        session["guest"] = secret
    return client


def test_upgrading_gives_each_owner_one_owner_id_and_keeps_every_row(populated_at_0003):
    app = populated_at_0003
    with app.app_context():
        before = _snapshot()["media"]
        flask_migrate.upgrade()
        owners = {n: _owner_of(100 + n) for n in range(1, 6)}
        guests = dict(db.session.execute(sa.select(Guest.secret_digest, Guest.owner_id)).all())
        tokens = dict(db.session.execute(sa.select(ShareToken.token, ShareToken.owner_id)).all())
        count = db.session.execute(sa.text("SELECT count(*) FROM generated_media")).scalar()
        db.session.remove()

    assert count == len(before)
    assert owners[1] == owners[2] == USER_ID
    assert owners[3] == owners[4] == guests[digest(GUEST_SECRET)]
    assert owners[5] == guests[digest(OTHER_SECRET)] != owners[3]
    assert tokens == {"tok-account": owners[1], "tok-guest": owners[3]}


def test_after_upgrading_an_old_guest_cookie_still_finds_its_history_and_links(populated_at_0003):
    app = populated_at_0003
    with app.app_context():
        flask_migrate.upgrade()
    guest = _guest_client(app, GUEST_SECRET)

    listed = guest.get("/api/media/list").get_json()["data"]
    trashed = guest.get("/api/media/trash").get_json()["data"]
    shared = app.test_client().get("/api/shared/tok-guest")

    assert [r["prompt"] for r in listed] == ["item 3"]
    assert [r["prompt"] for r in trashed] == ["item 4"]
    assert shared.status_code == 200 and shared.get_json()["data"]["prompt"] == "item 3"


def test_downgrading_restores_exactly_what_was_there(populated_at_0003):
    app = populated_at_0003
    with app.app_context():
        before = _snapshot()
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0003")
        after = _snapshot()
        tables = set(sa.inspect(db.engine).get_table_names())

    assert after == before
    assert not {"guests", "share_tokens"} & tables


def test_a_guest_who_saved_after_the_upgrade_survives_a_downgrade(populated_at_0003):
    app = populated_at_0003
    with app.app_context():
        flask_migrate.upgrade()
    guest = _guest_client(app, "a-guest-who-came-later")
    guest.post(
        "/api/media/save",
        json={key: value for key, value in _wire(6).items()},
    )
    with app.app_context():
        flask_migrate.downgrade(revision="0003")
        stored = db.session.execute(
            sa.text("SELECT session_id FROM generated_media WHERE prompt = 'item 6'")
        ).scalar()

    assert stored == digest("a-guest-who-came-later")


def _wire(n: int) -> dict:
    item = _item(n)
    return {
        "type": item["type"],
        "url": item["url"],
        "prompt": item["prompt"],
        "model": item["model"],
        "settings": item["settings"],
        "requestId": item["request_id"],
    }
