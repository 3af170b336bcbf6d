"""Zip downloads in a real browser: the bulk toolbar's "Download zip" with its progress bar,
the browser's own download for a zip too big to hold in the page, the history's link, the
form without JavaScript, and importing the zip into another guest's history."""

import io
import json
import os
import re
import zipfile

from PIL import Image
from playwright.sync_api import expect

from .conftest import ROOT, image_payload

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHECKBOXES = ".media-card__checkbox"


def noisy_png(seed: int, size=(260, 260)) -> bytes:
    """A PNG that does not compress (~200 KB), so a throttled download takes a while."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def upload(page, base: str, n: int, prompt: str) -> dict:
    metadata = image_payload(n, prompt=prompt)
    metadata.pop("url")
    response = page.request.post(
        f"{base}/api/media/upload",
        multipart={
            "file": {"name": "kept.png", "mimeType": "image/png", "buffer": noisy_png(n)},
            "metadata": json.dumps(metadata),
        },
    )
    assert response.status == 201, response.text()
    return response.json()["data"]


def kept_history(page, base: str, count: int = 3) -> list[dict]:
    page.goto("/")
    return [upload(page, base, n, f"A red fox in snow, take {n}") for n in range(count)]


def test_the_toolbar_downloads_the_ticked_cards_with_a_progress_bar(page, live_server):
    records = kept_history(page, live_server)
    page.goto("/")
    for box in page.locator(CHECKBOXES).all()[:2]:
        box.check()
    # A slow line (about 120 KB/s), so the bar is seen filling up.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": 120_000, "uploadThroughput": -1},
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download zip").click()
        panel = page.locator("#zip-progress")
        expect(panel).to_contain_text("Downloading mediaapp-selection-")
        expect(panel.locator("progress")).to_have_attribute("value", re.compile(r"^0\.[2-6]"))
        page.screenshot(path=str(SCREENSHOTS / "zip-progress-desktop.png"))

    expect(panel).to_contain_text("Downloaded mediaapp-selection-")
    page.screenshot(path=str(SCREENSHOTS / "zip-done-desktop.png"))
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    archive = zipfile.ZipFile(download.value.path())
    manifest = json.loads(archive.read("manifest.json"))
    assert download.value.suggested_filename.startswith("mediaapp-selection-")
    assert len(manifest["items"]) == 2 and len(archive.namelist()) == 3
    newest = {r["prompt"] for r in records[1:]}
    assert {item["prompt"] for item in manifest["items"]} == newest


def test_a_zip_too_big_for_the_page_goes_to_the_browsers_own_download(page, live_server):
    kept_history(page, live_server, 2)
    page.goto("/")
    page.evaluate("() => { document.body.dataset.zipInPageLimit = '1000'; }")
    page.locator(CHECKBOXES).first.check()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download zip").click()

    expect(page.locator("#zip-progress")).to_contain_text("has started: your browser")
    page.screenshot(path=str(SCREENSHOTS / "zip-started-desktop.png"))
    assert zipfile.ZipFile(download.value.path()).testzip() is None


def test_the_history_link_downloads_the_filtered_view(page, live_server):
    kept_history(page, live_server, 2)
    page.goto("/?q=take+1")

    with page.expect_download() as download:
        page.locator("#zip-history-link").click()

    manifest = json.loads(zipfile.ZipFile(download.value.path()).read("manifest.json"))
    assert [item["prompt"] for item in manifest["items"]] == ["A red fox in snow, take 1"]
    expect(page.locator("#zip-progress")).to_contain_text("Downloaded mediaapp-history-")


def test_without_javascript_the_toolbar_button_is_a_plain_download(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    kept_history(page, live_server, 2)
    page.goto("/?select=page")  # without JavaScript, "Select all on this page" is a link

    with page.expect_download() as download:
        page.get_by_role("button", name="Download zip").click()

    archive = zipfile.ZipFile(download.value.path())
    assert len(json.loads(archive.read("manifest.json"))["items"]) == 2
    context.close()


def test_the_zip_imports_into_another_history_with_its_files(page, live_server, browser, tmp_path):
    kept_history(page, live_server, 2)
    page.goto("/")
    with page.expect_download() as download:
        page.locator("#zip-history-link").click()
    zipped = tmp_path / download.value.suggested_filename
    download.value.save_as(zipped)
    other = browser.new_context(base_url=live_server).new_page()
    other.goto("/stats")

    other.get_by_label("Import a file (a mediaapp export: JSON, or a zip").set_input_files(zipped)
    other.get_by_role("button", name="Import", exact=True).click()

    expect(other.locator("#import-imported")).to_have_text("2")
    expect(other.locator("#import-files")).to_have_text("2")
    other.screenshot(path=str(SCREENSHOTS / "zip-import-result-desktop.png"), full_page=True)
    other.goto("/")
    expect(other.locator("#media-grid .media-card img.media-card__media").first).to_have_attribute(
        "src", re.compile(r"^/api/media/.*/thumbnail$")
    )
    other.context.close()


def test_a_collection_page_downloads_that_collection(page, live_server):
    records = kept_history(page, live_server, 3)
    made = page.request.post(f"{live_server}/api/collections", data={"name": "Best foxes"})
    collection = made.json()["data"]["id"]
    added = page.request.post(
        f"{live_server}/api/collections/{collection}/items",
        data={"ids": [records[0]["id"], records[2]["id"]]},
    )
    assert added.ok, added.text()
    page.goto(f"/?collection={collection}")

    with page.expect_download() as download:
        page.locator("#zip-history-link").click()

    expect(page.locator("#zip-progress")).to_contain_text("Downloaded mediaapp-best-foxes-")
    page.screenshot(path=str(SCREENSHOTS / "zip-collection-desktop.png"))
    manifest = json.loads(zipfile.ZipFile(download.value.path()).read("manifest.json"))
    assert {item["prompt"] for item in manifest["items"]} == {
        records[0]["prompt"],
        records[2]["prompt"],
    }
