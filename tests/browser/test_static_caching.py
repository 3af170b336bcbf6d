"""In a real browser: a second visit asks the network for no static file, and the gallery's
fingerprinted module and its import run."""

from .conftest import image_payload, seed


def network_requests(context, page, url: str) -> list[str]:
    """The URLs a navigation to url fetched from the network (not from the browser's cache)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    fetched: dict[str, str] = {}
    cached: set[str] = set()

    def received(event):
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromMemoryCache"):
            cached.add(event["requestId"])
        fetched[event["requestId"]] = response["url"]

    cdp.on("Network.responseReceived", received)
    cdp.on("Network.requestServedFromCache", lambda event: cached.add(event["requestId"]))
    page.goto(url, wait_until="networkidle")
    cdp.detach()
    return [u for request_id, u in fetched.items() if request_id not in cached]


def test_a_second_visit_takes_every_static_file_from_the_cache(context, page, live_server):
    seed(page, live_server, [image_payload(n) for n in range(3)])
    first = network_requests(context, page, "/")

    again = network_requests(context, page, "/")

    assert [u for u in first if "/static/" in u and "/static/demo/" not in u]
    assert [u for u in again if "/static/" in u and "/static/demo/" not in u] == []


def test_the_gallery_localises_card_dates_once_its_scripts_ran(page, live_server):
    seed(page, live_server, [image_payload(n) for n in range(2)])

    page.goto("/")

    dates = page.eval_on_selector_all(
        "#media-grid time[datetime]", "ts => ts.map(t => [t.textContent, t.title])"
    )
    assert len(dates) == 2
    # The server writes "1 Dec 2026" in UTC; Chromium's en-US locale reads "Dec 1".
    assert all(not text[0].isdigit() and title for text, title in dates)


def test_the_placeholder_module_loads_its_fingerprinted_import(page, live_server):
    seed(page, live_server, [image_payload(0)])
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    responses = []
    page.on("response", lambda response: responses.append((response.url, response.status)))

    page.goto("/", wait_until="networkidle")

    blurhash = [(u, s) for u, s in responses if "/vendor/blurhash/" in u]
    assert blurhash and all(status == 200 for _, status in blurhash)
    assert all(".js" in u and u.rsplit("/", 1)[-1].count(".") == 2 for u, _ in blurhash)
    assert failed == []
