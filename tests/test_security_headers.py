"""Security headers on every answer, and pages free of inline script and style."""

import re

import pytest

from tests.conftest import save
from tests.helpers import plain_static

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data: blob:; "
    "media-src 'self' https: blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/login",
        "/register",
        "/media/00000000-0000-4000-8000-000000000000",
        "/api/media/list",
        "/api/nowhere",
        "/static/css/app.css",
    ],
)
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)

    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_an_api_error_answer_carries_the_csp(client):
    response = client.post("/api/media/save", data="nope", content_type="text/plain")

    assert response.status_code == 415
    assert response.headers["Content-Security-Policy"] == CSP


def _pages(client) -> list[str]:
    media_id = save(client).get_json()["data"]["id"]
    paths = ["/", f"/media/{media_id}", "/login", "/register", "/nowhere"]
    return [client.get(path).get_data(as_text=True) for path in paths]


def test_pages_have_no_inline_script(client):
    for html in _pages(client):
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def test_pages_have_no_inline_styles_or_event_handlers(client):
    for html in _pages(client):
        assert not re.search(r"<style|\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_scripts_load_deferred_in_the_agreed_order(client):
    html = client.get("/").get_data(as_text=True)

    scripts = re.findall(r'<script defer src="([^"]+)"></script>', html)
    assert [plain_static(src) for src in scripts] == [
        "/static/vendor/htmx/2.0.11/htmx.min.js",
        "/static/js/media-cache.js",
        "/static/js/gallery.js",
        "/static/js/notices.js",
        "/static/js/local-import.js",  # the gallery only, after the cache it builds on
        "/static/js/card-grid.js",  # the gallery (and the 503 page's cached cards) only
        "/static/js/stacks.js",  # the gallery only: a variant stack's card expands in place
        "/static/js/zip-download.js",  # the gallery only: "Download zip" with progress
    ]


def test_pages_other_than_the_gallery_do_not_load_the_import_script(client):
    html = client.get("/login").get_data(as_text=True)

    scripts = [plain_static(s) for s in re.findall(r'<script defer src="([^"]+)"></script>', html)]
    assert "/static/js/media-cache.js" in scripts
    assert "/static/js/local-import.js" not in scripts
