"""/healthz (the process answers) and /readyz (database, blob store and job queue answer)."""

from datetime import timedelta

import flask_migrate
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from mediaapp import create_app
from mediaapp.extensions import db
from mediaapp.models import Job, utcnow
from tests.conftest import BASE_CONFIG, image_payload, recreate_pg_database, save, sibling_database
from tests.test_outage import _set_connections


def test_healthz_says_the_process_is_alive(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_readyz_reports_every_check_when_all_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "storage": True,
        "queue": True,
    }
    assert body["checks"]["queue"]["due"] == 0
    assert body["checks"]["queue"]["lagSeconds"] == 0
    assert "Set-Cookie" not in response.headers


def test_readyz_reports_the_queues_depth_and_the_lag_of_its_oldest_due_job(app, client):
    save(client, image_payload())
    save(client, image_payload())
    with app.app_context():
        db.session.execute(sa.update(Job).values(run_at=utcnow() - timedelta(seconds=90)))
        db.session.commit()

    queue = client.get("/readyz").get_json()["checks"]["queue"]

    assert queue["due"] == 2
    assert 90 <= queue["lagSeconds"] < 3600


def test_jobs_scheduled_later_are_not_counted_as_due(app, client):
    save(client, image_payload())
    with app.app_context():
        db.session.execute(sa.update(Job).values(run_at=utcnow() + timedelta(minutes=5)))
        db.session.commit()

    queue = client.get("/readyz").get_json()["checks"]["queue"]

    assert queue["due"] == 0 and queue["lagSeconds"] == 0


def test_readyz_answers_503_when_the_blob_store_cannot_be_written(make_app, app, tmp_path):
    (tmp_path / "a-file").write_text("a file where the blob directory should be")
    client = make_app(STORAGE_URL=f"file://{tmp_path / 'a-file' / 'blobs'}").test_client()

    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unready"
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert str(tmp_path) not in response.get_data(as_text=True)  # nothing about the host
    assert response.headers["Retry-After"]


def test_readyz_answers_503_when_sqlite_cannot_be_opened(tmp_path):
    app = create_app(
        {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing-dir' / 'app.db'}",
            "STORAGE_URL": f"file://{tmp_path / 'blobs'}",
        }
    )

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["database"]["ok"] is False and checks["queue"]["ok"] is False
    assert checks["storage"]["ok"] is True
    assert "missing-dir" not in response.get_data(as_text=True)


@pytest.fixture
def outage_app(database_url, tmp_path):
    """An app on its own PostgreSQL database, so refusing its connections disturbs no test."""
    url = (
        make_url(database_url)
        .set(database=sibling_database(database_url, "ready"))
        .render_as_string(hide_password=False)
    )
    recreate_pg_database(url)
    app = create_app(
        {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "STORAGE_URL": f"file://{tmp_path}"}
    )
    with app.app_context():
        flask_migrate.upgrade()
    yield app, url
    _set_connections(url, True)


@pytest.mark.postgresql_only
def test_readyz_follows_the_database_away_and_back_while_healthz_stays_up(outage_app):
    app, url = outage_app
    client = app.test_client()
    assert client.get("/readyz").status_code == 200

    _set_connections(url, False)
    during = [client.get("/readyz"), client.get("/healthz")]
    _set_connections(url, True)
    after = client.get("/readyz")

    assert [r.status_code for r in during] == [503, 200]
    assert during[0].get_json()["checks"]["database"]["ok"] is False
    assert "127.0.0.1" not in during[0].get_data(as_text=True)
    assert after.status_code == 200
