"""The BlobStore contract, run against every backend, plus each backend's own promises."""

from __future__ import annotations

import hashlib
import os
import pathlib
import socket
import stat
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest

from mediaapp.storage import BlobMissing, BlobStore, StoreUnavailable, from_url
from mediaapp.storage.filesystem import FileStore
from mediaapp.storage.s3 import S3Store
from tests.conftest import BUCKET

DATA = b"The quick brown fox jumps over the lazy dog.\n" * 100
SHA = hashlib.sha256(DATA).hexdigest()
OTHER = hashlib.sha256(b"other").hexdigest()

BAD_KEYS = [
    pytest.param("../etc/passwd", id="traversal"),
    pytest.param(SHA.upper(), id="uppercase"),
    pytest.param(SHA[:63], id="63-chars"),
    pytest.param(SHA + "0", id="65-chars"),
    pytest.param(SHA[:30] + "/" + SHA[31:], id="with-slash"),
    pytest.param(SHA[:63] + "\n", id="trailing-newline"),
    pytest.param(SHA[:63] + "\x00", id="nul"),
    pytest.param("", id="empty"),
]

BACKENDS = ["filesystem", "s3"]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_all(store: BlobStore, sha256: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join(store.open(sha256, start, end))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def s3_client(moto_endpoint):
    """A plain boto3 client, to look at what the store wrote without going through it."""
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")


@pytest.fixture
def s3_store(moto_endpoint) -> BlobStore:
    """A store under a fresh prefix in the session's bucket, so tests can't see each other."""
    prefix = f"t/{uuid.uuid4().hex}"
    query = urllib.parse.urlencode({"endpoint_url": moto_endpoint, "region": "us-east-1"})
    return from_url(f"s3://{BUCKET}/{prefix}?{query}", instance_path=pathlib.Path("/unused"))


@pytest.fixture
def store(backend, tmp_path, request) -> BlobStore:
    if backend == "filesystem":
        return from_url(f"file://{tmp_path / 'blobs'}", instance_path=tmp_path)
    return request.getfixturevalue("s3_store")


@pytest.fixture
def source_file(tmp_path) -> pathlib.Path:
    path = tmp_path / "download.bin"
    path.write_bytes(DATA)
    return path


def files_under(root: pathlib.Path) -> list[pathlib.Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


# The contract ------------------------------------------------------------------------------


def test_a_stored_file_exists_with_its_size_and_bytes(store, source_file):
    store.put_file(SHA, source_file, content_type="text/plain")

    found = (store.exists(SHA), store.size(SHA), read_all(store, SHA))

    assert found == (True, len(DATA), DATA)


def test_stored_bytes_read_back_equal(store):
    store.put_bytes(SHA, DATA, content_type="text/plain")

    body = read_all(store, SHA)

    assert body == DATA


def test_an_empty_blob_is_stored_and_reads_back_empty(store):
    store.put_bytes(sha256_of(b""), b"", content_type="text/plain")

    found = (
        store.size(sha256_of(b"")),
        read_all(store, sha256_of(b"")),
        read_all(store, sha256_of(b""), 0, 10),
    )

    assert found == (0, b"", b"")


def test_a_blob_never_stored_does_not_exist(store):
    assert store.exists(OTHER) is False


@pytest.mark.parametrize("method", ["size", "open"])
def test_reading_a_missing_blob_raises_blob_missing(store, method):
    with pytest.raises(BlobMissing):
        getattr(store, method)(OTHER)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(0, None, DATA, id="full"),
        pytest.param(0, 10, DATA[:10], id="head"),
        pytest.param(10, 20, DATA[10:20], id="middle"),
        pytest.param(len(DATA) - 5, None, DATA[-5:], id="tail"),
        pytest.param(100, len(DATA) + 1000, DATA[100:], id="end-past-size-clamps"),
        pytest.param(len(DATA), None, b"", id="start-at-size"),
        pytest.param(len(DATA) + 10, None, b"", id="start-beyond-end"),
        pytest.param(20, 10, b"", id="start-after-end"),
        pytest.param(5, 5, b"", id="empty-range"),
    ],
)
def test_open_returns_the_requested_range(store, start, end, expected):
    store.put_bytes(SHA, DATA, content_type="text/plain")

    body = read_all(store, SHA, start, end)

    assert body == expected


@pytest.mark.parametrize(("start", "end"), [(-1, None), (0, -1)])
def test_open_refuses_negative_offsets(store, start, end):
    store.put_bytes(SHA, DATA, content_type="text/plain")

    with pytest.raises(ValueError):
        store.open(SHA, start, end)


def test_open_yields_chunks_of_at_most_64_kib(store):
    data = os.urandom(300 * 1024)
    store.put_bytes(sha256_of(data), data, content_type="application/octet-stream")

    chunks = list(store.open(sha256_of(data)))

    assert max(len(c) for c in chunks) <= 64 * 1024 and b"".join(chunks) == data


def test_putting_the_same_blob_twice_changes_nothing(store, source_file):
    store.put_file(SHA, source_file, content_type="text/plain")

    store.put_file(SHA, source_file, content_type="text/plain")

    assert (store.size(SHA), read_all(store, SHA)) == (len(DATA), DATA)


def test_a_file_whose_digest_differs_from_its_key_is_refused(store, source_file):
    with pytest.raises(ValueError, match="does not match"):
        store.put_file(OTHER, source_file, content_type="text/plain")

    assert store.exists(OTHER) is False


def test_bytes_whose_digest_differs_from_their_key_are_refused(store):
    with pytest.raises(ValueError, match="does not match"):
        store.put_bytes(OTHER, DATA, content_type="text/plain")

    assert store.exists(OTHER) is False


def test_a_wrong_digest_is_refused_even_when_the_key_is_already_stored(store, tmp_path):
    store.put_bytes(OTHER, b"other", content_type="text/plain")
    impostor = tmp_path / "impostor"
    impostor.write_bytes(b"not other")

    with pytest.raises(ValueError, match="does not match"):
        store.put_file(OTHER, impostor, content_type="text/plain")

    assert read_all(store, OTHER) == b"other"


@pytest.mark.parametrize("method", ["put_file", "put_bytes"])
def test_a_content_type_that_could_split_a_header_is_refused(store, source_file, method):
    with pytest.raises(ValueError, match="content_type"):
        getattr(store, method)(
            SHA,
            source_file if method == "put_file" else DATA,
            content_type="text/plain\r\nSet-Cookie: x=1",
        )

    assert store.exists(SHA) is False


KEY_METHODS = {
    "put_file": lambda s, k, f: s.put_file(k, f, content_type="text/plain"),
    "put_bytes": lambda s, k, f: s.put_bytes(k, DATA, content_type="text/plain"),
    "exists": lambda s, k, f: s.exists(k),
    "size": lambda s, k, f: s.size(k),
    "open": lambda s, k, f: s.open(k),
    "delete": lambda s, k, f: s.delete(k),
    "local_path": lambda s, k, f: s.local_path(k),
    "presigned_url": lambda s, k, f: s.presigned_url(
        k, filename="a.txt", content_type="text/plain"
    ),
}


@pytest.mark.parametrize("method", KEY_METHODS)
@pytest.mark.parametrize("key", BAD_KEYS)
def test_every_method_refuses_a_key_that_is_not_a_digest(store, source_file, method, key):
    with pytest.raises(ValueError, match="SHA-256"):
        KEY_METHODS[method](store, key, source_file)


def test_a_deleted_blob_is_gone(store):
    store.put_bytes(SHA, DATA, content_type="text/plain")

    store.delete(SHA)

    assert store.exists(SHA) is False


def test_deleting_a_missing_blob_is_fine(store):
    store.delete(OTHER)

    assert store.exists(OTHER) is False


def test_a_big_file_streams_back_equal(store, tmp_path):
    big = tmp_path / "big.bin"
    digest = hashlib.sha256()
    with big.open("wb") as out:
        for i in range(20):
            block = hashlib.sha256(str(i).encode()).digest() * (1024 * 1024 // 32)
            digest.update(block)
            out.write(block)
    store.put_file(digest.hexdigest(), big, content_type="video/mp4")

    streamed = hashlib.sha256()
    for chunk in store.open(digest.hexdigest()):
        streamed.update(chunk)

    assert (streamed.hexdigest(), store.size(digest.hexdigest())) == (
        digest.hexdigest(),
        20 * 1024 * 1024,
    )


def test_concurrent_puts_of_the_same_blob_leave_one_intact_blob(store, tmp_path):
    data = os.urandom(2 * 1024 * 1024)
    key = sha256_of(data)
    path = tmp_path / "same.bin"
    path.write_bytes(data)
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def put() -> None:
        try:
            barrier.wait()
            store.put_file(key, path, content_type="application/octet-stream")
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=put) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (errors, store.size(key), sha256_of(read_all(store, key))) == ([], len(data), key)


def test_a_reachable_store_passes_its_check(store):
    problem = None
    try:
        store.check()  # raises StoreUnavailable when the store cannot be reached
    except Exception as exc:  # noqa: BLE001 (any failure is the finding)
        problem = exc

    assert problem is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filename": "", "content_type": "text/plain"}, "filename"),
        ({"filename": "a.txt", "content_type": "text/plain\r\nX-Evil: 1"}, "content_type"),
        ({"filename": "a.txt", "content_type": "text/plain", "expires": 0}, "expires"),
        ({"filename": "a.txt", "content_type": "text/plain", "expires": 8 * 86400}, "expires"),
    ],
)
def test_presigned_url_refuses_bad_arguments(store, kwargs, message):
    with pytest.raises(ValueError, match=message):
        store.presigned_url(SHA, **kwargs)


# The filesystem store ----------------------------------------------------------------------


@pytest.fixture
def file_store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "blobs")


def test_the_filesystem_store_lays_blobs_out_by_their_first_four_hex_digits(file_store):
    file_store.put_bytes(SHA, DATA, content_type="text/plain")

    files = files_under(file_store.root)

    assert files == [file_store.root / SHA[:2] / SHA[2:4] / SHA]


def test_the_filesystem_store_makes_files_0644_and_directories_0755(file_store):
    file_store.put_bytes(SHA, DATA, content_type="text/plain")

    path = file_store.local_path(SHA)

    modes = [stat.S_IMODE(p.stat().st_mode) for p in (path, path.parent, path.parent.parent)]
    assert modes == [0o644, 0o755, 0o755]


def test_the_filesystem_store_gives_the_local_path_of_a_blob(file_store):
    file_store.put_bytes(SHA, DATA, content_type="text/plain")

    path = file_store.local_path(SHA)

    assert path.is_absolute() and path.read_bytes() == DATA


def test_the_filesystem_store_raises_blob_missing_for_the_path_of_a_missing_blob(file_store):
    with pytest.raises(BlobMissing):
        file_store.local_path(OTHER)


def test_the_filesystem_store_hands_out_no_presigned_urls(file_store):
    url = file_store.presigned_url(SHA, filename="a.txt", content_type="text/plain")

    assert url is None


def test_the_filesystem_store_leaves_no_temp_files_after_a_put(file_store, source_file):
    file_store.put_file(SHA, source_file, content_type="text/plain")

    names = [p.name for p in files_under(file_store.root)]

    assert names == [SHA]


def test_the_filesystem_store_leaves_no_temp_files_after_a_refused_put(file_store, source_file):
    with pytest.raises(ValueError):
        file_store.put_file(OTHER, source_file, content_type="text/plain")

    assert files_under(file_store.root) == []


def test_the_filesystem_store_leaves_no_temp_files_after_concurrent_puts(file_store, tmp_path):
    data = os.urandom(512 * 1024)
    path = tmp_path / "same.bin"
    path.write_bytes(data)
    threads = [
        threading.Thread(
            target=file_store.put_file,
            args=(sha256_of(data), path),
            kwargs={"content_type": "application/octet-stream"},
        )
        for _ in range(8)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [p.name for p in files_under(file_store.root)] == [sha256_of(data)]


def test_a_blob_deleted_while_streaming_still_streams_whole(file_store):
    data = os.urandom(256 * 1024)
    file_store.put_bytes(sha256_of(data), data, content_type="application/octet-stream")
    chunks = file_store.open(sha256_of(data))
    first = next(chunks)

    file_store.delete(sha256_of(data))

    assert first + b"".join(chunks) == data


def test_the_filesystem_store_fails_its_check_when_its_root_is_a_file(tmp_path):
    root = tmp_path / "blobs"
    root.write_text("not a directory")

    with pytest.raises(StoreUnavailable):
        FileStore(root).check()


# from_url ----------------------------------------------------------------------------------


def test_an_empty_setting_stores_blobs_in_the_instance_folder(tmp_path):
    store = from_url("", instance_path=tmp_path)

    assert isinstance(store, FileStore) and store.root == tmp_path / "blobs"


def test_a_file_url_stores_blobs_at_its_path(tmp_path):
    store = from_url(f"file://{tmp_path}/elsewhere", instance_path=tmp_path / "instance")

    assert isinstance(store, FileStore) and store.root == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("ftp://example.com/blobs", id="unknown-scheme"),
        pytest.param("/var/lib/blobs", id="no-scheme"),
        pytest.param("file://relative/path", id="file-with-host"),
        pytest.param("file:///", id="file-root"),
        pytest.param("file:///srv/blobs?x=1", id="file-with-query"),
        pytest.param("s3:///prefix", id="s3-without-bucket"),
        pytest.param("s3://key:secret@bucket/prefix", id="s3-with-credentials"),
        pytest.param("s3://bucket/prefix?regoin=us-east-1", id="s3-unknown-option"),
        pytest.param("s3://bucket?region=a&region=b", id="s3-repeated-option"),
        pytest.param("s3://bucket?endpoint_url=ftp://x", id="s3-endpoint-not-http"),
        pytest.param("s3://bucket?addressing_style=sideways", id="s3-bad-addressing-style"),
        pytest.param("s3://Not_A_Bucket/prefix", id="s3-bad-bucket-name"),
    ],
)
def test_from_url_refuses_what_it_cannot_build_with_a_sentence(url, tmp_path):
    with pytest.raises(ValueError, match=r"[A-Z].*\.$"):
        from_url(url, instance_path=tmp_path)


def test_an_s3_url_builds_a_store_for_its_bucket_prefix_endpoint_and_region(tmp_path):
    url = "s3://media/archive/v1/?endpoint_url=http://127.0.0.1:9000&region=eu-west-1"

    store = from_url(url, instance_path=tmp_path)

    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix, store.endpoint_url, store.region) == (
        "media",
        "archive/v1",
        "http://127.0.0.1:9000",
        "eu-west-1",
    )


# The S3 store ------------------------------------------------------------------------------


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    # No proxy: the moto server is on this machine's loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


def test_the_s3_store_keeps_blobs_under_prefix_fan_out_and_digest_with_their_type(
    s3_store, s3_client
):
    s3_store.put_bytes(SHA, DATA, content_type="text/plain")

    head = s3_client.head_object(Bucket=BUCKET, Key=f"{s3_store.prefix}/{SHA[:2]}/{SHA}")

    assert (head["ContentLength"], head["ContentType"]) == (len(DATA), "text/plain")


def test_the_s3_store_uploads_a_big_file_in_parts_with_its_type(s3_store, s3_client, tmp_path):
    data = os.urandom(9 * 1024 * 1024)
    path = tmp_path / "video.mp4"
    path.write_bytes(data)
    s3_store.put_file(sha256_of(data), path, content_type="video/mp4")

    head = s3_client.head_object(Bucket=BUCKET, Key=s3_store.object_key(sha256_of(data)))

    # A multipart object's ETag ends in -<number of parts>.
    assert head["ContentType"] == "video/mp4" and head["ETag"].strip('"').endswith("-2")


def test_the_s3_store_has_no_local_path(s3_store):
    s3_store.put_bytes(SHA, DATA, content_type="text/plain")

    path = s3_store.local_path(SHA)

    assert path is None


@pytest.mark.parametrize(
    ("attachment", "disposition"),
    [
        (False, "inline; filename=\"cat.txt\"; filename*=UTF-8''cat.txt"),
        (True, "attachment; filename=\"cat.txt\"; filename*=UTF-8''cat.txt"),
    ],
)
def test_a_presigned_url_downloads_the_bytes_with_the_asked_headers(
    s3_store, attachment, disposition
):
    s3_store.put_bytes(SHA, DATA, content_type="application/octet-stream")
    url = s3_store.presigned_url(
        SHA, filename="cat.txt", content_type="text/plain; charset=utf-8", attachment=attachment
    )

    body, headers = fetch(url)

    assert body == DATA
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["content-disposition"] == disposition


def test_a_presigned_url_names_a_non_ascii_file_safely(s3_store):
    s3_store.put_bytes(SHA, DATA, content_type="image/png")
    url = s3_store.presigned_url(SHA, filename='chat "noir".png', content_type="image/png")

    _, headers = fetch(url)

    assert headers["content-disposition"] == (
        "inline; filename=\"chat _noir_.png\"; filename*=UTF-8''chat%20%22noir%22.png"
    )


def test_a_presigned_url_is_signed_for_the_asked_lifetime(s3_store):
    url = s3_store.presigned_url(SHA, filename="a.txt", content_type="text/plain", expires=60)

    signed = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)

    assert signed["X-Amz-Expires"] == ["60"]


def test_the_s3_store_fails_its_check_when_the_bucket_does_not_exist(moto_endpoint, tmp_path):
    query = urllib.parse.urlencode({"endpoint_url": moto_endpoint, "region": "us-east-1"})
    store = from_url(f"s3://no-such-bucket/p?{query}", instance_path=tmp_path)

    with pytest.raises(StoreUnavailable, match="does not exist"):
        store.check()


def test_the_s3_store_fails_its_check_when_the_endpoint_is_down(moto_endpoint, tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = from_url(
        f"s3://{BUCKET}/p?endpoint_url=http://127.0.0.1:{port}&region=us-east-1",
        instance_path=tmp_path,
    )

    with pytest.raises(StoreUnavailable, match="unreachable"):
        store.check()


def test_the_s3_store_fails_its_check_without_credentials(moto_endpoint, tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    query = urllib.parse.urlencode({"endpoint_url": moto_endpoint, "region": "us-east-1"})
    store = from_url(f"s3://{BUCKET}/p?{query}", instance_path=tmp_path)

    with pytest.raises(StoreUnavailable, match="credentials"):
        store.check()
