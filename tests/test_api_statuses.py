"""Every error status the document gives an operation really happens, and no other does.

The operations come from the document itself, so a new route is covered here as soon as it
is declared; the request tables must name every operation, so one cannot be left out.
"""

import json
import tempfile
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from mediaapp import create_app
from mediaapp.api import transfer
from mediaapp.api.openapi import build_spec
from mediaapp.extensions import limiter
from mediaapp.services import ingest
from mediaapp.services import shares as share_service
from tests.conftest import BASE_CONFIG, image_payload
from tests.helpers import delete_account_meanwhile
from tests.test_outage import _set_connections, outage_app  # noqa: F401  (fixture)

UNSAFE = {"post", "put", "patch", "delete"}
EXPORT = ("get", "/api/media/export")
CREDS = {"email": "statuses@example.com", "password": "long-enough-pw"}
_PASSWORD = {"password": CREDS["password"]}


def _document() -> dict:
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        return build_spec()


DOCUMENT = _document()
# A real PNG to upload (a path, since the test client reads it afresh for every request).
UPLOAD = Path(tempfile.mkdtemp()) / "fox.png"
Image.new("RGB", (8, 8), (200, 80, 40)).save(UPLOAD, "PNG")
OPERATIONS = {
    (method, path): set(map(int, operation["responses"]))
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
}


def _url(path: str) -> str:
    some_id = str(uuid.uuid4())
    return (
        path.replace("{media_id}", some_id)
        .replace("{share_id}", some_id)
        .replace("{key_id}", some_id)
        .replace("{collection_id}", some_id)
        .replace("{endpoint_id}", some_id)
        .replace("{token}", "t")
    )


# A request each operation accepts as far as validation goes, so it reaches its service.
VALID = {
    ("post", "/api/media/save"): {"json": image_payload()},
    ("post", "/api/media/upload"): {
        "data": {"file": (str(UPLOAD), "fox.png"), "metadata": json.dumps(image_payload())},
        "content_type": "multipart/form-data",
    },
    # An unknown collection: the list's only 404.
    ("get", "/api/media/list"): {"query_string": {"collection": str(uuid.uuid4())}},
    ("get", "/api/media/models"): {},
    ("get", "/api/media/{media_id}/file"): {},
    ("get", "/api/media/{media_id}/thumbnail"): {},
    ("get", "/api/shared/{token}/file"): {},
    ("get", "/api/shared/{token}/thumbnail"): {},
    ("delete", "/api/media/delete"): {"json": {"id": str(uuid.uuid4())}},
    ("get", "/api/media/{media_id}"): {},
    ("patch", "/api/media/{media_id}"): {"json": {"favorite": True}},
    ("delete", "/api/media/{media_id}"): {},
    ("post", "/api/media/{media_id}/restore"): {},
    ("post", "/api/media/{media_id}/share"): {},
    ("get", "/api/media/trash"): {},
    ("post", "/api/media/trash/empty"): {},
    ("post", "/api/media/bulk"): {"json": {"action": "delete", "ids": [str(uuid.uuid4())]}},
    ("post", "/api/media/prune"): {"json": {"confirm": True}},
    ("get", "/api/media/export"): {},
    ("get", "/api/media/zip"): {},
    ("post", "/api/media/zip"): {"json": {"ids": [str(uuid.uuid4())]}},
    ("post", "/api/media/import"): {"json": {"items": [image_payload()]}},
    ("get", "/api/media/stats"): {},
    ("get", "/api/shares"): {},
    ("delete", "/api/shares/{share_id}"): {},
    ("post", "/api/shares/revoke"): {"json": {"ids": [str(uuid.uuid4())]}},
    ("get", "/api/shared/{token}"): {},
    ("post", "/api/shared/{token}/unlock"): {"json": {"password": "not it"}},
    ("post", "/api/collections/{collection_id}/share"): {},
    ("get", "/api/shared/{token}/items"): {},
    ("get", "/api/shared/{token}/items/{media_id}"): {},
    ("get", "/api/shared/{token}/items/{media_id}/file"): {},
    ("get", "/api/shared/{token}/items/{media_id}/thumbnail"): {},
    ("post", "/api/auth/register"): {"json": CREDS},
    ("post", "/api/auth/login"): {"json": {**CREDS, "email": "nobody@example.com"}},
    ("get", "/api/auth/me"): {},
    ("post", "/api/auth/logout"): {},
    ("post", "/api/auth/logout-everywhere"): {},
    ("post", "/api/auth/email"): {"json": {"email": "new@example.com", "password": "whatever"}},
    ("post", "/api/auth/password"): {
        "json": {"currentPassword": CREDS["password"], "newPassword": "another fine passphrase"}
    },
    ("delete", "/api/auth/account"): {"json": {"password": CREDS["password"]}},
    ("post", "/api/auth/start-over"): {},
    ("get", "/api/openapi.json"): {},
    ("post", "/api/keys"): {"json": {"name": "worker", "scopes": ["read"]}},
    ("get", "/api/keys"): {},
    ("delete", "/api/keys/{key_id}"): {},
    ("get", "/api/collections"): {},
    ("post", "/api/collections"): {"json": {"name": "Statuses"}},
    ("get", "/api/collections/{collection_id}"): {},
    ("patch", "/api/collections/{collection_id}"): {"json": {"name": "Renamed"}},
    ("delete", "/api/collections/{collection_id}"): {},
    ("post", "/api/collections/{collection_id}/items"): {"json": {"ids": [str(uuid.uuid4())]}},
    ("post", "/api/collections/{collection_id}/items/remove"): {
        "json": {"ids": [str(uuid.uuid4())]}
    },
    ("get", "/api/media/{media_id}/collections"): {},
    ("post", "/api/ingest-endpoints"): {"json": {"label": "statuses"}},
    ("get", "/api/ingest-endpoints"): {},
    ("delete", "/api/ingest-endpoints/{endpoint_id}"): {},
    # No endpoint has this name: the callback's 404 (nothing is verified or written).
    ("post", "/api/ingest/{name}"): {"url": "/api/ingest/no-such-endpoint", "json": {}},
}

# Input each operation that documents 400 refuses.
INVALID = {
    ("post", "/api/media/save"): {"json": image_payload(url="javascript:alert(1)")},
    ("post", "/api/media/upload"): {
        "data": {"file": (str(UPLOAD), "fox.png"), "metadata": "[]"},
        "content_type": "multipart/form-data",
    },
    ("get", "/api/media/list"): {"query_string": {"limit": 0}},
    ("delete", "/api/media/delete"): {"json": {"id": "nope"}},
    ("patch", "/api/media/{media_id}"): {"json": {"favorite": "yes"}},
    ("delete", "/api/media/{media_id}"): {"query_string": {"permanent": "maybe"}},
    ("post", "/api/media/{media_id}/share"): {"json": {"expiresInDays": 0}},
    ("post", "/api/shares/revoke"): {"json": {"ids": []}},
    ("post", "/api/shared/{token}/unlock"): {"json": {}},
    ("post", "/api/collections/{collection_id}/share"): {"json": {"expiresInDays": 0}},
    ("get", "/api/shared/{token}/items"): {"query_string": {"limit": 0}},
    ("get", "/api/media/trash"): {"query_string": {"limit": 101}},
    ("post", "/api/media/bulk"): {"json": {"action": "explode", "ids": []}},
    ("post", "/api/media/prune"): {"json": {"confirm": False}},
    ("post", "/api/media/import"): {"json": {"items": []}},
    ("get", "/api/media/zip"): {"query_string": {"part": 0}},
    ("post", "/api/media/zip"): {"json": {"ids": []}},
    ("post", "/api/auth/register"): {"json": {**CREDS, "password": "short"}},
    ("post", "/api/auth/login"): {"json": {"email": "not-an-email", "password": "x"}},
    ("post", "/api/auth/email"): {"json": {"email": "not-an-email", "password": "x"}},
    ("post", "/api/auth/password"): {"json": {"currentPassword": "x", "newPassword": "12345678"}},
    ("delete", "/api/auth/account"): {"json": {}},
    ("post", "/api/keys"): {"json": {"name": "", "scopes": ["everything"]}},
    ("post", "/api/collections"): {"json": {"name": "   "}},
    ("patch", "/api/collections/{collection_id}"): {"json": {}},
    ("post", "/api/collections/{collection_id}/items"): {"json": {"ids": []}},
    ("post", "/api/collections/{collection_id}/items/remove"): {
        "json": {"ids": [str(uuid.uuid4())] * 501}
    },
    ("post", "/api/ingest-endpoints"): {"json": {"label": ""}},
    ("post", "/api/ingest/{name}"): {"url": "/api/ingest/Not_A_Name", "json": {}},
}
# Operations an API key may call (x-scope one of the key scopes), and those that refuse keys.
KEYED = {
    (method, path)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if operation["x-scope"] in ("read", "write", "delete", "share")
}
SESSION_ONLY = {
    (method, path)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if operation["x-scope"] == "session"
}
# Keyed operations whose only rate limit is the key's own (the cookie's requests to them are
# never limited): tests/test_api_keys.py proves their 429 with a limited key.
LIMITED_BY_KEY_ONLY = {
    ("get", "/api/auth/me"),
    ("get", "/api/media/{media_id}/file"),
    ("get", "/api/media/{media_id}/thumbnail"),
}
# Operations that act on the signed-in account itself: a visitor gets 401 before anything else.
ACCOUNT_KEYS = {("post", "/api/keys"), ("get", "/api/keys"), ("delete", "/api/keys/{key_id}")}


def _send(client, method: str, path: str, **kwargs):
    url = kwargs.pop("url", None) or _url(path)
    return client.open(url, method=method.upper(), **kwargs)


def test_the_request_tables_name_every_operation():
    documenting_400 = {key for key, statuses in OPERATIONS.items() if 400 in statuses}

    assert set(VALID) == set(OPERATIONS)
    assert set(INVALID) == documenting_400


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_a_cross_site_request_is_refused_exactly_where_documented(client, method, path):
    response = _send(client, method, path, headers={"Origin": "https://evil.example"})

    # 403 is documented elsewhere too: a key without the scope (tests/test_api_keys.py).
    assert (response.status_code == 403) is (method in UNSAFE)
    assert method not in UNSAFE or 403 in OPERATIONS[method, path]
    if response.status_code == 403:
        assert response.get_json()["code"] == "cross_site_refused"


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_a_body_that_is_not_json_is_refused_exactly_where_documented(client, method, path):
    response = _send(client, method, path, data="id=1", content_type="text/plain")

    assert (response.status_code == 415) is (415 in OPERATIONS[method, path])


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_a_body_too_large_is_refused_exactly_where_documented(make_app, monkeypatch, method, path):
    monkeypatch.setattr(transfer, "IMPORT_MAX_BYTES", 64)
    # An upload's limit is its own (the larger type cap plus the normal body limit).
    client = make_app(MAX_CONTENT_LENGTH=64, MAX_IMAGE_BYTES=16, MAX_VIDEO_BYTES=16).test_client()

    response = _send(client, method, path, json={"pad": "x" * 100})

    assert (response.status_code == 413) is (413 in OPERATIONS[method, path])


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_rate_limits_apply_exactly_where_documented(make_app, method, path):
    app = make_app(API_RATE_LIMIT="1 per minute", AUTH_RATE_LIMIT="1 per minute")
    limiter.reset()
    client = app.test_client()
    _send(client, method, path, **VALID[method, path])

    response = _send(client, method, path, **VALID[method, path])

    limiter.reset()
    limited = 429 in OPERATIONS[method, path] and (method, path) not in LIMITED_BY_KEY_ONLY
    assert (response.status_code == 429) is limited
    if response.status_code == 429:
        assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(("method", "path"), sorted(INVALID))
def test_invalid_input_answers_400_where_documented(client, method, path):
    response = _send(client, method, path, **INVALID[method, path])

    assert response.status_code == 400
    assert response.get_json()["details"]


@pytest.mark.parametrize(("method", "path"), sorted(OPERATIONS))
def test_an_unknown_id_answers_404_exactly_where_documented(client, method, path):
    if (method, path) in ACCOUNT_KEYS:
        _signed_in(None, client, None)

    response = _send(client, method, path, **VALID[method, path])

    assert (response.status_code == 404) is (404 in OPERATIONS[method, path])


@pytest.mark.postgresql_only
@pytest.mark.parametrize("who", ["account", "guest", "anonymous"])
def test_a_database_outage_answers_503_exactly_where_documented(outage_app, who):  # noqa: F811
    """As an account, as a guest who owns items, and as a first-time visitor (whose guest
    identity is minted in the database)."""
    app, url = outage_app
    client = app.test_client()
    if who == "account":
        client.post("/api/auth/register", json={**CREDS, "email": "in@example.com"})
    elif who == "guest":
        client.post("/api/media/save", json=image_payload())
    order = sorted(OPERATIONS, key=lambda key: key == ("post", "/api/auth/logout"))

    _set_connections(url, False)
    answers = {}
    for method, path in order:
        visitor = app.test_client() if who == "anonymous" else client
        response = _send(visitor, method, path, **VALID[method, path])
        answers[method, path] = response.status_code
        response.close()  # export streams: an outage ends its body, it never answers 503
    _set_connections(url, True)

    answered_503 = {key for key, status in answers.items() if status == 503}
    documented_503 = {key for key, statuses in OPERATIONS.items() if 503 in statuses}
    assert answered_503 <= documented_503
    assert documented_503 - answered_503 == NEEDS_NO_DATABASE[who], answers


# Operations that document 503 but that this caller answers without the database: an
# account's session is looked up in the database on every request, but a guest has no
# session to look up, so the routes that act on an account answer 401 (and logout and me
# answer at once); a first-time visitor has no guest to start over from either.
_ACCOUNT_ROUTES = {
    ("get", "/api/auth/me"),
    ("post", "/api/auth/logout"),
    ("post", "/api/auth/logout-everywhere"),
    ("post", "/api/auth/email"),
    ("post", "/api/auth/password"),
    ("delete", "/api/auth/account"),
}
NEEDS_NO_DATABASE = {
    "account": set(),
    "guest": _ACCOUNT_ROUTES | ACCOUNT_KEYS,
    "anonymous": _ACCOUNT_ROUTES | ACCOUNT_KEYS | {("post", "/api/auth/start-over")},
}


# --- the statuses that need a particular state: 401 and 409 -------------------------------


def _account_deleted_meanwhile(app, client, monkeypatch) -> None:
    delete_account_meanwhile(app, client, monkeypatch, "gone@example.com")


def _signed_in(app, client, monkeypatch) -> None:
    client.post("/api/auth/register", json={**CREDS, "email": "in@example.com"})


def _signed_in_and_email_taken(app, client, monkeypatch) -> None:
    _email_taken(app, client, monkeypatch)
    _signed_in(app, client, monkeypatch)


def _request_id_in_the_trash(app, client, monkeypatch) -> None:
    saved = client.post("/api/media/save", json=image_payload(requestId="trashed-request"))
    client.delete(f"/api/media/{saved.get_json()['data']['id']}")


def _email_taken(app, client, monkeypatch) -> None:
    app.test_client().post("/api/auth/register", json=CREDS)


def _signed_in_with_no_room_for_keys(app, client, monkeypatch) -> None:
    from mediaapp.services import keys

    _signed_in(app, client, monkeypatch)
    monkeypatch.setattr(keys, "MAX_KEYS", 0)


def _protected_link_t(app, client, monkeypatch) -> None:
    """A link with a password whose token is "t" (what _url puts in {token})."""
    monkeypatch.setattr(share_service, "secrets", SimpleNamespace(token_urlsafe=lambda n: "t"))
    saved = client.post("/api/media/save", json=image_payload())
    media_id = saved.get_json()["data"]["id"]
    client.post(f"/api/media/{media_id}/share", json={"password": "the password"})


def _upload_request(request_id: str | None = None) -> dict:
    metadata = image_payload(**({"requestId": request_id} if request_id else {}))
    return {
        "data": {"file": (str(UPLOAD), "fox.png"), "metadata": json.dumps(metadata)},
        "content_type": "multipart/form-data",
    }


# One collection of each kind, made before the request, at fixed ids' places in the URL.
_COLLECTIONS: dict[str, str] = {}


def _collections_made(app, client, monkeypatch) -> None:
    made = client.post("/api/collections", json={"name": "Taken"}).get_json()["data"]
    smart = client.post("/api/collections", json={"name": "Smart", "search": {"q": "fox"}})
    _COLLECTIONS.update(manual=made["id"], smart=smart.get_json()["data"]["id"])


class _InCollection(dict):
    """A request table whose URL names the collection _collections_made made (by kind)."""

    def __init__(self, key, kind: str, **request):
        super().__init__()
        self.key, self.kind, self.request = key, kind, request

    def __getitem__(self, key):
        url = "/api" + self.key[1].removeprefix("/api").replace(
            "{collection_id}", _COLLECTIONS[self.kind]
        )
        return {"url": url, **self.request}


_PATCH = ("patch", "/api/collections/{collection_id}")
_ADD = ("post", "/api/collections/{collection_id}/items")
_REMOVE = ("post", "/api/collections/{collection_id}/items/remove")
_SOME_IDS = {"json": {"ids": [str(uuid.uuid4())]}}

STATUSES_ENDPOINT = "statuses-" + "0" * 24


def _endpoints_full(app, client, monkeypatch) -> None:
    _signed_in(app, client, monkeypatch)
    for n in range(ingest.MAX_ENDPOINTS):
        client.post("/api/ingest-endpoints", json={"label": f"e{n}"})


def _endpoint_named_statuses(app, client, monkeypatch) -> None:
    """An endpoint whose name is known; the request then carries no signature."""
    _signed_in(app, client, monkeypatch)
    monkeypatch.setattr(ingest.secrets, "token_hex", lambda n: "0" * 2 * n)
    client.post("/api/ingest-endpoints", json={"label": "statuses"})


# (operation, status): (the state that makes it happen, the request, the code it answers)
STATEFUL_ERRORS = {
    (("post", "/api/media/save"), 401): (_account_deleted_meanwhile, VALID, "unauthorized"),
    (("post", "/api/media/upload"), 401): (_account_deleted_meanwhile, VALID, "unauthorized"),
    (("post", "/api/media/import"), 401): (_account_deleted_meanwhile, VALID, "unauthorized"),
    (("post", "/api/auth/login"), 401): (None, VALID, "invalid_credentials"),
    (("post", "/api/media/save"), 409): (
        _request_id_in_the_trash,
        {("post", "/api/media/save"): {"json": image_payload(requestId="trashed-request")}},
        "in_trash",
    ),
    (("post", "/api/media/upload"), 409): (
        _request_id_in_the_trash,
        {("post", "/api/media/upload"): _upload_request("trashed-request")},
        "in_trash",
    ),
    (("post", "/api/auth/register"), 409): (_email_taken, VALID, "email_taken"),
    (("post", "/api/auth/logout-everywhere"), 401): (None, VALID, "not_signed_in"),
    (("post", "/api/auth/email"), 401): (None, VALID, "not_signed_in"),
    (("post", "/api/auth/password"), 401): (None, VALID, "not_signed_in"),
    (("delete", "/api/auth/account"), 401): (None, VALID, "not_signed_in"),
    (("post", "/api/auth/email"), 409): (
        _signed_in_and_email_taken,
        {("post", "/api/auth/email"): {"json": {"email": CREDS["email"], **_PASSWORD}}},
        "email_taken",
    ),
    (("post", "/api/auth/start-over"), 409): (_signed_in, VALID, "signed_in"),
    (("post", "/api/ingest-endpoints"), 401): (None, VALID, "not_signed_in"),
    (("post", "/api/ingest-endpoints"), 409): (_endpoints_full, VALID, "too_many_endpoints"),
    (("post", "/api/ingest/{name}"), 401): (
        _endpoint_named_statuses,
        {("post", "/api/ingest/{name}"): {"url": f"/api/ingest/{STATUSES_ENDPOINT}", "json": {}}},
        "invalid_signature",
    ),
    (("post", "/api/keys"), 401): (None, VALID, "not_signed_in"),
    (("get", "/api/keys"), 401): (None, VALID, "not_signed_in"),
    (("delete", "/api/keys/{key_id}"), 401): (None, VALID, "not_signed_in"),
    (("post", "/api/keys"), 409): (_signed_in_with_no_room_for_keys, VALID, "too_many_keys"),
    (("get", "/api/shared/{token}"), 401): (_protected_link_t, VALID, "password_required"),
    (("get", "/api/shared/{token}/file"), 401): (_protected_link_t, VALID, "password_required"),
    (("get", "/api/shared/{token}/thumbnail"), 401): (
        _protected_link_t,
        VALID,
        "password_required",
    ),
    (("post", "/api/shared/{token}/unlock"), 401): (_protected_link_t, VALID, "wrong_password"),
    (("get", "/api/shared/{token}/items"), 401): (_protected_link_t, VALID, "password_required"),
    **{
        (("get", f"/api/shared/{{token}}/items/{{media_id}}{suffix}"), 401): (
            _protected_link_t,
            VALID,
            "password_required",
        )
        for suffix in ("", "/file", "/thumbnail")
    },
    (("post", "/api/collections"), 409): (
        _collections_made,
        {("post", "/api/collections"): {"json": {"name": "TAKEN"}}},
        "name_taken",
    ),
    (_PATCH, 409): (
        _collections_made,
        _InCollection(_PATCH, "manual", json={"search": {"q": "owl"}}),
        "not_smart",
    ),
    (_ADD, 409): (_collections_made, _InCollection(_ADD, "smart", **_SOME_IDS), "smart_collection"),
    (_REMOVE, 409): (
        _collections_made,
        _InCollection(_REMOVE, "smart", **_SOME_IDS),
        "smart_collection",
    ),
}


def test_the_stateful_table_names_every_documented_401_and_409():
    documented = {
        (key, status) for key, statuses in OPERATIONS.items() for status in statuses & {401, 409}
    }
    # Every keyed operation answers 401 to a bad key (tests/test_api_keys.py proves it).
    by_key = {(key, 401) for key in KEYED}

    assert set(STATEFUL_ERRORS) | by_key == documented


@pytest.mark.parametrize(
    ("key", "status"), sorted(STATEFUL_ERRORS), ids=lambda v: str(v).replace(" ", "")
)
def test_each_documented_401_and_409_happens(app, client, monkeypatch, key, status):
    arrange, requests, code = STATEFUL_ERRORS[key, status]
    if arrange is not None:
        arrange(app, client, monkeypatch)
    if key == ("post", "/api/media/upload") and status == 401:
        requests = {key: _upload_request()}

    response = _send(client, *key, **requests[key])

    assert response.status_code == status
    assert response.get_json()["code"] == code
