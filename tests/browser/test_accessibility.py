"""axe-core over every page, at 1280 and 390 px, light and dark, with no violation allowed.

The pages are those issue 12 names (gallery, detail, search, trash, shares, stats, account,
login, register, share page, 404, a broken-media card), plus the empty gallery a new guest
meets, a signed-in gallery, the prune confirmation, an import's summary, and the states a
person brings about (cards ticked, a share link made, a refused login or registration). Every
scan also checks that the page does not scroll sideways, and leaves a full-page screenshot in
artifacts/screenshots/axe-<page>-<width>-<scheme>.png.
"""

import json
import socket
import uuid
from dataclasses import dataclass

import pytest

from .axe import describe, new_scan_context, scan
from .conftest import ROOT, image_payload, video_payload

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Site:
    """Owners with something on every page, as cookie jars a scan context starts from."""

    guest: dict  # a guest with images, videos, a favorite, a trash and a share link
    user: dict  # a logged-in account with a few items
    broken: dict  # a guest whose only items' files cannot be loaded
    newcomer: dict  # a guest with nothing saved yet
    stacked: dict  # a guest whose items come in variant stacks (differing only by seed)
    detail_id: str
    share_url: str
    locked_url: str  # a link with a password
    still_url: str  # a link that allows no downloads
    collection_url: str  # a link to a collection
    collection_item_url: str  # one item's page through it
    collection_id: str = ""  # the guest's manual collection, with items
    smart_id: str = ""  # the guest's smart collection


def post_ok(request, url: str, data: dict | None = None, status: int = 201) -> dict:
    response = request.post(url, data=data) if data is not None else request.post(url)
    assert response.status == status, response.text()
    return response.json()["data"]


@pytest.fixture(scope="module")
def site(browser, live_server) -> Site:
    states = {}
    found = {}
    for who in ("guest", "user", "broken", "newcomer", "stacked"):
        context = browser.new_context(base_url=live_server)
        try:
            api = context.request
            api.get(f"{live_server}/")  # the gallery gives a new visitor its guest identity
            if who == "guest":
                records = [
                    # With costs, so the stats page shows its spend panel too.
                    post_ok(
                        api,
                        f"{live_server}/api/media/save",
                        image_payload(n, costUsd=0.003 * (n + 1), credits=n, provider="replicate"),
                    )
                    for n in range(6)
                ] + [
                    post_ok(api, f"{live_server}/api/media/save", video_payload(n))
                    for n in range(2)
                ]
                api.patch(f"{live_server}/api/media/{records[2]['id']}", data={"favorite": True})
                api.patch(f"{live_server}/api/media/{records[3]['id']}", data={"rating": 4})
                for record in records[:2]:
                    api.delete(f"{live_server}/api/media/{record['id']}")
                found["detail_id"] = records[3]["id"]
                share = post_ok(api, f"{live_server}/api/media/{records[4]['id']}/share", {})
                post_ok(api, f"{live_server}/api/media/{records[5]['id']}/share", {})
                found["share_url"] = share["url"]
                locked = {"password": "axe password"}
                found["locked_url"] = post_ok(
                    api, f"{live_server}/api/media/{records[4]['id']}/share", locked
                )["url"]
                still = {"allowDownload": False}
                found["still_url"] = post_ok(
                    api, f"{live_server}/api/media/{records[6]['id']}/share", still
                )["url"]
                shelf = post_ok(api, f"{live_server}/api/collections", {"name": "Axe shelf"})
                ids = {"ids": [r["id"] for r in records[2:7]]}
                post_ok(api, f"{live_server}/api/collections/{shelf['id']}/items", ids, 200)
                shelf_url = post_ok(api, f"{live_server}/api/collections/{shelf['id']}/share", {})[
                    "url"
                ]
                found["collection_url"] = shelf_url
                found["collection_item_url"] = f"{shelf_url}/m/{records[3]['id']}"
                found["collection_id"] = shelf["id"]
                smart = {"name": "Every video", "search": {"type": "video"}}
                found["smart_id"] = post_ok(api, f"{live_server}/api/collections", smart)["id"]
            elif who == "user":
                email = f"axe-{uuid.uuid4().hex[:12]}@example.com"
                post_ok(
                    api,
                    f"{live_server}/api/auth/register",
                    {"email": email, "password": "a long enough password"},
                )
                for n in range(3):
                    post_ok(api, f"{live_server}/api/media/save", image_payload(20 + n))
                # A provider callback endpoint, listed on the account page.
                post_ok(api, f"{live_server}/api/ingest-endpoints", {"label": "Replicate flux"})
            elif who == "broken":
                gone = f"http://127.0.0.1:{closed_port()}"
                post_ok(
                    api,
                    f"{live_server}/api/media/save",
                    image_payload(30, url=f"{gone}/gone.png", prompt="A fox whose file is gone"),
                )
                post_ok(
                    api,
                    f"{live_server}/api/media/save",
                    video_payload(
                        31,
                        url=f"{gone}/gone.mp4",
                        thumbnailUrl=f"{gone}/gone.jpg",
                        prompt="A river whose video is gone",
                    ),
                )
            elif who == "stacked":
                prompts = ["A lighthouse in a storm, variants"] * 4 + ["A quiet harbour"] * 2
                for n, prompt in enumerate([*prompts, "A single meadow"]):
                    post_ok(
                        api, f"{live_server}/api/media/save", image_payload(50 + n, prompt=prompt)
                    )
            states[who] = context.storage_state()
        finally:
            context.close()
    return Site(
        guest=states["guest"],
        user=states["user"],
        broken=states["broken"],
        newcomer=states["newcomer"],
        stacked=states["stacked"],
        **found,
    )


def log_in_wrongly(page) -> None:
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("not the password")
    page.locator("form.form").get_by_role("button", name="Log in").click()
    page.wait_for_selector(".form__alert")


def register_badly(page) -> None:
    page.get_by_label("Email").fill("not an email")
    page.locator("form.form").get_by_role("button", name="Create account").click()
    page.wait_for_selector("[aria-invalid=true]")


def create_an_endpoint(page) -> None:
    page.get_by_label("Endpoint name").fill("Another endpoint")
    page.get_by_role("button", name="Create endpoint").click()
    page.wait_for_selector(".ingest-created")


def open_the_share_box(page) -> None:
    page.locator(".share-box__summary").click()
    page.get_by_role("button", name="Create link").click()
    page.wait_for_selector(".share-created")


def open_the_collection_share_box(page) -> None:
    page.locator("#share-collection summary").click()
    page.locator("#share-collection").get_by_role("button", name="Create link").click()
    page.wait_for_selector("#collection-share-result .share-created")


def open_a_stack(page) -> None:
    page.get_by_role("link", name="Show 3 more variants").click()
    page.wait_for_selector(".stack-panel .media-card")


def rate_with_keys(page) -> None:
    page.keyboard.press("2")
    page.wait_for_selector("#rating-button-2[aria-pressed=true]")
    page.keyboard.press("4")  # back to the rating the other scans show
    page.wait_for_selector("#rating-button-4[aria-pressed=true]")


def make_an_api_key(page) -> None:
    page.get_by_label("Name", exact=True).fill("scan worker")
    page.get_by_label("Read: list, search, fetch and export").check()
    page.get_by_role("button", name="Create key").click()
    page.wait_for_selector("#new-api-key")


def give_a_wrong_password(page) -> None:
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Open").click()
    page.wait_for_selector(".form__alert")


def tick_two_links(page) -> None:
    for box in page.locator(".share-row input[name=ids]").all()[:2]:
        box.check()


def tick_two_cards(page) -> None:
    for box in page.locator(".media-card__checkbox").all()[:2]:
        box.check()


def download_a_zip(page) -> None:
    tick_two_cards(page)
    with page.expect_download():
        page.get_by_role("button", name="Download zip").click()
    page.wait_for_selector("#zip-progress.is-done")


def open_a_menu(page) -> None:
    page.locator(".media-card").first.hover()
    page.locator(".collect-menu__summary").first.click()
    page.wait_for_selector(".collect-menu[open]")


def open_save_search(page) -> None:
    page.get_by_text("Save this search").click()
    page.wait_for_selector(".save-search[open]")


def import_a_file(page) -> None:
    items = [image_payload(40), {"type": "image", "prompt": "no url"}]
    page.get_by_label(
        "Import a file (a mediaapp export: JSON, or a zip with the files)"
    ).set_input_files(
        files=[
            {
                "name": "history.json",
                "mimeType": "application/json",
                "buffer": json.dumps({"items": items}).encode(),
            }
        ]
    )
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_selector("#import-summary")


# name: (whose cookies, path or a function of the site giving it, what to do there first)
PAGES = {
    "gallery": ("guest", "/", None),
    "gallery-user": ("user", "/", None),
    "gallery-empty": ("newcomer", "/", None),
    "gallery-selection": ("guest", "/", tick_two_cards),
    "gallery-zip-downloaded": ("guest", "/", download_a_zip),
    "detail": ("guest", lambda s: f"/media/{s.detail_id}", None),
    "detail-sharing": ("guest", lambda s: f"/media/{s.detail_id}", open_the_share_box),
    "detail-culling": ("guest", lambda s: f"/media/{s.detail_id}", rate_with_keys),
    "rated-filter": ("guest", "/?minRating=3", None),
    "search": ("guest", "/?q=lighthouse&type=image", None),
    "search-nothing": ("guest", "/?q=no+such+prompt+anywhere", None),
    "trash": ("guest", "/trash", None),
    "shares": ("guest", "/shares", None),
    "shares-ticked": ("guest", "/shares", tick_two_links),
    "stats": ("guest", "/stats", None),
    "import-result": ("user", "/stats", import_a_file),
    "prune": ("guest", "/prune", None),
    "account": ("user", "/account", None),
    "account-key-made": ("user", "/account", make_an_api_key),
    "account-endpoint-created": ("user", "/account", create_an_endpoint),
    "login": (None, "/login", None),
    "login-refused": (None, "/login", log_in_wrongly),
    "register": (None, "/register", None),
    "register-refused": (None, "/register", register_badly),
    "share-page": (None, lambda s: s.share_url, None),
    "share-locked": (None, lambda s: s.locked_url, None),
    "share-locked-refused": (None, lambda s: s.locked_url, give_a_wrong_password),
    "share-no-download": (None, lambda s: s.still_url, None),
    "share-collection": (None, lambda s: s.collection_url, None),
    "share-collection-item": (None, lambda s: s.collection_item_url, None),
    "shares-collection-form": ("guest", "/shares", open_the_collection_share_box),
    "404": (None, "/no-such-page", None),
    "broken-media": ("broken", "/", None),
    "gallery-stacks": ("stacked", "/?stack=variants", None),
    "gallery-stack-open": ("stacked", "/?stack=variants", open_a_stack),
    "collections": ("guest", "/collections", None),
    "collections-empty": ("newcomer", "/collections", None),
    "collection": ("guest", lambda s: f"/?collection={s.collection_id}", None),
    "collection-card-menu": ("guest", lambda s: f"/?collection={s.collection_id}", open_a_menu),
    "collection-smart": ("guest", lambda s: f"/?collection={s.smart_id}", None),
    "collection-edit": ("guest", lambda s: f"/collections/{s.collection_id}/edit", None),
    "save-search": ("guest", "/?type=image", open_save_search),
}


def settle(page) -> None:
    """Wait until the page, its fonts and every image it shows have loaded or failed, and no
    htmx request is in flight (not for network silence: a file that cannot load may keep
    trying). A lazy image below the fold is not waited for: the browser fetches it only when
    it is scrolled to (at 390 px the shares page's fourth row sits there)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        """() => document.fonts.status === "loaded"
            && Array.from(document.images).every(img => img.complete
                || (img.loading === "lazy" && img.getBoundingClientRect().top > innerHeight))
            && !document.querySelector(".htmx-request")""",
        timeout=10_000,
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_the_page_has_no_axe_violations(browser, live_server, site, name, width, scheme):
    who, where, act = PAGES[name]
    path = where(site) if callable(where) else where
    state = getattr(site, who) if who else None
    context = new_scan_context(
        browser, live_server, width=width, scheme=scheme, storage_state=state
    )
    try:
        page = context.new_page()
        response = page.goto(path)
        assert response.status == (404 if name == "404" else 200)
        if act:
            act(page)
            # Back to the top: a sticky bar over a scrolled grid would cover the cards' own
            # controls in the screenshot and in axe's target-size measure.
            page.evaluate("() => window.scrollTo(0, 0)")
        settle(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"axe-{name}-{width}-{scheme}.png"), full_page=True)

        # A phone zooms out to fit a page that is too wide, widening innerWidth with it.
        wide = page.evaluate("() => document.scrollingElement.scrollWidth")
        window = min(width, page.evaluate("() => innerWidth"))
        assert wide <= window, f"{name} is {wide} px wide in a {window} px window"

        violations = scan(page)

        assert not violations, (
            f"axe-core on {name} at {width} px, {scheme}:\n{describe(violations)}"
        )
    finally:
        context.close()
