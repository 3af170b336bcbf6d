"""POST /api/media/upload: a generator hands over the file itself, stored before the answer,
with the save's validation and requestId idempotency; types are read from the bytes."""

import hashlib
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from mediaapp.extensions import db
from mediaapp.models import Blob
from tests.conftest import count_rows, image_payload, video_payload

DEMO = Path(__file__).resolve().parent.parent / "static" / "demo"


def png_bytes(color=(30, 120, 200), size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def upload(client, body: bytes, metadata, *, name="file.png", **kwargs):
    data = {"file": (io.BytesIO(body), name)}
    if metadata is not None:
        data["metadata"] = metadata if isinstance(metadata, str) else json.dumps(metadata)
    return client.post("/api/media/upload", data=data, content_type="multipart/form-data", **kwargs)


def payload_without_url(make=image_payload, **overrides):
    payload = make(**overrides)
    payload.pop("url")
    return payload


def blob_count(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Blob)).scalar()


def test_an_upload_answers_201_with_the_file_already_stored(client):
    body = png_bytes()

    response = upload(client, body, payload_without_url())

    record = response.get_json()["data"]
    assert response.status_code == 201
    assert record["archive"]["status"] == "stored"
    assert record["archive"]["sha256"] == hashlib.sha256(body).hexdigest()
    assert (record["archive"]["width"], record["archive"]["height"]) == (300, 200)
    assert record["url"] == f"/api/media/{record['id']}/file"
    assert client.get(record["archive"]["fileUrl"]).data == body


def test_an_upload_keeps_the_url_it_came_from_as_provenance(client):
    response = upload(client, png_bytes(), image_payload(url="https://cdn.example.com/x.png"))

    assert response.get_json()["data"]["url"] == "https://cdn.example.com/x.png"


def test_a_video_upload_gets_its_duration_size_and_a_poster(client):
    body = (DEMO / "video-01.mp4").read_bytes()

    response = upload(client, body, payload_without_url(video_payload), name="clip.mp4")

    kept = response.get_json()["data"]["archive"]
    assert response.status_code == 201 and kept["mime"] == "video/mp4"
    assert kept["durationMs"] > 0 and kept["width"] and kept["thumbnailUrl"]


def test_replaying_a_request_id_answers_the_first_record_and_stores_nothing_more(app, client):
    metadata = payload_without_url(requestId="upload-1")
    first = upload(client, png_bytes(), metadata).get_json()["data"]

    again = upload(client, png_bytes(color=(1, 2, 3)), metadata)

    assert again.status_code == 200 and again.get_json()["data"]["id"] == first["id"]
    assert count_rows(app) == 1 and blob_count(app) == 2  # the file and its thumbnail


@pytest.mark.parametrize(
    ("body", "name", "kind"),
    [
        (png_bytes(), "clip.mp4", "video"),  # a PNG named .mp4 and said to be a video
        (b"just some text, whatever the name says", "photo.png", "image"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "a.png",
            "image",
        ),
        (b"<!doctype html><html><body>hi</body></html>", "a.png", "image"),
    ],
    ids=["png-as-video", "text", "svg", "html"],
)
def test_the_type_is_read_from_the_bytes_and_anything_else_is_refused(
    app, client, body, name, kind
):
    make = video_payload if kind == "video" else image_payload

    response = upload(client, body, payload_without_url(make), name=name)

    assert response.status_code == 415
    assert response.get_json()["code"] == "unsupported_type"
    assert count_rows(app) == 0 and blob_count(app) == 0


def test_a_file_over_its_types_cap_answers_413_and_keeps_nothing(make_app, app):
    small = make_app(MAX_IMAGE_BYTES=1000)
    client = small.test_client()

    response = upload(client, png_bytes(size=(800, 800)) + b"\0" * 2000, payload_without_url())

    assert response.status_code == 413
    assert count_rows(app) == 0 and blob_count(app) == 0


def test_an_oversized_request_is_refused_before_its_body_is_read(make_app, app):
    client = make_app(MAX_IMAGE_BYTES=1000, MAX_VIDEO_BYTES=1000).test_client()
    too_big = 1000 + 256 * 1024 + 1

    response = client.post(
        "/api/media/upload",
        input_stream=io.BytesIO(b""),  # nothing to read: the length alone decides
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(too_big)},
    )

    assert response.status_code == 413
    assert response.get_json()["code"] == "payload_too_large"


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ({**payload_without_url(), "prompt": ""}, "prompt"),
        ({**payload_without_url(), "settings": {"model": "m"}}, "settings"),
        ("not json", "metadata"),
        ("[1, 2]", "metadata"),
        (None, "metadata"),
    ],
    ids=["empty-prompt", "incomplete-settings", "not-json", "not-an-object", "missing"],
)
def test_bad_metadata_answers_400_naming_the_field_and_stores_nothing(app, client, metadata, field):
    response = upload(client, png_bytes(), metadata)

    assert response.status_code == 400
    assert field in response.get_json()["details"]
    assert count_rows(app) == 0 and blob_count(app) == 0


def test_a_missing_file_part_answers_400(client):
    response = client.post(
        "/api/media/upload",
        data={"metadata": json.dumps(payload_without_url())},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400 and "file" in response.get_json()["details"]


def test_a_json_body_answers_415(client):
    response = client.post("/api/media/upload", json=payload_without_url())

    assert response.status_code == 415


def test_another_owner_cannot_see_an_uploaded_file(app, client):
    record = upload(client, png_bytes(), payload_without_url()).get_json()["data"]

    stranger = app.test_client()

    assert stranger.get(f"/api/media/{record['id']}").status_code == 404
    assert stranger.get(record["archive"]["fileUrl"]).status_code == 404


def test_a_cross_site_upload_is_refused(app, client):
    response = upload(
        client, png_bytes(), payload_without_url(), headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403 and count_rows(app) == 0


def test_an_upload_past_the_owners_quota_answers_413_quota_exceeded(make_app, app):
    client = make_app(QUOTA_BYTES=len(png_bytes()) + 500).test_client()
    assert upload(client, png_bytes(), payload_without_url()).status_code == 201

    response = upload(client, png_bytes(color=(9, 9, 9)), payload_without_url())

    assert response.status_code == 413
    assert response.get_json()["code"] == "quota_exceeded"
    assert "quota" in response.get_json()["error"]
    assert count_rows(app) == 1
