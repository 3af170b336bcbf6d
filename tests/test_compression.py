"""Text answers are compressed when the client accepts it; files are sent as they are."""

import gzip
import json
import re

import brotli
import pytest

from mediaapp import jobs
from tests.conftest import save

DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    return DECODE[encoding](response.data) if encoding else response.data


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_page_is_compressed_and_reads_the_same(client, encoding):
    save(client)
    plain = client.get("/")

    response = client.get("/", headers={"Accept-Encoding": f"{encoding}, deflate"})

    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.data) < len(plain.data) / 3
    assert decoded(response).decode().count('class="media-card"') == plain.get_data(
        as_text=True
    ).count('class="media-card"')


def test_json_is_compressed_and_parses_to_the_same_answer(client):
    for _ in range(5):
        save(client)
    plain = client.get("/api/media/list").get_json()

    response = client.get("/api/media/list", headers={"Accept-Encoding": "gzip, br"})

    assert response.headers["Content-Encoding"] == "br"  # preferred when both are accepted
    assert json.loads(decoded(response)) == plain


def test_without_accept_encoding_nothing_is_encoded(client):
    save(client)

    response = client.get("/")

    assert "Content-Encoding" not in response.headers


def test_a_small_answer_is_sent_as_it_is(client):
    response = client.get("/api/auth/me", headers={"Accept-Encoding": "br"})

    assert "Content-Encoding" not in response.headers and response.get_json()["success"]


def test_the_streamed_export_is_compressed(client):
    for _ in range(3):
        save(client)

    response = client.get("/api/media/export", headers={"Accept-Encoding": "gzip"})

    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(decoded(response))["data"]) == 3


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_text_is_sent_encoded_with_an_etag_of_its_own(client, encoding):
    html = client.get("/").get_data(as_text=True)
    url = re.search(r'href="(/static/css/[^"]+)"', html).group(1)
    plain = client.get(url)

    response = client.get(url, headers={"Accept-Encoding": encoding})
    again = client.get(
        url, headers={"Accept-Encoding": encoding, "If-None-Match": response.headers["ETag"]}
    )

    assert response.headers["Content-Encoding"] == encoding
    assert decoded(response) == plain.data
    assert response.headers["ETag"] != plain.headers["ETag"]
    assert again.status_code == 304


def stored_svg(some_app, client) -> dict:
    """The archive part of a demo SVG the client's owner now has a kept copy of."""
    client.post("/demo")
    with some_app.app_context():
        jobs.run_due()
    items = client.get("/api/media/list?limit=100").get_json()["data"]
    return next(i["archive"] for i in items if i["archive"]["mime"] == "image/svg+xml")


def test_a_stored_file_is_sent_unencoded_with_its_etag_and_ranges(app, client):
    kept = stored_svg(app, client)

    whole = client.get(kept["fileUrl"], headers={"Accept-Encoding": "br, gzip"})
    part = client.get(kept["fileUrl"], headers={"Accept-Encoding": "br", "Range": "bytes=0-9"})

    assert "Content-Encoding" not in whole.headers and "Content-Encoding" not in part.headers
    assert whole.headers["ETag"] == f'"{kept["sha256"]}"'
    assert part.status_code == 206 and part.data == whole.data[:10]


def test_a_file_the_front_server_sends_is_not_encoded(make_app, app):
    front = make_app(SENDFILE="x-accel-redirect:/internal-blobs/")
    client = front.test_client()
    kept = stored_svg(front, client)

    response = client.get(kept["fileUrl"], headers={"Accept-Encoding": "br, gzip"})

    assert response.headers["X-Accel-Redirect"].startswith("/internal-blobs/")
    assert "Content-Encoding" not in response.headers and response.data == b""
