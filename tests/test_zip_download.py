"""GET and POST /api/media/zip: a selection or the filtered history as a zip of the stored
files and a manifest, streamed in chunks with its exact length, ZIP64-ready, owner-scoped."""

import hashlib
import re
import struct
import tracemalloc
import types
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import zipstream.ng

from mediaapp.extensions import db
from mediaapp.models import GeneratedMedia
from mediaapp.services import zips
from mediaapp.storage import CHUNK_SIZE
from tests.conftest import image_payload, save
from tests.zip_helpers import (
    STORES,
    manifest_of,
    opened,
    png_bytes,
    storage_app,
    upload,
)

NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{4}_[a-z0-9-]+_[0-9a-f]{8}\.png$")


@pytest.fixture
def stored_app(request, make_app, app, tmp_path):
    return storage_app(request, make_app, tmp_path)


@STORES
def test_a_selection_downloads_as_a_zip_of_its_files_and_a_manifest(stored_app):
    client = stored_app.test_client()
    bodies = [png_bytes((n * 60, 20, 20)) for n in range(3)]
    records = [
        upload(client, body, prompt=f"A red fox in snow {n}") for n, body in enumerate(bodies)
    ]

    response = client.post("/api/media/zip", json={"ids": [r["id"] for r in records]})

    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Length"] == str(len(response.data))
    assert "attachment" in response.headers["Content-Disposition"]
    archive = opened(response)
    assert archive.testzip() is None
    manifest = manifest_of(response)
    by_prompt = {item["prompt"]: item for item in manifest["items"]}
    for n, body in enumerate(bodies):
        item = by_prompt[f"A red fox in snow {n}"]
        assert archive.read(item["file"]) == body
    assert all(info.compress_type == 0 for info in archive.infolist())  # STORED


def test_files_are_named_by_date_time_prompt_and_id(client):
    record = upload(client, png_bytes(), prompt="A red fox, in snow!  (golden hour)")

    response = client.post("/api/media/zip", json={"ids": [record["id"]]})

    item = manifest_of(response)["items"][0]
    created = datetime.fromisoformat(record["createdAt"].replace("Z", "+00:00")).astimezone(UTC)
    assert NAME.match(item["file"])
    assert item["file"] == (
        f"{created:%Y-%m-%d_%H%M}_a-red-fox-in-snow-golden-hour_"
        f"{uuid.UUID(record['id']).hex[:8]}.png"
    )


def test_two_items_with_the_same_minute_and_prompt_get_distinct_names():
    rows = [
        types.SimpleNamespace(
            id=uuid.UUID(f"1234567{n}-0000-4000-8000-000000000000"),
            created_at=datetime(2026, 11, 30, 14, 32, tzinfo=UTC),
            prompt="Same prompt",
            archive_mime="image/png",
        )
        for n in range(2)
    ] * 2
    taken: set[str] = set()

    names = [zips.file_name(row, taken) for row in rows]

    assert len(set(names)) == 4
    assert names[0] == "2026-11-30_1432_same-prompt_12345670.png"


def test_an_item_not_kept_yet_is_listed_with_its_url_and_the_download_does_not_fail(client):
    kept = upload(client, png_bytes())
    pending = save(client, image_payload(url="https://cdn.example.com/later.png")).get_json()

    response = client.post("/api/media/zip", json={"ids": [kept["id"], pending["data"]["id"]]})

    items = {item["url"]: item for item in manifest_of(response)["items"]}
    later = items["https://cdn.example.com/later.png"]
    assert response.status_code == 200
    assert later["file"] is None and later["archive"]["status"] == "pending"
    assert "not in this zip" in later["note"]
    assert sorted(opened(response).namelist()) == sorted(
        [items[kept["url"]]["file"], "manifest.json"]
    )


def test_another_owners_ids_are_left_out_and_listed_as_missing(app, client):
    mine = upload(client, png_bytes())
    theirs = upload(app.test_client(), png_bytes((1, 2, 3)), prompt="their secret prompt")

    response = client.post("/api/media/zip", json={"ids": [mine["id"], theirs["id"]]})

    manifest = manifest_of(response)
    assert [item["prompt"] for item in manifest["items"]] == [mine["prompt"]]
    assert manifest["missing"] == [theirs["id"]]
    assert b"their secret prompt" not in response.data


def test_a_selection_of_only_another_owners_ids_answers_404(app, client):
    theirs = upload(app.test_client(), png_bytes())

    response = client.post("/api/media/zip", json={"ids": [theirs["id"]]})

    assert response.status_code == 404 and response.get_json()["code"] == "not_found"


@pytest.mark.parametrize(
    "body",
    [{"ids": []}, {"ids": ["nope"]}, {"ids": [str(uuid.uuid4())] * 501}, {"id": "x"}],
)
def test_a_bad_selection_answers_400(client, body):
    response = client.post("/api/media/zip", json=body)

    assert response.status_code == 400 and response.get_json()["details"]


def test_the_history_zip_takes_the_list_filters(client):
    fox = upload(client, png_bytes(), prompt="fox in snow")
    upload(client, png_bytes((9, 9, 9)), prompt="owl at night")

    response = client.get("/api/media/zip?q=fox")

    manifest = manifest_of(response)
    assert [item["prompt"] for item in manifest["items"]] == [fox["prompt"]]
    assert manifest["filters"] == {"q": "fox"} and manifest["hasMore"] is False


def test_an_empty_history_or_a_missing_part_answers_404(client):
    upload(client, png_bytes())

    response = client.get("/api/media/zip?part=2")

    assert response.status_code == 404
    assert client.get("/api/media/zip?q=nothing-like-this").status_code == 404


def test_a_history_bigger_than_a_zip_comes_in_parts(client, monkeypatch):
    monkeypatch.setattr(zips, "ZIP_MAX_ITEMS", 2)
    for n in range(3):
        save(client, image_payload(prompt=f"item {n}"))

    first, second = client.get("/api/media/zip"), client.get("/api/media/zip?part=2")

    assert manifest_of(first)["hasMore"] is True and len(manifest_of(first)["items"]) == 2
    assert manifest_of(second)["hasMore"] is False
    assert [i["prompt"] for i in manifest_of(second)["items"]] == ["item 0"]
    assert "part2" in second.headers["Content-Disposition"]


# --- streaming ------------------------------------------------------------------------------


class SpyStore:
    """Wraps the app's store: records each blob opened and the size of every chunk read."""

    def __init__(self, store):
        self.store, self.opened, self.chunks = store, [], []

    def __getattr__(self, name):
        return getattr(self.store, name)

    def open(self, sha256, start=0, end=None):
        self.opened.append(sha256)
        for chunk in self.store.open(sha256, start, end):
            self.chunks.append(len(chunk))
            yield chunk


def _big_blob(app, record_id: str, size: int) -> bytes:
    """Point a record at a blob of `size` random-ish bytes (larger than a chunk)."""
    data = (hashlib.sha256(b"seed").digest() * (size // 32 + 1))[:size]
    sha256 = hashlib.sha256(data).hexdigest()
    with app.app_context():
        app.extensions["blob_store"].put_bytes(sha256, data, content_type="image/png")
        db.session.execute(
            sa.update(GeneratedMedia)
            .where(GeneratedMedia.id == uuid.UUID(record_id))
            .values(archive_sha256=sha256, archive_bytes=size)
        )
        db.session.commit()
    return data


@STORES
def test_the_zip_streams_in_chunks_and_never_reads_a_file_whole(stored_app):
    client = stored_app.test_client()
    record = upload(client, png_bytes())
    data = _big_blob(stored_app, record["id"], 5 * CHUNK_SIZE + 123)
    spy = SpyStore(stored_app.extensions["blob_store"])
    stored_app.extensions["blob_store"] = spy

    response = client.post("/api/media/zip", json={"ids": [record["id"]]}, buffered=False)

    assert response.is_streamed and spy.opened == []  # nothing read before the body flows
    pieces = list(response.response)
    assert len(pieces) > 5 and max(map(len, pieces)) <= CHUNK_SIZE + 1024
    assert spy.chunks and max(spy.chunks) <= CHUNK_SIZE and sum(spy.chunks) == len(data)
    assert sum(map(len, pieces)) == int(response.headers["Content-Length"])
    stored_app.extensions["blob_store"] = spy.store


def test_memory_stays_bounded_while_a_big_file_streams(client, app):
    record = upload(client, png_bytes())
    size = 12 * 1024 * 1024
    _big_blob(app, record["id"], size)
    response = client.post("/api/media/zip", json={"ids": [record["id"]]}, buffered=False)

    tracemalloc.start()
    sent = sum(len(piece) for piece in response.response)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert sent > size
    assert peak < size // 4


# --- ZIP64 ----------------------------------------------------------------------------------


def test_past_the_zip32_limits_the_zip_uses_zip64_records_and_stays_readable(client, monkeypatch):
    records = [upload(client, png_bytes((n, n, n))) for n in range(2)]
    monkeypatch.setattr(zipstream.ng, "ZIP64_LIMIT", 64)  # as if every file were past 4 GiB

    response = client.post("/api/media/zip", json={"ids": [r["id"] for r in records]})

    body = response.data
    assert b"PK\x06\x06" in body and b"PK\x06\x07" in body  # zip64 end record and locator
    assert response.headers["Content-Length"] == str(len(body))
    archive = opened(response)
    assert archive.testzip() is None and len(archive.namelist()) == 3


class SparseStore:
    """A store whose one blob is `size` zero bytes, made up as they are read."""

    def __init__(self, size):
        self.size_of = size

    def open(self, sha256, start=0, end=None):
        left = self.size_of
        while left:
            piece = min(CHUNK_SIZE, left)
            left -= piece
            yield bytes(piece)


def test_a_file_past_4_gib_is_announced_with_its_true_length_and_a_zip64_header(app):
    size = 5 * 1024**3
    row = types.SimpleNamespace(
        id=uuid.uuid4(),
        type="video",
        url="https://cdn.example.com/huge.mp4",
        prompt="A very long video",
        model="veo-3",
        settings={},
        project_id=None,
        request_id="huge",
        file_id=None,
        thumbnail_url=None,
        created_at=datetime(2026, 11, 30, 14, 32, tzinfo=UTC),
        favorite=False,
        archive_status="stored",
        archive_sha256="0" * 64,
        archive_bytes=size,
        archive_mime="video/mp4",
    )
    with app.app_context():
        app.extensions["blob_store"], store = SparseStore(size), app.extensions["blob_store"]
        try:
            download = zips.build_zip([row], filename="huge.zip")
        finally:
            app.extensions["blob_store"] = store

    header = next(iter(download.stream))

    assert download.size > size
    signature, *_ = struct.unpack("<4s", header[:4])
    assert signature == b"PK\x03\x04"
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    extra = header[30 + name_length : 30 + name_length + extra_length]
    assert extra[:2] == b"\x01\x00"  # the ZIP64 extended information field


def _collection(app, client, ids, name="Winter foxes"):
    from mediaapp.services import collections
    from tests.conftest import guest_owner

    owner = guest_owner(app, client)
    with app.app_context():
        made = collections.create_collection(owner, name)
        collections.add_items(owner, made.id, [uuid.UUID(i) for i in ids])
        return str(made.id)


def test_a_collection_downloads_as_a_zip_of_its_items_named_after_it(app, client):
    fox = upload(client, png_bytes(), prompt="fox in snow")
    upload(client, png_bytes((9, 9, 9)), prompt="owl at night")
    collection = _collection(app, client, [fox["id"]])

    response = client.get(f"/api/media/zip?collection={collection}")

    assert [item["prompt"] for item in manifest_of(response)["items"]] == ["fox in snow"]
    assert "mediaapp-winter-foxes-" in response.headers["Content-Disposition"]


def test_another_owners_collection_answers_404(app, client):
    stranger = app.test_client()
    theirs = _collection(app, stranger, [upload(stranger, png_bytes())["id"]])

    response = client.get(f"/api/media/zip?collection={theirs}")

    assert response.status_code == 404


def test_the_zip_is_sent_as_it_is_never_compressed_cached_or_buffered_by_a_proxy(client):
    record = upload(client, png_bytes())

    response = client.post(
        "/api/media/zip", json={"ids": [record["id"]]}, headers={"Accept-Encoding": "gzip, br"}
    )

    assert "Content-Encoding" not in response.headers
    assert response.headers["X-Accel-Buffering"] == "no"
    assert "no-store" in response.headers["Cache-Control"]


def test_a_trashed_item_in_a_selection_is_left_out(client):
    kept, trashed = upload(client, png_bytes()), upload(client, png_bytes((5, 5, 5)))
    client.delete(f"/api/media/{trashed['id']}")

    response = client.post("/api/media/zip", json={"ids": [kept["id"], trashed["id"]]})

    manifest = manifest_of(response)
    assert len(manifest["items"]) == 1 and manifest["missing"] == [trashed["id"]]
