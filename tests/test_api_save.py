"""POST /api/media/save: the record it answers, strict validation, idempotency."""

import json
import threading

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from tests.conftest import count_rows, image_payload, save, video_payload

WIRE_FIELDS = {
    "id",
    "type",
    "url",
    "prompt",
    "model",
    "settings",
    "projectId",
    "requestId",
    "fileId",
    "thumbnailUrl",
    "createdAt",
    "userId",
    "favorite",
    "deletedAt",
    "archive",  # the copy mediaapp keeps (issue 8); the seed's fields above are unchanged
    # What the generation cost (issue 10), null unless the generator says.
    "provider",
    "costUsd",
    "credits",
    "durationMs",
    "rating",  # 0-5 stars from culling (issue 9), 0 when unrated
}


def test_saving_an_image_answers_201_with_the_record_in_wire_format(client):
    payload = image_payload(projectId="p1", fileId="f1")

    response = save(client, payload)

    assert response.status_code == 201
    body = response.get_json()
    assert body["success"] is True
    record = body["data"]
    assert set(record) == WIRE_FIELDS
    assert record["prompt"] == payload["prompt"]
    assert record["settings"] == payload["settings"]
    assert record["projectId"] == "p1" and record["fileId"] == "f1"
    assert record["userId"] is None
    assert record["createdAt"].endswith("Z") and "T" in record["createdAt"]


def test_saving_a_video_with_a_relative_url_and_thumbnail_is_accepted(client):
    response = save(client, video_payload())

    assert response.status_code == 201
    assert response.get_json()["data"]["thumbnailUrl"] == "/media/videos/waves.jpg"


def test_a_client_sent_session_id_is_ignored_and_never_echoed(client, app):
    response = save(client, image_payload(sessionId="attacker-chosen"))

    assert response.status_code == 201
    assert "sessionId" not in response.get_json()["data"]
    with app.app_context():
        stored = db.session.execute(sa.text("SELECT secret_digest FROM guests")).scalar()
    assert stored != "attacker-chosen" and len(stored) == 64  # a SHA-256 digest


def test_the_guest_secret_is_stored_only_as_a_digest(client, app):
    save(client)

    with client.session_transaction() as session:
        secret = session["guest"]
    with app.app_context():
        stored = db.session.execute(sa.text("SELECT secret_digest FROM guests")).scalar()
    assert secret not in stored
    import hashlib

    assert stored == hashlib.sha256(secret.encode()).hexdigest()


def test_unknown_settings_keys_are_kept_as_sent(client):
    payload = image_payload()
    payload["settings"]["negativePrompt"] = "blurry"
    payload["settings"]["loras"] = [{"name": "film-grain", "weight": 0.6}]

    response = save(client, payload)

    assert response.get_json()["data"]["settings"]["loras"] == [
        {"name": "film-grain", "weight": 0.6}
    ]


def test_saving_the_same_request_id_twice_returns_the_first_record(client, app):
    first = save(client, image_payload(requestId="gen-1")).get_json()["data"]

    replay = save(client, image_payload(requestId="gen-1", prompt="a different prompt"))

    assert replay.status_code == 200
    assert replay.get_json()["data"] == first
    assert count_rows(app) == 1


def test_the_same_request_id_from_two_owners_makes_two_records(app):
    alice, bob = app.test_client(), app.test_client()

    responses = [save(c, image_payload(requestId="shared")) for c in (alice, bob)]

    assert [r.status_code for r in responses] == [201, 201]
    assert count_rows(app) == 2


def test_saves_without_a_request_id_are_never_merged(client, app):
    payload = image_payload()
    del payload["requestId"]

    statuses = [save(client, payload).status_code for _ in range(2)]

    assert statuses == [201, 201]
    assert count_rows(app) == 2


def _bad(**changes):
    payload = image_payload()
    for key, value in changes.items():
        if value is ...:
            payload.pop(key)
        else:
            payload[key] = value
    return payload


def _bad_settings(**changes):
    payload = image_payload()
    for key, value in changes.items():
        if value is ...:
            payload["settings"].pop(key)
        else:
            payload["settings"][key] = value
    return payload


BAD_PAYLOADS = {
    "missing type": (_bad(type=...), "type"),
    "unknown type": (_bad(type="audio"), "type"),
    "javascript url": (_bad(url="javascript:alert(1)"), "url"),
    "data url": (_bad(url="data:image/png;base64,AAAA"), "url"),
    "file url": (_bad(url="file:///etc/passwd"), "url"),
    "protocol-relative url": (_bad(url="//evil.example/x.png"), "url"),
    "url with spaces": (_bad(url="https://x.example/a b.png"), "url"),
    "url too long": (_bad(url="https://x.example/" + "a" * 2048), "url"),
    "empty url": (_bad(url=""), "url"),
    "url with an unclosed IPv6 host": (_bad(url="http://[::1/a.png"), "url"),
    "thumbnail with an unclosed IPv6 host": (_bad(thumbnailUrl="https://[x"), "thumbnailUrl"),
    "javascript thumbnail": (_bad(thumbnailUrl="JavaScript:alert(1)"), "thumbnailUrl"),
    "empty prompt": (_bad(prompt=""), "prompt"),
    "prompt too long": (_bad(prompt="p" * 10001), "prompt"),
    "prompt with NUL": (_bad(prompt="cat\x00dog"), "prompt"),
    "prompt with lone surrogate": (_bad(prompt="cat\ud800"), "prompt"),
    "prompt not a string": (_bad(prompt=42), "prompt"),
    "model too long": (_bad(model="m" * 129), "model"),
    "request id too long": (_bad(requestId="r" * 256), "requestId"),
    "request id not a string": (_bad(requestId=7), "requestId"),
    "settings missing": (_bad(settings=...), "settings"),
    "settings not an object": (_bad(settings=["a"]), "settings"),
    "image settings missing style": (_bad_settings(style=...), "settings"),
    "seed not a number": (_bad_settings(seed="42"), "settings"),
    "batch size a boolean": (_bad_settings(batchSize=True), "settings"),
    "NUL inside settings": (_bad_settings(note="a\x00b"), "settings"),
    "NUL in a settings key": (_bad_settings(**{"k\x00": 1}), "settings"),
    "settings over 16 KiB": (_bad_settings(blob="x" * 17000), "settings"),
    "video without duration": (
        video_payload(
            settings={
                "model": "m",
                "style": "s",
                "resolution": "r",
                "shotSize": "w",
                "frameRate": 24,
            }
        ),
        "settings",
    ),
}


@pytest.mark.parametrize("payload, field", BAD_PAYLOADS.values(), ids=BAD_PAYLOADS.keys())
def test_invalid_fields_answer_400_with_field_details_and_write_nothing(
    client, app, payload, field
):
    response = save(client, payload)

    assert response.status_code == 400
    body = response.get_json()
    assert body["success"] is False and body["code"] == "validation_error"
    assert field in body["details"]
    assert count_rows(app) == 0


RAW_BODIES = {
    "malformed json": (b'{"type": "image",', "application/json", 400, "malformed_json"),
    "json array": (b"[1, 2]", "application/json", 400, "not_an_object"),
    "json scalar": (b'"image"', "application/json", 400, "not_an_object"),
    "NaN literal": (b'{"seed": NaN}', "application/json", 400, "malformed_json"),
    "invalid utf-8": (b'{"prompt": "\xff"}', "application/json", 400, "malformed_json"),
    "form content type": (
        b"type=image",
        "application/x-www-form-urlencoded",
        415,
        "unsupported_media_type",
    ),
    "no content type": (b"{}", None, 415, "unsupported_media_type"),
    "oversized body": (
        b'{"prompt": "' + b"x" * 300_000 + b'"}',
        "application/json",
        413,
        "payload_too_large",
    ),
}


@pytest.mark.parametrize(
    "body, content_type, status, code", RAW_BODIES.values(), ids=RAW_BODIES.keys()
)
def test_bodies_that_are_not_a_json_object_are_refused_with_the_envelope(
    client, app, body, content_type, status, code
):
    headers = {"Content-Type": content_type} if content_type else {}

    response = client.post("/api/media/save", data=body, headers=headers)

    assert response.status_code == status
    assert response.get_json()["code"] == code
    assert count_rows(app) == 0


def test_an_escaped_nul_in_json_is_refused_not_a_server_error(client, app):
    body = json.dumps(image_payload(prompt="a\u0000b")).encode()

    response = client.post("/api/media/save", data=body, content_type="application/json")

    assert response.status_code == 400
    assert count_rows(app) == 0


@pytest.mark.postgresql_only
def test_twenty_concurrent_saves_with_one_request_id_leave_one_row(app):
    first = app.test_client()
    first.get("/api/media/list")  # obtain the guest cookie once, then share it
    cookie = first.get_cookie("session").value
    statuses, barrier = [], threading.Barrier(20)

    def replay():
        client = app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait(timeout=10)
        statuses.append(save(client, image_payload(requestId="burst-1")).status_code)

    threads = [threading.Thread(target=replay) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200] * 19 + [201]
    assert count_rows(app) == 1
