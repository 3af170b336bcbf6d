"""Views that only read run in autocommit on PostgreSQL (no transaction to roll back at the
end of the request), and no other request ever inherits that mode from the pool."""

import pytest

from mediaapp.extensions import db
from mediaapp.services import media as media_service
from tests.conftest import image_payload, save

pytestmark = pytest.mark.postgresql_only


def in_autocommit() -> bool:
    return db.session.connection().connection.dbapi_connection.autocommit


def test_a_list_reads_in_autocommit_and_the_pool_gets_its_connection_back_transactional(
    app, client, monkeypatch
):
    assert save(client, image_payload(prompt="kept")).status_code == 201
    seen = []
    real_list = media_service.list_media

    def spying_list(*args, **kwargs):
        seen.append(in_autocommit())
        return real_list(*args, **kwargs)

    monkeypatch.setattr(media_service, "list_media", spying_list)
    answer = client.get("/api/media/list")
    assert answer.status_code == 200
    assert [item["prompt"] for item in answer.get_json()["data"]] == ["kept"]
    assert seen == [True]
    # Every connection now in the pool is back in transactions: a save that fails half-way
    # after this must still leave nothing behind.
    with app.app_context():
        for _ in range(3):
            with db.engine.connect() as conn:
                assert conn.connection.dbapi_connection.autocommit is False


def test_a_save_after_a_read_still_runs_in_one_transaction(app, client, monkeypatch):
    client.get("/api/media/list")  # the guest is minted by a read-only view, and kept
    assert client.get("/api/media/list").status_code == 200
    seen = []
    real_save = media_service.save_media

    def spying_save(*args, **kwargs):
        seen.append(in_autocommit())
        return real_save(*args, **kwargs)

    monkeypatch.setattr(media_service, "save_media", spying_save)
    assert save(client, image_payload(prompt="after a read")).status_code == 201
    assert seen == [False]
    listed = client.get("/api/media/list").get_json()["data"]
    assert [item["prompt"] for item in listed] == ["after a read"]


def test_a_key_that_opened_a_transaction_before_the_view_still_lists(app, client):
    """An API key's lookup runs before the view, in a transaction of its own (its last use is
    written at most once a minute, so a second request only reads): the view keeps it."""
    from tests.test_api_keys import bearer, create_key, sign_up

    sign_up(client)
    assert save(client, image_payload(prompt="by key")).status_code == 201
    key = create_key(client, ["read"])["key"]
    machine = app.test_client()
    answers = [machine.get("/api/media/list", headers=bearer(key)) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [m["prompt"] for m in answers[-1].get_json()["data"]] == ["by key"]
