"""media-cache.js on a bare page at the app's origin: the cache, the queue, privacy, safety."""

import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import database_unavailable, image_payload, seed, storage, video_payload

OWNER_A = "a1a1a1a1a1a1a1a1"
OWNER_B = "b2b2b2b2b2b2b2b2"
HOSTILE_PROMPT = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>&amp;'


def stub_html(owner: str, offline: bool, grid: str | None) -> str:
    grid_html = (
        f'<div id="media-grid" class="media-grid" data-type="{grid}"></div>'
        if grid is not None
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cache stub</title>
<script src="/static/js/media-cache.js" defer></script></head>
<body data-owner-key="{owner}" data-api-base="/api" data-page="other"
      {'data-offline="1"' if offline else ""}>
<div id="offline-notice" class="offline-notice" role="status" hidden></div>
{grid_html}
<form id="logout" method="post" action="/__cache_stub_logged_out" data-cache-clear>
  <button type="submit">Log out</button>
</form>
</body></html>"""


@pytest.fixture
def open_stub(page, live_server):
    """Open a bare page served at the app's origin that loads only media-cache.js."""

    def handle(route):
        query = parse_qs(urlsplit(route.request.url).query, keep_blank_values=True)
        html = stub_html(
            owner=query.get("owner", [OWNER_A])[0],
            offline=query.get("offline", ["0"])[0] == "1",
            grid=query.get("grid", [None])[0],
        )
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

    page.route(f"{live_server}/__cache_stub**", handle)
    page.route(
        f"{live_server}/__cache_stub_logged_out",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p>bye</p>"),
    )

    def open_(owner: str = OWNER_A, offline: bool = False, grid: str | None = None):
        query = f"owner={owner}&offline={int(offline)}"
        if grid is not None:
            query += f"&grid={grid}"
        page.goto(f"{live_server}/__cache_stub?{query}")
        page.wait_for_function("() => window.MediaCache !== undefined")
        return page

    return open_


def cached_record(kind: str = "image", **overrides) -> dict:
    record = {
        "id": str(uuid.uuid4()),
        "type": kind,
        "url": "/static/demo/img-01.svg",
        "prompt": "a harmless prompt",
        "model": "flux-1-dev",
        "settings": {},
        "projectId": None,
        "requestId": None,
        "fileId": None,
        "thumbnailUrl": None,
        "createdAt": "2024-05-01T12:00:00.000Z",
        "userId": None,
    }
    record.update(overrides)
    return record


def put_storage(page, values: dict) -> None:
    page.evaluate(
        "values => { for (const [k, v] of Object.entries(values)) "
        "localStorage.setItem(k, JSON.stringify(v)); }",
        values,
    )


def test_a_refused_save_rejects_with_the_envelope_and_is_never_queued(open_stub):
    page = open_stub()
    bad = image_payload(url="javascript:alert(1)")

    outcome = page.evaluate(
        """async payload => {
            try { await MediaCache.save(payload); return {resolved: true}; }
            catch (e) { return {status: e.status, code: e.body && e.body.code}; }
        }""",
        bad,
    )

    assert outcome["status"] == 400
    assert outcome["code"] == "validation_error"
    assert f"mediaapp:v1:{OWNER_A}:queue" not in storage(page)
    expect(page.locator("#offline-notice")).to_be_hidden()


def test_a_save_without_request_id_gets_one_and_lands_in_the_cache(open_stub, live_server):
    page = open_stub()
    payload = image_payload()
    del payload["requestId"]

    outcome = page.evaluate("payload => MediaCache.save(payload)", payload)

    assert outcome["queued"] is False
    assert uuid.UUID(outcome["record"]["requestId"])
    assert [r["id"] for r in storage(page)[f"mediaapp:v1:{OWNER_A}:image"]] == [
        outcome["record"]["id"]
    ]


def test_the_cache_keeps_only_the_ten_newest_records_per_type(open_stub, live_server):
    page = open_stub()
    payloads = [image_payload(n) for n in range(12)] + [video_payload(n) for n in range(11)]

    page.evaluate(
        "async payloads => { for (const p of payloads) await MediaCache.save(p); }", payloads
    )

    cache = storage(page)
    for kind in ("image", "video"):
        newest = page.request.get(f"{live_server}/api/media/list?limit=10&type={kind}").json()
        assert [r["id"] for r in cache[f"mediaapp:v1:{OWNER_A}:{kind}"]] == [
            r["id"] for r in newest["data"]
        ]
    merged = page.evaluate("() => MediaCache.cached().map(r => r.createdAt)")
    assert len(merged) == 20
    assert merged == sorted(merged, reverse=True)


def test_load_shows_the_cache_first_then_replaces_it_from_the_api(open_stub, live_server):
    page = open_stub()
    stale = cached_record(prompt="deleted elsewhere")
    put_storage(page, {f"mediaapp:v1:{OWNER_A}:image": [stale]})
    fresh = seed(page, live_server, [image_payload(1), image_payload(2)])

    events = page.evaluate(
        """async () => {
            const seen = [];
            document.addEventListener("mediacache:update", e => seen.push({
                source: e.detail.source, offline: e.detail.offline,
                ids: e.detail.items.map(r => r.id)}));
            await MediaCache.load("image");
            return seen;
        }"""
    )

    assert events[0] == {"source": "cache", "offline": False, "ids": [stale["id"]]}
    assert events[-1] == {
        "source": "api",
        "offline": False,
        "ids": [fresh[1]["id"], fresh[0]["id"]],
    }
    assert [r["id"] for r in storage(page)[f"mediaapp:v1:{OWNER_A}:image"]] == [
        fresh[1]["id"],
        fresh[0]["id"],
    ]


@pytest.mark.parametrize("failure", ["network", "503"])
def test_load_keeps_the_cache_and_says_offline_when_the_api_fails(open_stub, live_server, failure):
    page = open_stub()
    records = seed(page, live_server, [image_payload(1), video_payload(2)])
    page.evaluate("() => MediaCache.load()")
    if failure == "network":
        page.route("**/api/media/list**", lambda route: route.abort("internetdisconnected"))
    else:
        page.route(
            "**/api/media/list**",
            lambda route: route.fulfill(
                status=503,
                content_type="application/json",
                body=json.dumps({"success": False, "error": "down", "code": "service_unavailable"}),
            ),
        )

    outcome = page.evaluate(
        """async () => {
            let offlineEvents = 0, last = null;
            document.addEventListener("mediacache:offline", () => { offlineEvents += 1; });
            document.addEventListener("mediacache:update", e => { last = e.detail; });
            const items = await MediaCache.load();
            return {ids: items.map(r => r.id), offlineEvents, last};
        }"""
    )

    assert outcome["ids"] == [records[1]["id"], records[0]["id"]]
    assert outcome["offlineEvents"] == 1
    assert outcome["last"]["offline"] is True and outcome["last"]["source"] == "cache"
    notice = page.locator("#offline-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("You're offline")


@pytest.mark.parametrize("failure", ["offline", "abort", "503", "captive-portal"])
def test_a_save_made_while_the_api_fails_is_queued_and_sent_exactly_once(
    open_stub, context, live_server, failure
):
    page = open_stub()
    payload = image_payload(7)
    if failure == "offline":
        context.set_offline(True)
    elif failure == "abort":
        page.route("**/api/media/save", lambda route: route.abort("connectionreset"))
    elif failure == "503":
        page.route(
            "**/api/media/save",
            lambda route: route.fulfill(status=503, content_type="application/json", body="{}"),
        )
    else:  # a hotel wifi login page answers every request with 200 and HTML
        page.route(
            "**/api/media/save",
            lambda route: route.fulfill(
                status=200, content_type="text/html", body="<h1>Wi-Fi</h1>"
            ),
        )

    queued = page.evaluate("payload => MediaCache.save(payload)", payload)

    assert queued == {"record": None, "queued": True}
    queue = storage(page)[f"mediaapp:v1:{OWNER_A}:queue"]
    assert [entry["payload"]["requestId"] for entry in queue] == [payload["requestId"]]
    notice = page.locator("#offline-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("1 save is waiting to sync")

    if failure == "offline":
        context.set_offline(False)  # fires the page's "online" event, which flushes
        page.wait_for_function(
            f"() => localStorage.getItem('mediaapp:v1:{OWNER_A}:queue') === null"
        )
    else:
        page.unroute("**/api/media/save")
    page.evaluate("() => MediaCache.flush()")
    page.evaluate("() => Promise.all([MediaCache.flush(), MediaCache.flush()])")

    listed = page.request.get(f"{live_server}/api/media/list").json()["data"]
    assert [r["requestId"] for r in listed] == [payload["requestId"]]
    assert f"mediaapp:v1:{OWNER_A}:queue" not in storage(page)
    assert [r["id"] for r in storage(page)[f"mediaapp:v1:{OWNER_A}:image"]] == [listed[0]["id"]]
    expect(notice).to_be_hidden()


def test_a_queued_save_the_server_refuses_is_dropped_and_reported(open_stub, live_server):
    page = open_stub()
    first, last = image_payload(1), image_payload(3)
    refused = image_payload(2, url="data:text/html,x")
    put_storage(
        page,
        {f"mediaapp:v1:{OWNER_A}:queue": [{"payload": p} for p in (first, refused, last)]},
    )

    outcome = page.evaluate(
        """async () => {
            const rejected = [];
            document.addEventListener("mediacache:rejected", e => rejected.push(
                {requestId: e.detail.payload.requestId, status: e.detail.status}));
            const result = await MediaCache.flush();
            return {result, rejected};
        }"""
    )

    assert outcome["result"] == {"sent": 2, "rejected": 1, "remaining": 0}
    assert outcome["rejected"] == [{"requestId": refused["requestId"], "status": 400}]
    listed = page.request.get(f"{live_server}/api/media/list").json()["data"]
    assert [r["requestId"] for r in listed] == [last["requestId"], first["requestId"]]
    assert f"mediaapp:v1:{OWNER_A}:queue" not in storage(page)


def test_remove_deletes_through_the_api_and_drops_the_record_from_the_cache(open_stub, live_server):
    page = open_stub()
    kept, gone = (
        page.evaluate("p => MediaCache.save(p)", image_payload(n))["record"] for n in (1, 2)
    )

    page.evaluate("id => MediaCache.remove(id)", gone["id"])

    assert page.request.get(f"{live_server}/api/media/{gone['id']}").status == 404
    assert [r["id"] for r in storage(page)[f"mediaapp:v1:{OWNER_A}:image"]] == [kept["id"]]


def test_remove_drops_a_record_the_server_no_longer_has(open_stub):
    page = open_stub()
    ghost = cached_record()
    put_storage(page, {f"mediaapp:v1:{OWNER_A}:image": [ghost]})

    result = page.evaluate("id => MediaCache.remove(id)", ghost["id"])

    assert result is None
    assert storage(page)[f"mediaapp:v1:{OWNER_A}:image"] == []


def test_a_hostile_cached_record_is_painted_as_text_and_its_bad_urls_never_reach_the_dom(
    page,
):
    # The API is out of reach from the start: otherwise the first page's own refresh could
    # land after put_storage below and replace the hostile records with the empty history.
    page.route("**/api/**", lambda route: route.abort())
    page.goto("/")  # a fresh guest's gallery: an empty grid, and the card <template>s
    owner = page.evaluate("() => MediaCache.ownerKey")
    image = cached_record(prompt=HOSTILE_PROMPT, url="javascript:window.__pwned=1")
    protocol_relative = cached_record(
        url="//evil.example/x.png", createdAt="2024-04-30T12:00:00.000Z"
    )
    safe = cached_record(url="/static/demo/img-02.svg", createdAt="2024-04-29T12:00:00.000Z")
    video = cached_record(
        "video",
        prompt=HOSTILE_PROMPT,
        url="javascript:window.__pwned=1",
        thumbnailUrl="JaVaScRiPt:window.__pwned=1",
        model='<b onmouseover="window.__pwned=1">veo</b>',
    )
    bad_id = cached_record(id='x" onmouseover="window.__pwned=1', prompt="bad id")
    put_storage(
        page,
        {
            f"mediaapp:v1:{owner}:image": [image, protocol_relative, safe, bad_id],
            f"mediaapp:v1:{owner}:video": [video],
        },
    )

    page.reload()

    cards = page.locator("#media-grid .media-card.is-cached")
    # Painting waits for the aborted API call to fail; allow a loaded machine its time.
    expect(cards).to_have_count(4, timeout=15_000)
    hostile_card = page.locator(f"#media-{image['id']}")
    expect(hostile_card.locator(".media-card__prompt")).to_have_text(HOSTILE_PROMPT)
    expect(hostile_card.locator("a.media-card__link")).to_have_accessible_name(HOSTILE_PROMPT)
    expect(hostile_card.locator(".media-card__state")).to_have_text("Preview unavailable")
    expect(page.locator(f"#media-{safe['id']} img")).to_have_attribute(
        "src", "/static/demo/img-02.svg"
    )
    expect(hostile_card.locator("a.media-card__link")).to_have_attribute(
        "href", f"/media/{image['id']}"
    )
    expect(page.locator(f"#media-{video['id']} .media-card__model")).to_have_text(video["model"])
    expect(page.locator(f"#media-{video['id']} a.media-card__link")).to_have_accessible_name(
        HOSTILE_PROMPT
    )
    expect(page.locator(f"#media-{video['id']} a.media-card__link")).to_have_accessible_description(
        "Video Preview unavailable"
    )
    assert page.locator("#media-grid script, #media-grid b, #media-grid [onerror]").count() == 0
    sources = page.eval_on_selector_all(
        "#media-grid [src], #media-grid [poster], #media-grid [href]",
        "els => els.flatMap(e => ['src', 'poster', 'href'].map(a => e.getAttribute(a)))"
        ".filter(v => v !== null)",
    )
    assert not [s for s in sources if "javascript" in s.lower() or s.startswith("//")]
    assert "/static/demo/img-02.svg" in sources
    assert page.evaluate("() => window.__pwned") is None
    expect(page.get_by_text("bad id")).to_have_count(0)
    assert "__prompt__" not in page.locator("#media-grid").inner_html()


def outline(page, selector: str):
    """The element tree of a card (tags and classes), without what only a live card has."""
    return page.eval_on_selector(
        selector,
        """card => {
            const classes = el => String(el.className.baseVal ?? el.className)
                .replace("is-cached", "").trim();
            const walk = el => [el.localName, classes(el),
                [...el.children].filter(c => !c.matches(
                    ".media-card__select, .media-card__actions")).map(walk)];
            return walk(card);
        }""",
    )


@pytest.mark.parametrize("kind", ["image", "video"])
def test_a_card_painted_from_the_cache_has_the_markup_of_the_servers_card(page, live_server, kind):
    payload = image_payload(3) if kind == "image" else video_payload(3)
    (record,) = seed(page, live_server, [payload])
    page.goto("/")
    server_card = outline(page, f"#media-{record['id']}")
    page.wait_for_function(
        f"() => MediaCache.cached('{kind}').some(r => r.id === '{record['id']}')"
    )

    with database_unavailable():  # the server answers its 503 page, the API 503s too
        page.reload()

        expect(page.locator(f"#media-{record['id']}.is-cached")).to_be_visible()
        assert outline(page, f"#media-{record['id']}") == server_card


def test_a_page_without_the_card_templates_paints_no_cards_but_says_offline(open_stub):
    page = open_stub()
    put_storage(page, {f"mediaapp:v1:{OWNER_A}:image": [cached_record()]})
    page.route("**/api/**", lambda route: route.abort())

    open_stub(offline=True, grid="")

    expect(page.locator("#offline-notice")).to_be_visible()
    expect(page.locator("#media-grid .media-card")).to_have_count(0)


def test_starting_as_another_owner_removes_every_other_owners_keys(open_stub):
    page = open_stub(owner=OWNER_A)
    put_storage(
        page,
        {
            f"mediaapp:v1:{OWNER_A}:image": [cached_record()],
            f"mediaapp:v1:{OWNER_A}:queue": [{"payload": image_payload()}],
            f"mediaapp:v1:{OWNER_B}:video": [],
            "unrelated:key": 1,
        },
    )

    open_stub(owner=OWNER_B)

    assert sorted(storage(page)) == [f"mediaapp:v1:{OWNER_B}:video"]
    assert page.evaluate("() => localStorage.getItem('unrelated:key')") == "1"
    assert page.evaluate("() => MediaCache.cached()") == []


def test_submitting_the_logout_form_clears_the_cache(open_stub, live_server):
    page = open_stub()
    put_storage(page, {f"mediaapp:v1:{OWNER_A}:image": [cached_record()]})

    page.get_by_role("button", name="Log out").click()

    page.wait_for_url(f"{live_server}/__cache_stub_logged_out")
    assert storage(page) == {}
