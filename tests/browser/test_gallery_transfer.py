"""Export and import from the stats page, as a person does it in a browser."""

import json

from playwright.sync_api import expect

from .conftest import ROOT, image_payload, seed

SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def test_a_person_downloads_the_history_and_imports_a_file_with_a_readable_summary(
    page, live_server, tmp_path
):
    seed(page, live_server, [image_payload(1, prompt="A kept heron")])
    page.goto("/stats")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my history").click()
    exported = json.loads(download.value.path().read_text())
    history = tmp_path / "history.json"
    history.write_text(
        json.dumps({"data": [*exported["data"], {"type": "video", "prompt": "no url"}]})
    )

    page.get_by_label(
        "Import a file (a mediaapp export: JSON, or a zip with the files)"
    ).set_input_files(history)
    page.get_by_role("button", name="Import", exact=True).click()

    expect(page.locator("#import-title")).to_have_text("Imported history.json")
    expect(page.locator("#import-duplicate")).to_have_text("1")  # the heron was there
    expect(page.locator("#import-rejected")).to_have_text("1")
    expect(page.locator("#import-rejected-list")).to_contain_text("Item 2 of 2:")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "import-result-desktop.png"), full_page=True)
    assert [m["prompt"] for m in exported["data"]] == ["A kept heron"]
