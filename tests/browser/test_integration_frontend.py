"""A frontend of its own on mediaapp's origin: a plain page (no data-owner-key, the app's
strict CSP) imports media-cache.mjs and the README's "A browser frontend" example, as written,
and saves, lists by cursor, reads the cache and queues a save while offline."""

import re
from pathlib import Path

import pytest

from mediaapp.security import CONTENT_SECURITY_POLICY

from .conftest import image_payload, storage, video_payload

ROOT = Path(__file__).resolve().parents[2]
MARK = "<!-- tests/browser/test_integration_frontend.py runs the js block below -->"

PLAIN_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A generator</title>
<script type="module" src="/__frontend/generator.js"></script>
<script type="module" src="/__frontend/probe.js"></script></head>
<body><h1>My generator</h1></body></html>"""
# What the test calls: the README's module and media-cache.mjs, from a module of the page.
PROBE = """import * as guide from "/__frontend/generator.js";
import MediaCache, * as cache from "/static/js/media-cache.mjs";
window.frontend = { guide, cache, MediaCache };
"""


def readme_frontend() -> str:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(re.escape(MARK) + r"\n```js\n(.*?)```", text, re.S)
    assert len(blocks) == 1, f"expected one js block after {MARK!r} in README.md"
    return blocks[0]


@pytest.fixture
def frontend(page, live_server):
    """Open the plain page, served at the app's origin under the app's own CSP."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # (Not the console's "Failed to load resource": refusals and the offline test make those.)
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None
        ),
    )
    scripts = {"generator.js": readme_frontend(), "probe.js": PROBE}

    def serve(route):
        name = route.request.url.rsplit("/", 1)[1]
        if name in scripts:
            route.fulfill(status=200, content_type="text/javascript", body=scripts[name])
        else:
            route.fulfill(
                status=200,
                content_type="text/html; charset=utf-8",
                headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY},
                body=PLAIN_PAGE,
            )

    page.route(f"{live_server}/__frontend/**", serve)

    def open_():
        page.goto(f"{live_server}/__frontend/index.html")
        page.wait_for_function("() => window.frontend !== undefined")
        return page

    yield open_
    assert errors == []


def test_the_readme_frontend_saves_and_reads_the_history_by_cursor(frontend):
    page = frontend()
    payloads = [image_payload(n) for n in range(3)] + [video_payload(0)]

    saved = page.evaluate(
        """async (payloads) => {
            const out = [];
            for (const p of payloads) out.push(await frontend.guide.saveGeneration(p));
            return out;
        }""",
        payloads,
    )
    again = page.evaluate("p => frontend.guide.saveGeneration(p)", payloads[1])
    images = page.evaluate("() => frontend.guide.history('image')")
    videos = page.evaluate("() => frontend.guide.history('video')")

    assert again["id"] == saved[1]["id"]
    assert [r["id"] for r in images] == [r["id"] for r in reversed(saved[:3])]
    assert [r["prompt"] for r in videos] == [payloads[3]["prompt"]]


def test_the_readme_frontend_pages_past_one_page(frontend, live_server):
    page = frontend()
    for n in range(52):
        page.request.post(f"{live_server}/api/media/save", data=image_payload(n))

    history = page.evaluate("() => frontend.guide.history('image')")

    assert len(history) == 52 and len({r["id"] for r in history}) == 52
    assert history[0]["prompt"].startswith("Image number 51:")


def test_a_refusal_reaches_the_frontend_as_an_error_with_its_code(frontend):
    page = frontend()

    refused = page.evaluate(
        """p => frontend.guide.saveGeneration(p).then(
            () => null, (e) => ({status: e.status, code: e.code, message: e.message}))""",
        image_payload(url="javascript:alert(1)"),
    )

    assert refused["status"] == 400 and refused["code"] == "validation_error"
    assert refused["message"]


def test_the_cache_module_connects_a_plain_page_to_this_browsers_owner(frontend, live_server):
    page = frontend()
    assert page.evaluate("() => frontend.cache.connect()") == ""  # nobody yet

    record = page.evaluate("p => frontend.cache.save(p)", image_payload(1))["record"]

    me = page.request.get(f"{live_server}/api/auth/me").json()["data"]
    key = page.evaluate("() => frontend.cache.ownerKey()")
    assert key and key == me["cacheKey"]
    assert [r["id"] for r in page.evaluate("() => frontend.cache.cached('image')")] == [
        record["id"]
    ]
    assert list(storage(page)) == [f"mediaapp:v1:{key}:image"]


def test_the_readme_cache_example_shows_the_cache_at_once_after_a_reload(frontend, live_server):
    page = frontend()
    first = page.evaluate("p => frontend.guide.saveOrQueue(p)", image_payload(1))
    page.reload()
    page.wait_for_function("() => window.frontend !== undefined")

    # The API is out of reach now; the cache still has what this browser saw.
    page.route(f"{live_server}/api/media/**", lambda route: route.abort())
    recent = page.evaluate("() => frontend.guide.recentImages()")
    queued = page.evaluate("p => frontend.guide.saveOrQueue(p)", image_payload(2))

    assert [r["id"] for r in recent] == [first]
    assert queued == "queued"
    assert len(page.evaluate("() => frontend.cache.queued()")) == 1

    page.unroute(f"{live_server}/api/media/**")
    assert page.evaluate("() => frontend.cache.flush()")["sent"] == 1
    listed = page.request.get(f"{live_server}/api/media/list").json()["data"]
    assert len(listed) == 2


def test_one_cache_runs_on_a_page_that_loads_the_script_and_the_module(page, live_server):
    page.goto(f"{live_server}/")
    page.wait_for_function("() => window.MediaCache !== undefined")

    same = page.evaluate(
        """async () => {
            const module = await import("/static/js/media-cache.mjs");
            return module.default === window.MediaCache && module.cached === MediaCache.cached;
        }"""
    )

    assert same is True
