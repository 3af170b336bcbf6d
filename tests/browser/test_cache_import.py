"""The gallery offers to import what this browser holds and the server does not."""

import hashlib
import json
import uuid

import pytest
from playwright.sync_api import expect

from tests.helpers import plain_static

from .conftest import image_payload, storage

LEGACY_KEY = "image-generation-history"
OFFER = "#import-offer"
CARDS = "#media-grid .media-card"


def legacy_history(tag: str) -> list[dict]:
    """What the app wrote before it had a database: two good records and one the API refuses."""
    return [
        {
            "id": f"img_{tag}_1",
            "url": "/static/demo/img-03.svg",
            "prompt": f"Legacy {tag}: a red fox in fresh snow",
            "timestamp": 1714564800000,  # 2024-05-01T12:00:00Z in milliseconds
            "settings": {
                "model": "flux-1-dev",
                "style": "photorealistic",
                "resolution": "1024x1024",
                "shotSize": "close-up",
                "seed": 42,
            },
        },
        {
            "id": f"img_{tag}_2",
            "imageUrl": "/static/demo/img-04.svg",
            "prompt": f"Legacy {tag}: a paper boat on a puddle",
            "createdAt": "2024-04-02T08:30:00.000Z",
            "model": "sdxl",
            "requestId": f"legacy-{tag}",
            "settings": {"style": "watercolor", "resolution": "768x768", "shotSize": "wide"},
        },
        {
            "id": f"img_{tag}_3",
            "url": "javascript:alert(document.cookie)",
            "prompt": f"Legacy {tag}: never imported",
            "timestamp": 1714000000000,
            "settings": {"model": "x", "style": "x", "resolution": "x", "shotSize": "x"},
        },
    ]


def local_request_id(url: str, prompt: str, created_at: str) -> str:
    return "local-" + hashlib.sha256(f"{url}|{prompt}|{created_at}".encode()).hexdigest()


def owner_key(page) -> str:
    # After a navigation the new page's deferred scripts may not have run yet.
    page.wait_for_function("() => window.MediaCache !== undefined")
    key = page.evaluate("() => MediaCache.ownerKey")
    assert key
    return key


def listed(page, live_server) -> list[dict]:
    return page.request.get(f"{live_server}/api/media/list?limit=100").json()["data"]


@pytest.fixture
def tag() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def gallery_with_legacy(page, live_server, tag):
    """The gallery of a fresh guest whose browser holds the legacy history."""
    page.goto("/")
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, JSON.stringify(value))",
        [LEGACY_KEY, legacy_history(tag)],
    )
    page.reload()
    return page


def test_the_gallery_offers_every_legacy_item_and_shows_none_of_their_data(
    gallery_with_legacy,
):
    page = gallery_with_legacy

    offer = page.locator(OFFER)

    # The browser does not judge the items; the server does when they are sent.
    expect(offer.locator(".import-offer__text")).to_have_text(
        "This browser holds 3 items that aren't in your history yet."
    )
    expect(offer.get_by_role("button", name="Import them")).to_be_visible()
    assert "javascript" not in offer.inner_html()


def test_importing_adds_the_items_with_their_original_dates_and_says_so(
    gallery_with_legacy, live_server, tag
):
    page = gallery_with_legacy

    page.locator(OFFER).get_by_role("button", name="Import them").click()

    result = page.locator(f"{OFFER}.import-offer--done")
    expect(result).to_have_text(
        "Imported 2 items (0 were already there). 1 item could not be imported."
    )
    expect(page.locator(OFFER).get_by_role("button")).to_have_count(0)
    records = {r["prompt"]: r for r in listed(page, live_server)}
    fox, boat = (
        records[f"Legacy {tag}: a red fox in fresh snow"],
        records[f"Legacy {tag}: a paper boat on a puddle"],
    )
    assert fox["createdAt"] == "2024-05-01T12:00:00.000Z"
    assert fox["requestId"] == local_request_id(fox["url"], fox["prompt"], fox["createdAt"])
    assert fox["settings"]["seed"] == 42
    assert boat["createdAt"] == "2024-04-02T08:30:00.000Z"
    assert (boat["url"], boat["model"], boat["requestId"]) == (
        "/static/demo/img-04.svg",
        "sdxl",
        f"legacy-{tag}",
    )
    assert len(records) == 2
    expect(page.locator(CARDS)).to_have_count(2)  # the reloaded grid shows them


def test_after_importing_the_offer_does_not_come_back_and_the_legacy_data_stays(
    gallery_with_legacy, tag
):
    page = gallery_with_legacy
    page.locator(OFFER).get_by_role("button", name="Import them").click()
    expect(page.locator(f"{OFFER}.import-offer--done")).to_be_visible()

    page.reload()

    expect(page.locator(CARDS)).to_have_count(2)
    page.wait_for_load_state("networkidle")
    expect(page.locator(OFFER)).to_have_count(0)
    kept = page.evaluate(f"() => JSON.parse(localStorage.getItem('{LEGACY_KEY}'))")
    assert kept == legacy_history(tag)
    refused = storage(page)[f"mediaapp:v1:{owner_key(page)}:import-rejected"]
    assert refused == [
        local_request_id(kept[2]["url"], kept[2]["prompt"], "2024-04-24T23:06:40.000Z")
    ]
    remembered = storage(page)[f"mediaapp:v1:{owner_key(page)}:imported"]
    assert sorted(remembered) == sorted(
        [
            f"legacy-{tag}",
            local_request_id(
                "/static/demo/img-03.svg", kept[0]["prompt"], "2024-05-01T12:00:00.000Z"
            ),
        ]
    )


def test_importing_twice_adds_nothing_because_the_server_answers_duplicate(
    gallery_with_legacy, live_server
):
    page = gallery_with_legacy
    first = page.evaluate("() => LocalImport.importLocal()")
    page.evaluate(f"() => localStorage.removeItem('mediaapp:v1:{owner_key(page)}:imported')")

    second = page.evaluate("() => LocalImport.importLocal()")

    assert first == {"imported": 2, "duplicate": 0, "rejected": 1}
    assert second == {"imported": 0, "duplicate": 2, "rejected": 0}  # the refusal is remembered
    assert page.evaluate("() => LocalImport.importLocal()") == {
        "imported": 0,
        "duplicate": 0,
        "rejected": 0,
    }
    assert len(listed(page, live_server)) == 2


def test_a_failed_import_says_why_keeps_the_offer_and_remembers_nothing(
    gallery_with_legacy, live_server
):
    page = gallery_with_legacy
    page.route(
        "**/api/media/import",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body=json.dumps(
                {
                    "success": False,
                    "error": "The database is unavailable.",
                    "code": "service_unavailable",
                }
            ),
        ),
    )
    offer = page.locator(OFFER)

    offer.get_by_role("button", name="Import them").click()

    expect(offer.locator(".import-offer__text")).to_contain_text(
        "The import did not finish: The database is unavailable."
    )
    expect(offer.get_by_role("button", name="Import them")).to_be_enabled()
    assert f"mediaapp:v1:{owner_key(page)}:imported" not in storage(page)
    assert listed(page, live_server) == []
    page.unroute("**/api/media/import")
    offer.get_by_role("button", name="Import them").click()
    expect(page.locator(f"{OFFER}.import-offer--done")).to_have_text(
        "Imported 2 items (0 were already there). 1 item could not be imported."
    )


def test_an_import_told_another_is_running_waits_and_goes_through(gallery_with_legacy, live_server):
    page = gallery_with_legacy
    busy = {"left": 1}

    def once_busy(route):
        if busy["left"]:
            busy["left"] -= 1
            route.fulfill(
                status=429,
                headers={"Retry-After": "1"},
                content_type="application/json",
                body=json.dumps(
                    {
                        "success": False,
                        "error": "Another import is running; try again in a few seconds.",
                        "code": "busy",
                        "details": {"retryAfter": 1},
                    }
                ),
            )
        else:
            route.continue_()

    page.route("**/api/media/import", once_busy)

    page.locator(OFFER).get_by_role("button", name="Import them").click()

    expect(page.locator(f"{OFFER}.import-offer--done")).to_have_text(
        "Imported 2 items (0 were already there). 1 item could not be imported."
    )
    assert busy["left"] == 0
    assert len(listed(page, live_server)) == 2


def test_not_now_hides_the_offer_for_the_rest_of_the_session(gallery_with_legacy):
    page = gallery_with_legacy

    page.locator(OFFER).get_by_role("button", name="Not now").click()

    expect(page.locator(OFFER)).to_have_count(0)
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.locator(OFFER)).to_have_count(0)


def test_a_queued_save_the_server_could_not_take_is_offered_and_imported(page, live_server):
    page.goto("/")
    page.route(
        "**/api/media/save",
        lambda route: route.fulfill(status=503, content_type="application/json", body="{}"),
    )
    payload = image_payload(5)
    assert page.evaluate("p => MediaCache.save(p)", payload)["queued"] is True

    page.reload()

    offer = page.locator(OFFER)
    expect(offer.locator(".import-offer__text")).to_have_text(
        "This browser holds 1 item that isn't in your history yet."
    )
    offer.get_by_role("button", name="Import them").click()
    expect(page.locator(f"{OFFER}.import-offer--done")).to_have_text(
        "Imported 1 item (0 were already there)."
    )
    assert [r["requestId"] for r in listed(page, live_server)] == [payload["requestId"]]
    assert f"mediaapp:v1:{owner_key(page)}:queue" not in storage(page)


LEGACY_SHAPES = {
    # a zustand-style store: {state: {images: [...], videos: [...]}, version}
    "generator-store": {
        "state": {
            "images": [
                {
                    "url": "https://cdn.example/a.png",
                    "prompt": "shape a",
                    "timestamp": 1700000000,
                    "settings": {"model": "m1", "style": "s", "resolution": "r", "shotSize": "z"},
                }
            ],
            "videos": [
                {
                    "videoUrl": "/static/demo/video-01.mp4",
                    "prompt": "shape b",
                    "thumbnailUrl": "/static/demo/video-01-poster.svg",
                    "duration": 4,
                    "createdAt": "2023-11-14T22:13:20Z",
                    "fileId": 77,
                    "settings": {
                        "model": "veo",
                        "style": "s",
                        "resolution": "r",
                        "shotSize": "z",
                        "frameRate": 24,
                    },
                }
            ],
        },
        "version": 0,
    },
    # not media: no prompt, a number list, htmx's history cache, a string that is not JSON
    "htmx-history-cache": [{"url": "/", "content": "<p>x</p>", "title": "t"}],
    "numbers": [1, 2, 3],
    "plain": "not json at all",
    # media-like, but the API refuses it: a video without a frame rate, a data: URL, no model
    "broken": [
        {"videoUrl": "/v.mp4", "prompt": "no frame rate", "settings": {"model": "veo"}},
        {"url": "data:image/png;base64,AAAA", "prompt": "data url", "model": "m"},
        {"url": "/x.png", "prompt": "no model"},
    ],
}


def plant(page, values: dict) -> None:
    page.evaluate(
        """values => { for (const [k, v] of Object.entries(values))
            localStorage.setItem(k, typeof v === "string" ? v : JSON.stringify(v)); }""",
        values,
    )


def test_legacy_shapes_are_mapped_onto_the_import_format(page):
    page.goto("/")
    plant(page, LEGACY_SHAPES)

    found = page.evaluate("() => LocalImport.findImportable()")

    by_prompt = {item["prompt"]: item for item in found}
    # Everything media-like is a candidate (the server judges it); what is not media is not.
    assert sorted(by_prompt) == ["data url", "no frame rate", "no model", "shape a", "shape b"]
    image, video = by_prompt["shape a"], by_prompt["shape b"]
    assert image == {
        "type": "image",
        "url": "https://cdn.example/a.png",
        "prompt": "shape a",
        "model": "m1",
        "settings": {"model": "m1", "style": "s", "resolution": "r", "shotSize": "z"},
        "createdAt": "2023-11-14T22:13:20.000Z",  # seconds since the epoch
        "requestId": local_request_id(
            "https://cdn.example/a.png", "shape a", "2023-11-14T22:13:20.000Z"
        ),
    }
    assert video["type"] == "video"
    assert video["url"] == "/static/demo/video-01.mp4"
    assert video["thumbnailUrl"] == "/static/demo/video-01-poster.svg"
    assert video["settings"]["duration"] == 4 and video["settings"]["frameRate"] == 24
    assert video["fileId"] == "77"
    assert video["createdAt"] == "2023-11-14T22:13:20.000Z"


def test_the_import_counts_what_the_server_refuses_as_rejected_with_its_reasons(page, live_server):
    page.goto("/")
    plant(
        page,
        {
            "broken": LEGACY_SHAPES["broken"],
            "ok": [LEGACY_SHAPES["generator-store"]["state"]["images"][0]],
        },
    )
    page.evaluate(
        """() => { window.__imported = null; document.addEventListener("mediacache:imported",
            e => { window.__imported = e.detail; }); }"""
    )

    totals = page.evaluate("() => LocalImport.importLocal()")

    assert totals == {"imported": 1, "duplicate": 0, "rejected": 3}
    refusals = page.evaluate("() => window.__imported.refusals")
    fields_refused = sorted(sorted(r["details"]) for r in refusals)
    assert fields_refused == [["model", "settings"], ["settings"], ["url"]]
    assert [r["prompt"] for r in listed(page, live_server)] == ["shape a"]
    assert page.evaluate("() => LocalImport.findImportable()") == []  # nothing offered again


def test_the_summary_counts_an_item_only_the_server_knows_it_refuses(page, live_server):
    page.goto("/")
    good, too_long = legacy_history("len")[0], dict(legacy_history("len")[1])
    too_long["prompt"] = "x" * 10_001  # one character past the API's limit
    plant(page, {LEGACY_KEY: [good, too_long]})
    page.reload()
    offer = page.locator(OFFER)
    expect(offer.locator(".import-offer__text")).to_have_text(
        "This browser holds 2 items that aren't in your history yet."
    )

    offer.get_by_role("button", name="Import them").click()

    expect(page.locator(f"{OFFER}.import-offer--done")).to_have_text(
        "Imported 1 item (0 were already there). 1 item could not be imported."
    )
    assert [r["prompt"] for r in listed(page, live_server)] == [good["prompt"]]


def test_an_item_refused_only_for_its_thumbnail_is_imported_without_it(page, live_server):
    page.goto("/")
    video = dict(LEGACY_SHAPES["generator-store"]["state"]["videos"][0])
    video["thumbnailUrl"] = "javascript:alert(1)"
    plant(page, {"videos": [video]})

    totals = page.evaluate("() => LocalImport.importLocal()")

    assert totals == {"imported": 1, "duplicate": 0, "rejected": 0}
    (record,) = listed(page, live_server)
    assert (record["prompt"], record["thumbnailUrl"]) == ("shape b", None)


def test_legacy_items_without_an_id_wait_for_a_secure_context_where_crypto_subtle_is_missing(
    page, tag
):
    page.add_init_script(
        "Object.defineProperty(Crypto.prototype, 'subtle', {get: () => undefined});"
    )
    page.goto("/")
    plant(
        page,
        {"generator-store": LEGACY_SHAPES["generator-store"], LEGACY_KEY: [legacy_history(tag)[1]]},
    )

    found = page.evaluate("() => LocalImport.findImportable()")

    assert page.evaluate("() => window.crypto.subtle") is None
    # Without SHA-256 there is no deterministic id, and a random one would import twice.
    assert [(item["prompt"], item["requestId"]) for item in found] == [
        (f"Legacy {tag}: a paper boat on a puddle", f"legacy-{tag}")
    ]


def test_a_page_other_than_the_gallery_does_not_load_the_import_module(page):
    page.goto("/login")

    scripts = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")

    assert [s for s in scripts if plain_static(s).endswith("/static/js/media-cache.js")]
    assert not [s for s in scripts if "local-import" in s]
    assert page.evaluate("() => [typeof LocalImport, typeof MediaCache.flush]") == [
        "undefined",
        "function",
    ]


def test_the_gallery_loads_the_import_module_after_the_cache(page):
    page.goto("/")

    scripts = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")

    names = [plain_static(s).rsplit("/", 1)[-1] for s in scripts]
    assert names.index("media-cache.js") < names.index("local-import.js")
    assert page.evaluate("() => typeof LocalImport.importLocal") == "function"
