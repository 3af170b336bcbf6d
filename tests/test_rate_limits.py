"""Abuse bounds inside one process: one sign-in limit shared by every form and keyed by
address and target email, imports limited by default, production refusing per-process
limit storage when several workers serve."""

import io
import json

import pytest

from mediaapp.config import Config
from mediaapp.extensions import limiter
from mediaapp.limits import check_limit_storage, target_email_key
from tests.conftest import image_payload

EMAIL = "target@example.com"
WRONG = {"email": EMAIL, "password": "not the password"}


@pytest.fixture
def limited(make_app, app):
    """A factory of apps with tight limits on the session's database; counts start at zero."""

    def build(**overrides):
        _storage_alive_again()
        return make_app(**overrides)

    yield build
    _storage_alive_again()


def _storage_alive_again() -> None:
    """Counts at zero, in the configured storage. Flask-Limiter keeps its 'storage is dead'
    mark across init_app and only looks again on a timer (1, 2, 4... s later), so after the
    test whose storage went away, later tests would count in the fallback memory and switch
    back mid-test whenever that timer fell."""
    limiter._storage_dead = False
    limiter.reset()


def guess(client, form: str, email: str = EMAIL, address: str = "203.0.113.7"):
    """One password guess through one of the four forms, from a client address."""
    body = {"email": email, "password": "not the password"}
    environ = {"REMOTE_ADDR": address}
    if form.startswith("api"):
        path = "/api/auth/login" if form == "api-login" else "/api/auth/register"
        return client.post(path, json=body, environ_base=environ)
    path = "/login" if form == "page-login" else "/register"
    return client.post(path, data=body, environ_base=environ)


FORMS = ("api-login", "page-login", "api-register", "page-register")


@pytest.mark.parametrize("last", FORMS)
def test_every_sign_in_form_draws_from_one_count(limited, last):
    client = limited(AUTH_RATE_LIMIT="4 per minute").test_client()
    for form in FORMS:
        assert guess(client, form).status_code != 429

    response = guess(client, last)

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_guessing_one_account_from_many_addresses_meets_the_limit(limited):
    client = limited(AUTH_RATE_LIMIT="3 per minute").test_client()
    for n in range(3):
        guess(client, "api-login", address=f"198.51.100.{n}")

    response = guess(client, "page-login", address="198.51.100.99")

    assert response.status_code == 429
    assert response.get_json() is None  # the page form answers a page, not the API envelope


def test_the_target_email_is_counted_however_it_is_spelled(limited):
    client = limited(AUTH_RATE_LIMIT="2 per minute").test_client()
    guess(client, "api-login", email="Target@Example.com", address="198.51.100.1")
    guess(client, "page-login", email="  target@EXAMPLE.com ", address="198.51.100.2")

    response = guess(client, "api-login", email=EMAIL, address="198.51.100.3")

    assert response.status_code == 429
    assert response.get_json()["code"] == "rate_limited"


def test_one_address_trying_many_accounts_meets_the_limit(limited):
    client = limited(AUTH_RATE_LIMIT="3 per minute").test_client()
    for n in range(3):
        guess(client, "api-login", email=f"person{n}@example.com")

    response = guess(client, "page-login", email="someone-else@example.com")

    assert response.status_code == 429


def test_another_address_and_account_keep_their_own_count(limited):
    client = limited(AUTH_RATE_LIMIT="2 per minute").test_client()
    for _ in range(3):
        guess(client, "api-login")

    response = guess(client, "api-login", email="other@example.com", address="192.0.2.50")

    assert response.status_code == 401


def test_a_sign_in_without_an_email_still_counts_against_its_address(limited):
    client = limited(AUTH_RATE_LIMIT="2 per minute").test_client()
    for _ in range(2):
        client.post("/api/auth/login", json={"password": "x"})

    response = client.post("/api/auth/login", json={"password": "x"})

    assert response.status_code == 429


def test_a_body_too_deep_to_read_counts_against_its_address(app):
    deep = "[" * 5000 + "]" * 5000  # the view refuses it; the limit key must not crash first

    with app.test_request_context(
        "/api/auth/login", method="POST", data=deep, content_type="application/json"
    ):
        key = target_email_key()

    assert key == "addr:127.0.0.1"


def _import_api(client, n: int):
    item = {**image_payload(prompt=f"imported {n}"), "requestId": f"import-{n}"}
    return client.post("/api/media/import", json={"items": [item]})


def _import_page(client, n: int):
    item = {**image_payload(prompt=f"page import {n}"), "requestId": f"page-import-{n}"}
    body = json.dumps([item]).encode()
    return client.post(
        "/import",
        data={"file": (io.BytesIO(body), "history.json")},
        content_type="multipart/form-data",
    )


def test_imports_are_limited_by_default():
    assert Config.IMPORT_RATE_LIMIT == "20 per minute"


def test_the_default_import_limit_refuses_the_21st_import_in_a_minute(limited):
    client = limited(IMPORT_RATE_LIMIT=Config.IMPORT_RATE_LIMIT).test_client()
    for n in range(20):
        assert _import_api(client, n).status_code == 200

    response = _import_api(client, 20)

    assert response.status_code == 429
    assert response.get_json()["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


def test_api_and_gallery_imports_share_one_count(limited):
    client = limited(IMPORT_RATE_LIMIT="2 per minute").test_client()
    assert _import_api(client, 1).status_code == 200
    assert _import_page(client, 2).status_code == 200

    refused = (_import_api(client, 3).status_code, _import_page(client, 4).status_code)

    assert refused == (429, 429)


def test_production_refuses_per_process_limits_with_several_workers(make_app, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")

    with pytest.raises(RuntimeError, match="MEDIAAPP_RATE_LIMIT_STORAGE is memory://"):
        make_app(ENV_NAME="production", RATELIMIT_STORAGE_URI="memory://")


def test_production_starts_with_one_worker_on_memory_storage(make_app, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "1")

    app = make_app(ENV_NAME="production", RATELIMIT_STORAGE_URI="memory://")

    assert app.config["ENV_NAME"] == "production"


def test_production_accepts_shared_storage_with_several_workers():
    # Building an app on Redis here would point the process-wide limiter at it; the gunicorn
    # test (tests/test_deploy_limits.py) runs production on Redis for real.
    assert check_limit_storage("production", "redis://127.0.0.1:6379/0", 4) is None


def test_development_keeps_memory_storage_with_several_workers(make_app, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")

    app = make_app(RATELIMIT_STORAGE_URI="memory://")

    assert app.config["ENV_NAME"] == "development"


def test_limit_storage_that_goes_away_still_limits_instead_of_answering_500(limited, make_app):
    """Nothing listens on port 1: every request finds the shared storage unreachable, and
    each process falls back to counting in its own memory."""
    app = limited(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1", AUTH_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [guess(client, "api-login").status_code for _ in range(3)]
    make_app()  # back to memory storage, so the fixture's reset has storage to reset
    assert statuses == [401, 401, 429]


# --- the media API's limit, skipped outright while it is unset ---------------------------


def test_the_api_limit_applies_once_configured(limited):
    client = limited(API_RATE_LIMIT="3 per minute").test_client()
    assert [client.get("/api/media/list").status_code for _ in range(3)] == [200] * 3

    refused = client.get("/api/media/list")

    assert refused.status_code == 429
    assert refused.get_json()["code"] == "rate_limited"


def test_without_an_api_limit_the_media_api_is_never_refused(limited):
    client = limited().test_client()  # API_RATE_LIMIT None (tests/conftest.py)

    assert {client.get("/api/media/list").status_code for _ in range(30)} == {200}


def test_sign_in_and_import_limits_hold_while_the_api_limit_is_unset(limited):
    client = limited(AUTH_RATE_LIMIT="2 per minute", IMPORT_RATE_LIMIT="1 per minute")
    client = client.test_client()
    guesses = [guess(client, "api-login").status_code for _ in range(3)]
    imports = [_import_api(client, n).status_code for n in range(2)]

    assert guesses == [401, 401, 429]
    assert imports == [200, 429]


def test_only_views_whose_one_limit_is_the_api_limit_are_skipped(app):
    """The bookkeeping no_limit_applies() reads agrees with Flask-Limiter's own registry: a
    view it would skip has exactly one route limit, the API's."""
    from mediaapp.limits import API_ONLY_CANDIDATES, OTHERWISE_LIMITED

    skipped = API_ONLY_CANDIDATES - OTHERWISE_LIMITED
    with app.app_context():
        counts = {name: len(list(limiter.limit_manager.decorated_limits(name))) for name in skipped}
        others = {
            n: len(list(limiter.limit_manager.decorated_limits(n))) for n in OTHERWISE_LIMITED
        }
    assert "mediaapp.api.media.list_media.list_media" in skipped
    assert "mediaapp.api.transfer.import_media.import_media" not in skipped
    assert set(counts.values()) == {1}
    assert all(count >= 1 for count in others.values())


def test_no_limit_applies_to_the_media_list_only_while_the_api_limit_is_unset(make_app):
    from mediaapp.limits import no_limit_applies

    unlimited, limited_app = make_app(), make_app(API_RATE_LIMIT="5 per minute")
    with unlimited.test_request_context("/api/media/list"):
        assert no_limit_applies()
    with unlimited.test_request_context("/api/auth/login", method="POST"):
        assert not no_limit_applies()
    with unlimited.test_request_context("/api/media/import", method="POST"):
        assert not no_limit_applies()
    with limited_app.test_request_context("/api/media/list"):
        assert not no_limit_applies()
