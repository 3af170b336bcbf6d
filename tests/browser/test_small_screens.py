"""Pages at phone and desktop widths: the home link's name, the stats page's width, the detail
view's frame, the guest banner's landmark and the search box's label (issue 12, items 5, 6)."""

import uuid

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, image_payload, seed, video_payload
from .test_gallery_pages import import_history, settle

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")


@pytest.fixture
def sized(browser, live_server):
    """Open a context at a width and colour scheme (phones as phones); closed afterwards."""
    contexts = []

    def open_context(width: int, scheme: str = "light"):
        phone = width < 600
        context = browser.new_context(
            base_url=live_server,
            viewport={"width": width, "height": 844 if phone else 900},
            is_mobile=phone,
            has_touch=phone,
            color_scheme=scheme,
        )
        contexts.append(context)
        return context.new_page()

    yield open_context
    for context in contexts:
        context.close()


def scroll_width(page) -> list[int]:
    """How wide the page is, and the window it has. A phone zooms out to fit a page that is
    too wide, which widens innerWidth with it: the window is the viewport the context set."""
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    return [width, min(page.viewport_size["width"], page.evaluate("() => window.innerWidth"))]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_home_link_is_named_on_every_page_at_phone_width(sized, live_server, scheme):
    page = sized(390, scheme)
    [item] = seed(page, live_server, [image_payload(1)])
    share = page.request.post(f"{live_server}/api/media/{item['id']}/share", data={})
    paths = ["/", f"/media/{item['id']}", "/trash", "/shares", "/stats", "/login", "/register"]
    paths += [share.json()["data"]["url"], "/no-such-page"]

    for path in paths:
        page.goto(path)
        home = page.get_by_role("link", name="mediaapp", exact=True)
        expect(home, f"the home link on {path}").to_have_count(1)
        expect(home).to_be_visible()
        expect(home).to_have_attribute("href", "/")
        # The case that lost the name: the word itself is out of sight at this width.
        assert page.locator(".brand__name").bounding_box()["width"] <= 1, path


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_stats_page_does_not_scroll_sideways_on_a_phone(sized, live_server, scheme):
    page = sized(390, scheme)
    import_history(page, live_server, days=40, seed_value=5)
    seed(
        page,
        live_server,
        [image_payload(n, model=f"a-rather-long-model-name-v{n}") for n in (1, 2)],
    )

    page.goto("/stats")

    expect(page.locator("svg.bars rect.bars__bar")).to_have_count(8)
    width, viewport = scroll_width(page)
    assert width <= viewport, f"the stats page is {width} px wide in a {viewport} px window"
    # The per-model numbers are still there for a screen reader.
    table = page.get_by_role("table", name="Items per model, most used first")
    expect(table.get_by_role("row")).to_have_count(9)
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / f"stats-390-{scheme}.png"), full_page=True)


MEDIA = {
    "landscape": image_payload(0, url="/static/demo/img-01.svg"),  # 1344 x 768
    "portrait": image_payload(0, url="/static/demo/img-05.svg"),  # 768 x 1344
    "square": image_payload(0, url="/static/demo/img-02.svg"),  # 1024 x 1024
    "video": video_payload(0),  # 640 x 360, with a poster
}


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("shape", list(MEDIA))
def test_the_detail_view_frames_the_media_at_its_own_aspect_ratio(
    sized, live_server, shape, width, scheme
):
    page = sized(width, scheme)
    payload = {**MEDIA[shape], "requestId": f"detail-{shape}-{width}-{scheme}"}
    [item] = seed(page, live_server, [payload])

    page.goto(f"/media/{item['id']}")

    media = page.locator(".detail__media")
    if shape == "video":
        page.wait_for_function(
            "() => document.querySelector('video.detail__media').readyState >= 1"
        )
        natural = media.evaluate("v => v.videoWidth / v.videoHeight")
    else:
        settle(page)
        natural = media.evaluate("img => img.naturalWidth / img.naturalHeight")
    box = media.bounding_box()
    stage = page.locator(".detail__stage").bounding_box()
    # The frame is the media plus its 1 px border: no grey band on any side.
    assert abs(stage["width"] - box["width"]) <= 3, (stage, box)
    assert abs(stage["height"] - box["height"]) <= 3, (stage, box)
    assert box["width"] / box["height"] == pytest.approx(natural, rel=0.02)
    assert box["height"] <= 0.78 * page.viewport_size["height"] + 1
    assert box["width"] <= page.viewport_size["width"]
    if width == 390:  # a phone shows the media as wide as the page allows, unless it is tall
        column = page.locator(".detail").bounding_box()["width"]
        assert shape == "portrait" or box["width"] >= column - 3
    page.screenshot(path=str(SCREENSHOTS / f"detail-{shape}-{width}-{scheme}.png"))


def test_a_missing_file_still_gets_a_full_width_frame(sized, live_server):
    page = sized(390)
    [item] = seed(page, live_server, [image_payload(3, url="/static/demo/no-such-file.svg")])

    page.goto(f"/media/{item['id']}")

    stage = page.locator(".detail__stage")
    expect(stage).to_have_class("detail__stage is-broken")
    expect(stage).to_have_css("min-height", "280px")
    assert stage.bounding_box()["width"] >= page.locator(".detail").bounding_box()["width"] - 1


@pytest.mark.parametrize("width", WIDTHS)
def test_the_guest_banner_is_a_landmark_of_its_own(sized, live_server, width):
    page = sized(width)

    page.goto("/")

    banner = page.get_by_role("complementary", name="Guest history")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You’re a guest: your history lives in this browser only.")
    expect(banner.get_by_role("link", name="Create an account")).to_be_visible()


def test_a_signed_in_person_gets_no_guest_banner(sized, live_server):
    page = sized(1280)
    page.request.post(
        f"{live_server}/api/auth/register",
        data={
            "email": f"banner-free-{uuid.uuid4().hex[:8]}@example.com",
            "password": "a long enough password",
        },
    )

    page.goto("/")

    expect(page.get_by_role("complementary", name="Guest history")).to_have_count(0)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_search_box_has_a_label_you_can_see(sized, live_server, width, scheme):
    page = sized(width, scheme)
    seed(page, live_server, [image_payload(n) for n in range(2)])

    page.goto("/")

    label = page.locator("label[for=filter-q]")
    expect(label).to_be_visible()
    expect(label).to_have_text("Search prompts")
    box, field = label.bounding_box(), page.locator("#filter-q").bounding_box()
    assert box["width"] > 50 and box["height"] > 8
    assert box["y"] + box["height"] <= field["y"] + 1  # above the box, not hidden behind it
    page.get_by_label("Search prompts").fill("number 1")
    expect(page.locator("#media-grid .media-card")).to_have_count(1)
    expect(label).to_be_visible()  # still there once the placeholder is gone
