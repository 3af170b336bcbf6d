"""Fixtures: one app per backend (SQLite and PostgreSQL), schema built by the migrations."""

import os
import threading
import uuid

import flask_migrate
import psycopg2
import pytest
import sqlalchemy as sa
from flask import request_finished
from sqlalchemy.engine import make_url

from mediaapp import create_app
from mediaapp.extensions import db
from tests.openapi_contract import ContractChecker

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/mediaapp_test"

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # the real default (scrypt) is slow on purpose
    "AUTH_RATE_LIMIT": "100000 per minute",
    "SHARE_PASSWORD_RATE_LIMIT": "100000 per minute",
    "API_RATE_LIMIT": None,
    "IMPORT_RATE_LIMIT": None,
    # Tests run jobs themselves (jobs.run_due); a worker thread would take them from under
    # a test, even in an app built with TESTING off.
    "EMBEDDED_WORKER": False,
}


def pg_url() -> str:
    return os.environ.get("MEDIAAPP_TEST_DATABASE_URL", DEFAULT_PG_URL)


def admin_dsn(url: str) -> str:
    """The same server, connected to the maintenance database."""
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def sibling_database(url: str, suffix: str) -> str:
    """A second database named after the test database, for tests that need their own."""
    return f"{make_url(url).database}_{suffix}"


def recreate_pg_database(url: str) -> None:
    name = make_url(url).database
    conn = psycopg2.connect(admin_dsn(url), connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def empty_database_url(database_url: str, tmp_path, name: str) -> str:
    """A fresh, empty database beside the session's, on the same backend (for migrations)."""
    if database_url.startswith("postgresql"):
        url = (
            make_url(database_url)
            .set(database=sibling_database(database_url, name))
            .render_as_string(hide_password=False)
        )
        recreate_pg_database(url)
        return url
    return f"sqlite:///{tmp_path / f'{name}.db'}"


def pg_reachable(url: str) -> str | None:
    try:
        psycopg2.connect(admin_dsn(url), connect_timeout=3).close()
    except psycopg2.OperationalError as exc:
        return str(exc).strip()
    return None


def require_postgresql() -> str:
    url = pg_url()
    problem = pg_reachable(url)
    if problem:
        # In CI a missing PostgreSQL is a failure, never a silent skip.
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            f"PostgreSQL unreachable at {url}: {problem}"
        )
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    url = require_postgresql()
    recreate_pg_database(url)
    return url


@pytest.fixture(scope="session")
def make_app(database_url, tmp_path_factory):
    """Build an app on the session's database with extra config (the schema already exists)."""

    blobs = tmp_path_factory.mktemp("blobs")

    def factory(**overrides):
        config = {
            **BASE_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "STORAGE_URL": f"file://{blobs}",
            **overrides,
        }
        return create_app(config)

    return factory


@pytest.fixture(scope="session")
def app(make_app):
    app = make_app()
    with app.app_context():
        flask_migrate.upgrade()
    return app


# Emptied after each test, children first; the stats rollups last, since deleting media
# updates them (their triggers would otherwise leave negative counts behind).
TABLES = (
    "jobs",
    "blobs",
    "share_tokens",
    "share_links",
    "collection_items",
    "collections",
    "generated_media",
    "guests",
    "sessions",
    "api_keys",
    "ingest_names",
    "ingest_endpoints",
    "users",
    "stats_by_day",
    "stats_by_model",
)


@pytest.fixture(autouse=True)
def clean_tables(request):
    """Each test starts from empty tables.

    Deleting after each test (rather than a rolled-back outer transaction) lets tests commit
    for real and run concurrent requests on several connections, as the idempotency tests do.
    """
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in TABLES:
                conn.execute(sa.text(f"DELETE FROM {table}"))


CONTRACT = ContractChecker()


@pytest.fixture(scope="session", autouse=True)
def contract_checker():
    """Every answer any app in the suite gives to an API operation is checked against the
    OpenAPI document (status documented, body matching its schema)."""
    request_finished.connect(CONTRACT.on_request_finished)
    yield CONTRACT
    request_finished.disconnect(CONTRACT.on_request_finished)


@pytest.fixture(autouse=True)
def answers_match_the_openapi_document(contract_checker):
    """Fail the test whose requests got an answer the document does not describe."""
    contract_checker.problems.clear()
    yield
    problems, contract_checker.problems[:] = list(contract_checker.problems), []
    if problems:
        pytest.fail("Answers differ from the OpenAPI document:\n" + "\n".join(problems))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def small_pages(make_app, app):
    """A client of an app whose gallery pages hold two cards (same database as `app`)."""
    return make_app(GALLERY_PAGE_SIZE=2).test_client()


@pytest.fixture
def backend(database_url) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


# The bucket moto_endpoint creates; each test writes under a prefix of its own.
BUCKET = "mediaapp-test"


@pytest.fixture(scope="session")
def moto_endpoint():
    """A moto S3 server on 127.0.0.1 for the whole session, with dummy credentials.

    Starting it is checked with a timeout because ThreadedMotoServer.start() waits forever
    if its thread dies. In CI a server that won't start fails the run rather than skip S3.
    """
    fail_or_skip = pytest.fail if os.environ.get("CI") else pytest.skip
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        fail_or_skip(f"moto[server] is not installed: {exc}")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        # Nothing from a developer's own AWS setup may steer the tests elsewhere.
        for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            env.delenv(name, raising=False)
        env.setenv("AWS_CONFIG_FILE", os.devnull)
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        env.setenv("NO_PROXY", "127.0.0.1,localhost")
        # Without credentials boto3 would next ask the instance metadata address; never.
        env.setenv("AWS_EC2_METADATA_DISABLED", "true")
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        starter = threading.Thread(target=server.start, daemon=True)
        starter.start()
        starter.join(timeout=30)
        if starter.is_alive():
            fail_or_skip("moto's S3 server did not start on 127.0.0.1 within 30 s")
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        try:
            import boto3

            boto3.session.Session().client(
                "s3", endpoint_url=endpoint, region_name="us-east-1"
            ).create_bucket(Bucket=BUCKET)
            yield endpoint
        finally:
            server.stop()


def image_payload(**overrides) -> dict:
    """A valid SaveMediaRequest for an image."""
    payload = {
        "type": "image",
        "url": "https://cdn.example.com/images/fox.png",
        "prompt": "A red fox in fresh snow, golden hour",
        "model": "flux-1-dev",
        "settings": {
            "model": "flux-1-dev",
            "style": "photorealistic",
            "resolution": "1024x1024",
            "shotSize": "medium shot",
            "seed": 42,
            "batchSize": 1,
        },
        "requestId": f"req-{uuid.uuid4()}",
    }
    payload.update(overrides)
    return payload


def video_payload(**overrides) -> dict:
    """A valid SaveMediaRequest for a video."""
    payload = {
        "type": "video",
        "url": "/media/videos/waves.mp4",
        "prompt": "Slow aerial shot over waves breaking on black sand",
        "model": "veo-3",
        "settings": {
            "model": "veo-3",
            "style": "cinematic",
            "resolution": "1280x720",
            "shotSize": "wide shot",
            "duration": 4,
            "frameRate": 24,
        },
        "thumbnailUrl": "/media/videos/waves.jpg",
    }
    payload.update(overrides)
    return payload


def save(client, payload=None, **kwargs):
    return client.post("/api/media/save", json=payload or image_payload(), **kwargs)


def guest_owner(app, client):
    """The Owner behind the guest cookie of a client that has already made a request."""
    from mediaapp.identity import Owner, digest
    from mediaapp.models import Guest

    with client.session_transaction() as session:
        secret_digest = digest(session["guest"])
    with app.app_context():
        owner_id = db.session.execute(
            sa.select(Guest.owner_id).where(Guest.secret_digest == secret_digest)
        ).scalar_one()
    return Owner(id=owner_id, is_guest=True, guest_digest=secret_digest)


def count_rows(app) -> int:
    with app.app_context():
        return db.session.execute(sa.text("SELECT count(*) FROM generated_media")).scalar_one()


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.postgresql_only` tests run once, on PostgreSQL (deselected, not skipped)."""
    keep, drop = [], []
    for item in items:
        params = getattr(item, "callspec", None) and item.callspec.params
        on_sqlite = bool(params) and params.get("database_url") == "sqlite"
        (drop if on_sqlite and item.get_closest_marker("postgresql_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
