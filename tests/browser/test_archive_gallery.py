"""Kept copies in a real browser: the grid loads thumbnails and paints each one's blurhash
until it arrives; the detail view shows the original copy."""

import io
import json

from PIL import Image
from playwright.sync_api import expect

from .conftest import image_payload

CARDS = "#media-grid .media-card"


def png(color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), color).save(out, "PNG")
    return out.getvalue()


def upload(page, base: str, color, prompt: str) -> dict:
    metadata = {key: value for key, value in image_payload(1, prompt=prompt).items()}
    metadata.pop("url")
    response = page.request.post(
        f"{base}/api/media/upload",
        multipart={
            "file": {"name": "kept.png", "mimeType": "image/png", "buffer": png(color)},
            "metadata": json.dumps(metadata),
        },
    )
    assert response.status == 201, response.text()
    return response.json()["data"]


def test_the_grid_loads_thumbnails_and_paints_placeholders_until_they_arrive(page, live_server):
    page.goto("/")
    kept = upload(page, live_server, (220, 90, 30), "An orange kept by the server")
    held = []
    # Hold every thumbnail back, as a slow connection would.
    page.route("**/thumbnail", lambda route: held.append(route))

    page.goto("/")

    image = page.locator(f"#media-{kept['id']} img.media-card__media")
    expect(image).to_have_attribute("src", f"/api/media/{kept['id']}/thumbnail")
    expect(image).to_have_attribute("data-placeholder", kept["archive"]["placeholder"])
    painted = image.evaluate("img => getComputedStyle(img).backgroundImage")
    assert painted.startswith('url("data:image/png')
    for route in held:
        route.continue_()
    expect(image).to_have_js_property("complete", True)
    page.wait_for_function(
        "id => document.querySelector(`#media-${id} img`).style.backgroundImage === ''",
        arg=kept["id"],
    )


def test_the_detail_view_shows_the_original_copy(page, live_server):
    page.goto("/")
    kept = upload(page, live_server, (20, 120, 220), "A blue kept by the server")

    page.goto(f"/media/{kept['id']}")

    media = page.locator(".detail__media")
    expect(media).to_have_attribute("src", f"/api/media/{kept['id']}/file")
    page.wait_for_function("() => document.querySelector('.detail__media').naturalWidth === 400")
