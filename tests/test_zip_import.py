"""POST /api/media/import with a zip: the records and files of a zip downloaded from mediaapp,
restored into another account's storage, idempotently; hostile zips refused, nothing changed."""

import io
import json
import zipfile

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.models import Blob
from tests.conftest import count_rows, image_payload, save
from tests.helpers import csrf_token
from tests.zip_helpers import (
    STORES,
    file_bytes,
    import_zip,
    manifest_of,
    png_bytes,
    storage_app,
    upload,
)


@pytest.fixture
def stored_app(request, make_app, app, tmp_path):
    return storage_app(request, make_app, tmp_path)


def blob_count(app) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(Blob)).scalar()


def listed(client) -> list[dict]:
    return client.get("/api/media/list").get_json()["data"]


def downloaded(client, count: int = 2, pending: bool = True):
    """A zip of `count` stored items (and one not kept yet), and the bodies of the files."""
    bodies = [png_bytes((n * 70, 90, 10)) for n in range(count)]
    ids = [upload(client, body, prompt=f"fox {n}")["id"] for n, body in enumerate(bodies)]
    if pending:
        ids.append(save(client, image_payload(url="https://cdn.example.com/x.png")).get_json())
        ids[-1] = ids[-1]["data"]["id"]
    response = client.post("/api/media/zip", json={"ids": ids})
    assert response.status_code == 200
    return response, bodies


@STORES
def test_a_zip_imported_into_another_account_restores_records_and_files(stored_app):
    response, bodies = downloaded(stored_app.test_client())
    other = stored_app.test_client()
    other.post("/api/auth/register", json={"email": "b@example.com", "password": "a fine pass"})

    imported = import_zip(other, response.data)

    summary = imported.get_json()["data"]
    assert imported.status_code == 200
    assert (summary["imported"], summary["files"], summary["duplicate"]) == (3, 2, 0)
    records = {r["prompt"]: r for r in listed(other)}
    for n, body in enumerate(bodies):
        kept = records[f"fox {n}"]["archive"]
        assert kept["status"] == "stored" and kept["width"] == 64
        assert file_bytes(other, kept["fileUrl"]) == body
    assert records[image_payload()["prompt"]]["archive"]["status"] == "pending"


@STORES
def test_importing_the_same_zip_twice_creates_nothing_new(stored_app):
    response, _ = downloaded(stored_app.test_client())
    other = stored_app.test_client()
    import_zip(other, response.data)
    rows, blobs = count_rows(stored_app), blob_count(stored_app)

    again = import_zip(other, response.data)

    summary = again.get_json()["data"]
    assert (summary["imported"], summary["duplicate"], summary["files"]) == (0, 3, 0)
    assert (count_rows(stored_app), blob_count(stored_app)) == (rows, blobs)


def test_the_same_bytes_are_stored_once_for_both_accounts(app, client):
    response, _ = downloaded(client, pending=False)
    blobs = blob_count(app)

    import_zip(app.test_client(), response.data)

    assert blob_count(app) == blobs  # each file and thumbnail is already in the store


def test_the_manifest_imports_as_it_is_through_the_json_api(app, client):
    response, _ = downloaded(client)
    manifest = manifest_of(response)

    imported = app.test_client().post("/api/media/import", json=manifest)

    assert imported.status_code == 200
    assert imported.get_json()["data"]["imported"] == len(manifest["items"]) == 3


def test_the_gallery_import_form_takes_the_zip(app, client):
    response, _ = downloaded(client)
    other = app.test_client()

    page = other.post(
        "/import",
        data={"file": (io.BytesIO(response.data), "history.zip")},
        content_type="multipart/form-data",
    )

    assert page.status_code == 200 and "3" in page.get_data(as_text=True)
    assert {r["archive"]["status"] for r in listed(other)} == {"stored", "pending"}


def _zip(entries: dict[str, bytes], *, deflate: bool = False, manifest=None) -> bytes:
    out = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if manifest is not False:
            items = manifest or [{**image_payload(), "file": next(iter(entries), None)}]
            archive.writestr("manifest.json", json.dumps({"items": items}))
    return out.getvalue()


def _encrypted() -> bytes:
    """A zip whose first entry says it is encrypted (zipfile cannot write one)."""
    body = bytearray(_zip({"a.png": png_bytes()}))
    body[6] |= 0x1  # the local header's general purpose flags
    central = body.index(b"PK\x01\x02")
    body[central + 8] |= 0x1  # and the central directory's
    return bytes(body)


HOSTILE = {
    "path traversal": _zip({"../../etc/evil.png": png_bytes()}),
    "absolute path": _zip({"/etc/evil.png": png_bytes()}),
    "backslash path": _zip({"..\\evil.png": png_bytes()}),
    "zip bomb": _zip({"bomb.png": bytes(30 * 1024 * 1024)}, deflate=True),
    "oversized entry": _zip({"big.png": bytes(300_000)}),
    "encrypted": _encrypted(),
    "not a zip": b"PK\x03\x04 this is not really a zip at all",
    "no manifest": _zip({"a.png": png_bytes()}, manifest=False),
    "manifest naming a missing file": _zip(
        {"a.png": png_bytes()}, manifest=[{**image_payload(), "file": "nope.png"}]
    ),
    "manifest that is not json": _zip({"manifest.json": b"{not json"}, manifest=False),
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_or_broken_zip_is_refused_with_400_and_nothing_changes(make_app, app, body):
    client = make_app(MAX_IMAGE_BYTES=200_000, MAX_VIDEO_BYTES=200_000).test_client()
    client.get("/api/media/list")
    rows = count_rows(app)

    response = import_zip(client, body)

    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["code"] == "zip_refused"
    assert count_rows(app) == rows


def test_a_zip_larger_than_the_import_limit_answers_413(make_app):
    client = make_app(ZIP_IMPORT_MAX_BYTES=10_000).test_client()

    response = import_zip(client, _zip({"a.png": png_bytes(noise=True, size=(100, 100))}))

    assert response.status_code == 413


def test_a_zip_past_the_storage_quota_answers_413_and_imports_nothing(make_app, app, client):
    response, _ = downloaded(client, pending=False)
    other = make_app(QUOTA_BYTES=10).test_client()
    other.get("/api/media/list")
    rows = count_rows(app)

    refused = import_zip(other, response.data)

    assert refused.status_code == 413 and refused.get_json()["code"] == "quota_exceeded"
    assert count_rows(app) == rows


def test_a_multipart_import_without_a_file_answers_400(client):
    response = client.post(
        "/api/media/import", data={"other": "x"}, content_type="multipart/form-data"
    )

    assert response.status_code == 400 and response.get_json()["details"]["file"]


def test_a_file_whose_bytes_are_not_its_type_imports_the_record_without_the_file(app, client):
    body = _zip({"a.png": b"not an image at all"})

    response = import_zip(client, body)

    summary = response.get_json()["data"]
    assert (summary["imported"], summary["files"]) == (1, 0)
    assert listed(client)[0]["archive"]["status"] == "pending"


def test_the_gallery_takes_a_zip_bigger_than_an_ordinary_form_body(make_app, app, client):
    body = png_bytes(noise=True, size=(400, 400))  # ~480 KB, past MAX_CONTENT_LENGTH
    record = upload(client, body)
    zipped = client.post("/api/media/zip", json={"ids": [record["id"]]}).data
    other = make_app(WTF_CSRF_ENABLED=True).test_client()  # the CSRF check reads the form first
    token = csrf_token(other.get("/stats").get_data(as_text=True))

    page = other.post(
        "/import",
        data={"file": (io.BytesIO(zipped), "big.zip"), "csrf_token": token},
        content_type="multipart/form-data",
    )

    assert len(zipped) > app.config["MAX_CONTENT_LENGTH"]
    assert page.status_code == 200 and 'id="import-files">1<' in page.get_data(as_text=True)
    assert file_bytes(other, listed(other)[0]["archive"]["fileUrl"]) == body
