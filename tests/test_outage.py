"""A database that refuses connections: 503 with the envelope, quickly, then recovery."""

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


def _set_connections(url: str, allowed: bool) -> None:
    name = make_url(url).database
    conn = psycopg2.connect(admin_dsn(url), connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
    conn.close()


@pytest.fixture
def outage_app(database_url):
    """An app on its own database, so refusing its connections disturbs no other test."""
    url = (
        make_url(database_url)
        .set(database=sibling_database(database_url, "outage"))
        .render_as_string(hide_password=False)
    )
    recreate_pg_database(url)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
    yield app, url
    _set_connections(url, True)


def test_the_api_answers_503_while_the_database_refuses_and_recovers_after(outage_app):
    app, url = outage_app
    client = app.test_client()
    assert save(client, image_payload()).status_code == 201

    _set_connections(url, False)
    during = [client.get("/api/media/list"), save(client, image_payload())]
    _set_connections(url, True)
    after = client.get("/api/media/list")

    assert [r.status_code for r in during] == [503, 503]
    assert all(r.get_json()["code"] == "service_unavailable" for r in during)
    assert during[0].headers["Retry-After"]
    assert after.status_code == 200
    assert len(after.get_json()["data"]) == 1
