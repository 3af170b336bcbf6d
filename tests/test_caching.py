"""Caching said out loud: private answers are not stored, share links say how long a proxy
may keep them, stored files keep a deliberate private lifetime, and the session cookie is
sent only when the session changed (while still expiring as configured)."""

import io
import json
import types
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import itsdangerous.timed
import pytest
from PIL import Image

from tests.conftest import image_payload, save
from tests.helpers import HTMX, saved_id

NO_STORE = "private, no-store"
SHARE = "public, max-age=60"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 90)).save(out, "PNG")
    return out.getvalue()


def upload(client) -> str:
    """An image whose file is stored at once; its id."""
    payload = image_payload()
    payload.pop("url")
    response = client.post(
        "/api/media/upload",
        data={"file": (io.BytesIO(png_bytes()), "fox.png"), "metadata": json.dumps(payload)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return saved_id(response)


def share_token(client, media_id: str) -> str:
    response = client.post(f"/api/media/{media_id}/share", json={})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]["token"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/media/list",
        "/api/media/stats",
        "/api/auth/me",
        "/api/media/00000000-0000-4000-8000-000000000000",
        "/",
        "/?type=image",
        "/trash",
        "/stats",
        "/login",
        "/no-such-page",
        "/healthz",
    ],
)
def test_private_answers_are_never_stored(client, path):
    save(client)

    response = client.get(path)

    assert response.headers["Cache-Control"] == NO_STORE


def test_a_gallery_fragment_for_htmx_is_never_stored(client):
    save(client)

    response = client.get("/?type=image", headers=HTMX)

    assert response.headers["Cache-Control"] == NO_STORE
    assert "HX-Request" in response.headers["Vary"]


def test_a_record_and_an_api_error_are_never_stored(client):
    media_id = saved_id(save(client))

    answers = [
        client.get(f"/api/media/{media_id}"),
        client.post("/api/media/save", data="x", content_type="text/plain"),
    ]

    assert [r.headers["Cache-Control"] for r in answers] == [NO_STORE, NO_STORE]


def test_an_owners_stored_file_keeps_a_private_year_long_lifetime(client):
    media_id = upload(client)

    responses = [
        client.get(f"/api/media/{media_id}/file"),
        client.get(f"/api/media/{media_id}/thumbnail"),
    ]

    assert [r.status_code for r in responses] == [200, 200]
    for response in responses:
        assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
        assert "Expires" not in response.headers


def test_an_unchanged_stored_file_answers_304_with_the_same_lifetime(client):
    media_id = upload(client)
    etag = client.get(f"/api/media/{media_id}/file").headers["ETag"]

    response = client.get(f"/api/media/{media_id}/file", headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"


def test_a_missing_file_answer_is_never_stored(client):
    response = client.get("/api/media/00000000-0000-4000-8000-000000000000/file")

    assert response.status_code == 404
    assert response.headers["Cache-Control"] == NO_STORE


def test_a_share_page_tells_shared_caches_how_long_to_keep_it(app, client):
    token = share_token(client, upload(client))

    response = app.test_client().get(f"/s/{token}")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == SHARE
    assert "Cookie" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("suffix", ["", "/file", "/thumbnail"])
def test_a_share_links_json_and_files_tell_shared_caches_how_long(app, client, suffix):
    token = share_token(client, upload(client))

    response = app.test_client().get(f"/api/shared/{token}{suffix}")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == SHARE
    assert "Expires" not in response.headers


def test_the_share_lifetime_follows_its_setting(make_app, app, client):
    token = share_token(client, upload(client))

    response = make_app(SHARE_CACHE_SECONDS=15).test_client().get(f"/api/shared/{token}")

    assert response.headers["Cache-Control"] == "public, max-age=15"


def test_a_share_page_seen_by_someone_with_a_session_is_private(client):
    token = share_token(client, upload(client))

    response = client.get(f"/s/{token}")  # the owner's own browser: its header is personal

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == NO_STORE


def test_a_revoked_links_answer_is_never_stored(app, client):
    media_id = upload(client)
    token = share_token(client, media_id)
    share_id = client.get("/api/shares").get_json()["data"][0]["id"]
    client.delete(f"/api/shares/{share_id}")

    response = app.test_client().get(f"/s/{token}")

    assert response.status_code == 404
    assert response.headers["Cache-Control"] == NO_STORE


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/css/app.css")

    assert response.headers.get("Cache-Control") != NO_STORE


def test_the_session_cookie_is_not_sent_again_when_nothing_changed(client):
    first = save(client)  # mints the guest
    client.get("/")  # the first page also keeps a CSRF token in the session

    later = [save(client), client.get("/api/media/list"), client.get("/"), client.get("/trash")]

    assert "Set-Cookie" in first.headers
    assert ["Set-Cookie" in r.headers for r in later] == [False, False, False, False]


def test_logging_in_sends_a_new_cookie(client):
    client.post("/api/auth/register", json={"email": "c@example.com", "password": "long enough 1"})
    client.post("/api/auth/logout")

    response = client.post(
        "/api/auth/login", json={"email": "c@example.com", "password": "long enough 1"}
    )

    assert response.status_code == 200
    assert "Set-Cookie" in response.headers


def test_the_cookie_expires_when_the_configured_lifetime_ends(make_app, app):
    client = make_app(PERMANENT_SESSION_LIFETIME=timedelta(days=2)).test_client()

    response = save(client)

    expires = parsedate_to_datetime(
        response.headers["Set-Cookie"].split("Expires=")[1].split(";")[0]
    )
    assert abs(expires - (datetime.now(UTC) + timedelta(days=2))) < timedelta(minutes=5)


def test_a_session_older_than_its_lifetime_is_refused_though_it_was_never_resent(
    make_app, app, monkeypatch
):
    client = make_app(PERMANENT_SESSION_LIFETIME=timedelta(days=2)).test_client()
    media_id = saved_id(save(client))
    assert client.get(f"/api/media/{media_id}").status_code == 200
    real_time = itsdangerous.timed.time.time
    later = types.SimpleNamespace(time=lambda: real_time() + 2 * 86400 + 60)
    monkeypatch.setattr(itsdangerous.timed, "time", later)

    response = client.get(f"/api/media/{media_id}")

    assert response.status_code == 404  # the old identity is gone; a fresh guest owns nothing
