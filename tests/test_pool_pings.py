"""Pooled connections without a ping per checkout: an idle dead one is replaced unseen, one
that dies in use fails one request with 503 and the pool recovers by itself."""

import flask_migrate
import psycopg2
import pytest
from sqlalchemy.engine import make_url

from mediaapp import create_app
from tests.conftest import (
    BASE_CONFIG,
    admin_dsn,
    image_payload,
    recreate_pg_database,
    save,
    sibling_database,
)

pytestmark = pytest.mark.postgresql_only


def _terminate_connections(url: str) -> int:
    """End every open connection to the app's database, as a database restart does."""
    conn = psycopg2.connect(admin_dsn(url), connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (make_url(url).database,),
        )
        (ended,) = cur.fetchone()
    conn.close()
    return ended


@pytest.fixture
def app_on(database_url):
    """Apps on their own database, pinging connections idle for `idle` seconds or more."""
    url = (
        make_url(database_url)
        .set(database=sibling_database(database_url, "pings"))
        .render_as_string(hide_password=False)
    )
    recreate_pg_database(url)

    def make(idle: float):
        app = create_app(
            {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "DATABASE_PING_IDLE_SECONDS": idle}
        )
        with app.app_context():
            flask_migrate.upgrade()
        return app

    yield make, url


def test_pre_ping_is_off(app_on):
    make, _url = app_on
    app = make(1.0)
    with app.app_context():
        from mediaapp.extensions import db

        assert db.engine.pool._pre_ping is False


def test_an_idle_connection_that_died_is_replaced_before_the_request_sees_it(app_on):
    make, url = app_on
    client = make(0.0).test_client()  # every checkout counts as idle: always pinged
    assert save(client, image_payload()).status_code == 201

    assert _terminate_connections(url) >= 1
    after = client.get("/api/media/list")

    assert after.status_code == 200
    assert len(after.get_json()["data"]) == 1


def test_a_connection_that_died_in_use_fails_one_request_and_the_pool_recovers(app_on):
    make, url = app_on
    client = make(3600.0).test_client()  # never idle long enough for a ping
    assert save(client, image_payload()).status_code == 201

    assert _terminate_connections(url) >= 1
    broken = client.get("/api/media/list")
    after = [client.get("/api/media/list"), save(client, image_payload())]

    assert broken.status_code == 503
    assert broken.get_json()["code"] == "service_unavailable"
    assert [r.status_code for r in after] == [200, 201]
    assert len(client.get("/api/media/list").get_json()["data"]) == 2
