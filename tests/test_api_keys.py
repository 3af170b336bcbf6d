"""API keys: made by a signed-in account, shown once, kept as digests; `Authorization: Bearer`
acts for the account within the key's scopes, until revoked or expired."""

import logging
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db, limiter
from mediaapp.models import ApiKey, utcnow
from tests.conftest import image_payload
from tests.test_api_statuses import KEYED, SESSION_ONLY, VALID, _send

PASSWORD = "a long enough passphrase"


def sign_up(client, email: str = "keys@example.com"):
    response = client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201
    return response.get_json()["data"]["user"]


def create_key(client, scopes=("all",), **options) -> dict:
    response = client.post("/api/keys", json={"name": "worker", "scopes": list(scopes), **options})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def account(client):
    """A signed-in client with an account."""
    sign_up(client)
    return client


@pytest.fixture
def machine(app):
    """A client with no cookie: a generator's backend."""
    return app.test_client()


def test_a_new_key_is_answered_once_and_the_list_never_shows_it(account):
    created = create_key(account, ["read", "write"])

    listed = account.get("/api/keys").get_json()["data"]

    assert created["key"].startswith("mak_")
    assert created["scopes"] == ["read", "write"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0]
    assert created["key"] not in account.get("/api/keys").get_data(as_text=True)


def test_the_database_keeps_only_the_keys_digest(app, account):
    created = create_key(account)

    with app.app_context():
        stored = db.session.execute(sa.text("SELECT * FROM api_keys")).mappings().one()

    assert created["key"] not in {str(value) for value in stored.values()}
    assert len(stored["digest"]) == 64


def test_a_guest_cannot_make_a_key(client):
    client.post("/api/media/save", json=image_payload())

    response = client.post("/api/keys", json={"name": "worker", "scopes": ["read"]})

    assert response.status_code == 401
    assert response.get_json()["code"] == "not_signed_in"


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "scopes": ["read"]},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": ["admin"]},
        {"name": "x", "scopes": ["read"], "expiresInDays": 0},
        {"name": "x", "scopes": ["read"], "rateLimit": "lots"},
        {"name": "x", "scopes": ["read"], "rateLimit": "1/second;5/minute"},
    ],
)
def test_a_key_with_bad_options_is_refused_and_none_is_made(account, body):
    response = account.post("/api/keys", json=body)

    assert response.status_code == 400
    assert account.get("/api/keys").get_json()["data"] == []


def test_a_write_key_saves_into_its_account(account, machine):
    user = account.get("/api/auth/me").get_json()["data"]["user"]
    key = create_key(account, ["write"])["key"]

    response = machine.post("/api/media/save", json=image_payload(), headers=bearer(key))

    assert response.status_code == 201
    assert response.get_json()["data"]["userId"] == user["id"]
    assert [m["userId"] for m in account.get("/api/media/list").get_json()["data"]] == [user["id"]]


def test_a_read_key_cannot_save(account, machine):
    key = create_key(account, ["read"])["key"]

    response = machine.post("/api/media/save", json=image_payload(), headers=bearer(key))

    assert response.status_code == 403
    assert response.get_json()["code"] == "insufficient_scope"
    assert account.get("/api/media/list").get_json()["data"] == []


def test_a_read_key_lists_the_accounts_history(account, machine):
    saved = account.post("/api/media/save", json=image_payload()).get_json()["data"]
    key = create_key(account, ["read"])["key"]

    response = machine.get("/api/media/list", headers=bearer(key))

    assert [m["id"] for m in response.get_json()["data"]] == [saved["id"]]


def test_me_with_a_key_names_its_account(account, machine):
    user = account.get("/api/auth/me").get_json()["data"]["user"]
    key = create_key(account, ["read"])["key"]

    response = machine.get("/api/auth/me", headers=bearer(key))

    assert response.get_json()["data"]["user"] == user


@pytest.mark.parametrize(("method", "path"), sorted(KEYED))
def test_an_unknown_key_answers_401_on_every_keyed_operation(machine, method, path):
    forged = f"mak_{uuid.uuid4().hex}_{'A' * 43}"

    response = _send(machine, method, path, headers=bearer(forged), **VALID[method, path])

    assert response.status_code == 401
    assert response.get_json()["code"] == "invalid_api_key"


@pytest.mark.parametrize(("method", "path"), sorted(KEYED))
def test_a_key_without_the_scope_answers_403_on_every_keyed_operation(
    app, account, machine, method, path
):
    needed = app.test_client().get("/api/openapi.json").get_json()["paths"][path][method]
    other = "write" if needed["x-scope"] == "read" else "read"
    key = create_key(account, [other])["key"]

    response = _send(machine, method, path, headers=bearer(key), **VALID[method, path])

    assert response.status_code == 403
    assert response.get_json()["code"] == "insufficient_scope"


@pytest.mark.parametrize(("method", "path"), sorted(KEYED))
def test_a_keys_own_rate_limit_applies_on_every_keyed_operation(account, machine, method, path):
    limiter.reset()
    key = create_key(account, ["all"], rateLimit="1 per minute")["key"]
    _send(machine, method, path, headers=bearer(key), **VALID[method, path])

    response = _send(machine, method, path, headers=bearer(key), **VALID[method, path])

    limiter.reset()
    assert response.status_code == 429
    assert response.get_json()["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(("method", "path"), sorted(SESSION_ONLY))
def test_a_key_is_refused_where_a_session_is_needed(account, machine, method, path):
    key = create_key(account)["key"]

    response = _send(machine, method, path, headers=bearer(key), **VALID[method, path])

    assert response.status_code == 403
    assert response.get_json()["code"] == "session_required"


def test_one_keys_limit_leaves_another_key_alone(account, machine):
    limiter.reset()
    limited = create_key(account, ["read"], rateLimit="1 per minute")["key"]
    free = create_key(account, ["read"])["key"]
    machine.get("/api/media/list", headers=bearer(limited))

    answers = [
        machine.get("/api/media/list", headers=bearer(k)).status_code for k in (limited, free)
    ]

    limiter.reset()
    assert answers == [429, 200]


def test_revoking_a_key_refuses_its_next_request(account, machine):
    created = create_key(account, ["read"])
    assert machine.get("/api/media/list", headers=bearer(created["key"])).status_code == 200
    account.delete(f"/api/keys/{created['id']}")

    response = machine.get("/api/media/list", headers=bearer(created["key"]))

    assert response.status_code == 401
    assert response.get_json()["code"] == "api_key_revoked"


def test_the_list_shows_a_revoked_key_as_revoked(account):
    created = create_key(account, ["read"])
    account.delete(f"/api/keys/{created['id']}")

    listed = account.get("/api/keys").get_json()["data"]

    assert listed[0]["revokedAt"] is not None


def test_an_expired_key_is_refused(app, account, machine):
    created = create_key(account, ["read"], expiresInDays=1)
    with app.app_context():
        db.session.execute(sa.update(ApiKey).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()

    response = machine.get("/api/media/list", headers=bearer(created["key"]))

    assert response.status_code == 401
    assert response.get_json()["code"] == "api_key_expired"


def test_a_key_that_has_not_expired_yet_works(account, machine):
    created = create_key(account, ["read"], expiresInDays=30)

    response = machine.get("/api/media/list", headers=bearer(created["key"]))

    assert response.status_code == 200
    assert created["expiresAt"] is not None


def _last_used(account) -> str | None:
    return account.get("/api/keys").get_json()["data"][0]["lastUsedAt"]


def test_the_list_shows_when_a_key_was_first_used(account, machine):
    created = create_key(account, ["read"])
    assert _last_used(account) is None

    machine.get("/api/media/list", headers=bearer(created["key"]))

    assert _last_used(account) is not None


def test_last_use_is_written_at_most_once_a_minute(app, account, machine):
    created = create_key(account, ["read"])
    recent = utcnow() - timedelta(seconds=30)
    with app.app_context():
        db.session.execute(sa.update(ApiKey).values(last_used_at=recent))
        db.session.commit()
    before = _last_used(account)

    machine.get("/api/media/list", headers=bearer(created["key"]))

    assert _last_used(account) == before


def test_last_use_moves_on_after_a_minute(app, account, machine):
    created = create_key(account, ["read"])
    with app.app_context():
        db.session.execute(sa.update(ApiKey).values(last_used_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    before = _last_used(account)

    machine.get("/api/media/list", headers=bearer(created["key"]))

    assert _last_used(account) > before


def test_a_key_never_reaches_another_accounts_media(app, account, machine):
    other = app.test_client()
    sign_up(other, "other@example.com")
    theirs = other.post("/api/media/save", json=image_payload()).get_json()["data"]
    key = create_key(account)["key"]

    answers = [
        machine.get(f"/api/media/{theirs['id']}", headers=bearer(key)).status_code,
        machine.delete(f"/api/media/{theirs['id']}", headers=bearer(key)).status_code,
        machine.post(f"/api/media/{theirs['id']}/share", headers=bearer(key)).status_code,
    ]

    assert answers == [404, 404, 404]
    assert other.get(f"/api/media/{theirs['id']}").status_code == 200


def test_revoking_another_accounts_key_answers_404(app, account):
    other = app.test_client()
    sign_up(other, "other@example.com")
    theirs = create_key(other)

    response = account.delete(f"/api/keys/{theirs['id']}")

    assert response.status_code == 404
    assert other.get("/api/keys").get_json()["data"][0]["revokedAt"] is None


def test_a_key_from_another_origin_may_write_without_a_cookie(account, machine):
    key = create_key(account, ["write"])["key"]
    cross_site = {"Origin": "https://generator.example", "Sec-Fetch-Site": "cross-site"}

    response = machine.post(
        "/api/media/save", json=image_payload(), headers={**cross_site, **bearer(key)}
    )

    assert response.status_code == 201


def test_a_key_with_the_cookie_from_another_origin_is_refused(account):
    key = create_key(account, ["write"])["key"]
    cross_site = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}

    response = account.post(
        "/api/media/save", json=image_payload(), headers={**cross_site, **bearer(key)}
    )

    assert response.status_code == 403
    assert response.get_json()["code"] == "cross_site_refused"


def test_a_key_request_sets_no_cookie_and_mints_no_guest(app, account, machine):
    key = create_key(account)["key"]

    responses = [
        machine.get("/api/media/list", headers=bearer(key)),
        machine.post("/api/media/save", json=image_payload(), headers=bearer(key)),
        machine.get(f"/api/media/{uuid.uuid4()}", headers=bearer(key)),
    ]

    assert [r.headers.get("Set-Cookie") for r in responses] == [None, None, None]
    with app.app_context():
        assert db.session.execute(sa.text("SELECT count(*) FROM guests")).scalar() == 0


def test_a_bad_key_mints_no_guest_either(app, machine):
    response = machine.post("/api/media/save", json=image_payload(), headers=bearer("mak_nonsense"))

    assert response.status_code == 401
    assert response.headers.get("Set-Cookie") is None
    with app.app_context():
        assert db.session.execute(sa.text("SELECT count(*) FROM guests")).scalar() == 0


def test_keys_are_never_logged_nor_echoed(account, machine, caplog):
    created = create_key(account, ["read"])
    key = created["key"]
    caplog.set_level(logging.DEBUG)

    answers = [
        machine.get("/api/media/list", headers=bearer(key)),
        machine.post("/api/media/save", json=image_payload(), headers=bearer(key)),
        machine.get("/api/media/list", headers=bearer(key + "x")),
        machine.get("/api/keys", headers=bearer(key)),
        account.get("/api/keys"),
    ]
    account.delete(f"/api/keys/{created['id']}")
    answers.append(machine.get("/api/media/list", headers=bearer(key)))

    assert [a.status_code for a in answers] == [200, 403, 401, 403, 200, 401]
    assert caplog.records  # the request lines were written
    assert key not in caplog.text
    assert key[4:] not in caplog.text
    assert not any(key in a.get_data(as_text=True) for a in answers)


def test_deleting_the_account_removes_its_keys(app, account, machine):
    key = create_key(account)["key"]

    account.delete("/api/auth/account", json={"password": PASSWORD})

    assert machine.get("/api/media/list", headers=bearer(key)).status_code == 401
    with app.app_context():
        assert db.session.execute(sa.text("SELECT count(*) FROM api_keys")).scalar() == 0


def test_other_authorization_schemes_are_not_keys(machine):
    response = machine.get("/api/media/list", headers={"Authorization": "Basic dXNlcjpwdw=="})

    assert response.status_code == 200


def test_the_document_names_the_bearer_scheme_and_each_operations_scope(client):
    document = client.get("/api/openapi.json").get_json()

    scheme = document["components"]["securitySchemes"]["apiKey"]
    scopes = {op["x-scope"] for item in document["paths"].values() for op in item.values()}
    save = document["paths"]["/api/media/save"]["post"]

    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert scopes == {"read", "write", "delete", "share", "session", "public"}
    assert save["x-scope"] == "write"
    assert {"apiKey": []} in save["security"]
    assert document["paths"]["/api/keys"]["post"]["security"] == [{"session": []}]


def test_a_public_operation_ignores_the_key_and_keeps_its_session(app, account, machine):
    key = create_key(account, ["read"])["key"]
    saved = account.post("/api/media/save", json=image_payload()).get_json()["data"]
    link = account.post(
        f"/api/media/{saved['id']}/share", json={"password": "open sesame"}
    ).get_json()["data"]

    unlocked = machine.post(
        f"/api/shared/{link['token']}/unlock", json={"password": "open sesame"}, headers=bearer(key)
    )
    opened = machine.get(f"/api/shared/{link['token']}")

    assert unlocked.status_code == 200
    assert "Set-Cookie" in unlocked.headers
    assert opened.status_code == 200


def test_an_unexpected_failure_under_a_key_does_not_log_the_key(
    account, machine, monkeypatch, caplog
):
    from mediaapp.services import media

    key = create_key(account, ["read"])["key"]

    def broken(*args, **kwargs):
        raise RuntimeError("the list broke")

    monkeypatch.setattr(media, "list_media", broken)
    caplog.set_level(logging.DEBUG)

    response = machine.get("/api/media/list", headers=bearer(key))

    assert response.status_code == 500
    assert "the list broke" in caplog.text  # the traceback was logged ...
    assert key not in caplog.text  # ... without the key
    assert key[4:] not in caplog.text


def test_the_request_line_names_the_key_by_its_id(account, machine, caplog):
    created = create_key(account, ["read"])
    caplog.clear()

    machine.get("/api/media/list", headers=bearer(created["key"]))

    lines = [r for r in caplog.records if r.name == "mediaapp.request"]
    assert [(r.owner_kind, r.api_key_id) for r in lines] == [("user", created["id"])]
