"""Helpers the zip download and import tests share: stored media, zips, the bytes of a file."""

import io
import json
import os
import urllib.parse
import urllib.request
import uuid
import zipfile

import pytest
from PIL import Image

from tests.conftest import BUCKET, image_payload


def png_bytes(color=(30, 120, 200), size=(64, 48), noise: bool = False) -> bytes:
    image = Image.new("RGB", size, color)
    if noise:  # random pixels: a PNG that does not compress, bigger than a storage chunk
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(client, body: bytes, **overrides) -> dict:
    """Save a record whose file is stored at once; its record."""
    metadata = image_payload(**overrides)
    metadata.pop("url")
    response = client.post(
        "/api/media/upload",
        data={"file": (io.BytesIO(body), "file.png"), "metadata": json.dumps(metadata)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["data"]


def opened(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.data))


def manifest_of(response) -> dict:
    return json.loads(opened(response).read("manifest.json"))


def import_zip(client, body: bytes, name: str = "history.zip"):
    return client.post(
        "/api/media/import",
        data={"file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def file_bytes(client, url: str) -> bytes:
    """A stored file's bytes, sent by Flask (filesystem) or from S3 after the redirect."""
    response = client.get(url)
    if response.status_code == 302:
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with no_proxy.open(response.location, timeout=10) as downloaded:
            return downloaded.read()
    assert response.status_code == 200
    return response.data


def storage_app(request, make_app, tmp_path):
    """An app on the session's database with the blob store `request.param` names."""
    if request.param == "filesystem":
        return make_app(STORAGE_URL=f"file://{tmp_path / 'blobs'}")
    endpoint = request.getfixturevalue("moto_endpoint")
    query = urllib.parse.urlencode({"endpoint_url": endpoint, "region": "us-east-1"})
    return make_app(STORAGE_URL=f"s3://{BUCKET}/zip-{uuid.uuid4().hex}?{query}")


STORES = pytest.mark.parametrize("stored_app", ["filesystem", "s3"], indirect=True)
