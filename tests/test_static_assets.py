"""Static files under fingerprinted names, cached for a year; the plain names still answer."""

import re
import urllib.parse

import pytest

from mediaapp.assets import StaticManifest
from tests.helpers import plain_static

YEAR_IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_LINK = re.compile(r'(?:src|href)="(/static/[^"]+)"')


def static_links(client, path: str = "/") -> list[str]:
    return STATIC_LINK.findall(client.get(path).get_data(as_text=True))


def test_pages_link_every_static_file_by_a_fingerprinted_name(client):
    links = static_links(client) + static_links(client, "/login")

    assert links and all(plain_static(url) != url for url in links)
    assert {plain_static(url) for url in links} >= {
        "/static/css/app.css",
        "/static/vendor/htmx/2.0.11/htmx.min.js",
        "/static/js/placeholders.js",
    }


def test_a_fingerprinted_file_is_cached_for_a_year_and_never_revalidated(client):
    for url in static_links(client):
        response = client.get(url)

        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == YEAR_IMMUTABLE, url
        assert response.data == client.get(plain_static(url)).data


def test_the_plain_name_still_answers_with_a_short_cache(client):
    response = client.get("/static/css/app.css")

    assert response.status_code == 200 and b".media-card" in response.data
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_a_fingerprint_from_an_earlier_version_gets_todays_file_with_a_short_cache(client):
    response = client.get("/static/css/app.000000000000.css")

    assert response.status_code == 200
    assert response.data == client.get("/static/css/app.css").data
    assert "immutable" not in response.headers["Cache-Control"]


def test_a_fingerprinted_file_answers_304_to_its_etag(client):
    url = next(u for u in static_links(client) if u.endswith(".css"))
    etag = client.get(url).headers["ETag"]

    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304 and response.data == b""


def test_a_missing_static_file_answers_404(client):
    assert client.get("/static/css/nothing.css").status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_the_placeholder_module_imports_the_vendored_blurhash_by_its_fingerprint(client):
    module_url = next(u for u in static_links(client) if "placeholders" in u)
    module = client.get(module_url).get_data(as_text=True)

    spec = re.search(r'import \{ decode \} from "([^"]+)"', module).group(1)
    imported = urllib.parse.urljoin(module_url, spec)
    response = client.get(imported)

    assert plain_static(imported) == "/static/vendor/blurhash/2.0.5/blurhash.js"
    assert response.status_code == 200 and b"export" in response.data
    assert response.headers["Cache-Control"] == YEAR_IMMUTABLE


def test_a_media_file_keeps_its_byte_ranges(client):
    response = client.get("/static/demo/video-01.mp4", headers={"Range": "bytes=0-9"})

    assert response.status_code == 206 and len(response.data) == 10


# --- the manifest, on a folder of its own ------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "js").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body { color: red }")
    (tmp_path / "lib" / "dep.js").write_text("export const answer = 42;")
    (tmp_path / "js" / "main.js").write_text(
        'import { answer } from "../lib/dep.js";\nimport "./missing.js";\nconsole.log(answer);'
    )
    return tmp_path


def test_a_file_gets_a_new_name_when_its_content_changes(folder):
    before = StaticManifest(folder).url_name("css/site.css")

    (folder / "css" / "site.css").write_text("body { color: blue }")

    after = StaticManifest(folder).url_name("css/site.css")
    assert before != after and re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", after)


def test_changing_an_imported_module_renames_the_module_that_imports_it(folder):
    before = StaticManifest(folder)

    (folder / "lib" / "dep.js").write_text("export const answer = 43;")

    after = StaticManifest(folder)
    assert after.url_name("js/main.js") != before.url_name("js/main.js")
    body = after.by_path["js/main.js"].body.decode()
    dep = after.url_name("lib/dep.js")
    assert f'from "../{dep}"' in body and 'import "./missing.js"' in body


def test_the_stylesheet_closes_every_rule_it_opens():
    """One lost `}` (a merge dropped one) turns every later rule into a nested, dead one."""
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "static" / "css" / "app.css").read_text()
    depth, line = 0, 1
    for char in css:
        line += char == "\n"
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, f"app.css closes a rule it never opened, line {line}"
        # Rules nest only inside at-rules (@media, @supports), two levels at most here.
        assert depth <= 2, f"app.css nests a rule inside a rule, line {line}"

    assert depth == 0
