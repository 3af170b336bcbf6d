"""Export and import from the gallery: the stats page offers both, and an import answers a
summary a person can read (imported, already there, refused with the reason)."""

import io
import json
import re
import uuid
import zipfile

from tests.conftest import count_rows, image_payload, save


def import_file(client, document, name="history.json"):
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(
        "/import",
        data={"file": (io.BytesIO(body), name)},
        content_type="multipart/form-data",
    )


def test_the_stats_page_offers_the_download_and_the_import(client):
    html = client.get("/stats").get_data(as_text=True)

    assert 'href="/api/media/export" download' in html and "Download my history" in html
    assert 'action="/import"' in html and 'enctype="multipart/form-data"' in html


def test_importing_an_export_says_what_was_imported_duplicated_and_refused(app, client):
    save(client)
    exported = client.get("/api/media/export").get_json()
    other = app.test_client()
    document = {"data": [*exported["data"], {"type": "image", "prompt": "no url"}]}

    first = import_file(other, document).get_data(as_text=True)
    again = import_file(other, document).get_data(as_text=True)

    assert 'id="import-imported">1<' in first and 'id="import-rejected">1<' in first
    assert "Item 2 of 2:" in first and "url: Missing data for required field." in first
    assert 'id="import-imported">0<' in again and 'id="import-duplicate">1<' in again
    assert count_rows(app) == 2


def test_a_plain_list_of_save_requests_imports_too(app, client):
    response = import_file(client, [image_payload(), image_payload()])

    assert response.status_code == 200 and 'id="import-imported">2<' in response.get_data(
        as_text=True
    )


def test_a_file_that_is_not_a_history_answers_400_and_imports_nothing(app, client):
    not_json = import_file(client, b"\x89PNG not json at all")
    not_a_list = import_file(client, {"hello": "world"})
    no_file = client.post("/import", data={}, content_type="multipart/form-data")

    assert (not_json.status_code, not_a_list.status_code, no_file.status_code) == (400, 400, 400)
    assert "not JSON" in not_json.get_data(as_text=True)
    assert "Expected a list of items" in not_a_list.get_data(as_text=True)
    assert count_rows(app) == 0


def test_with_csrf_on_an_import_without_the_token_is_refused(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()

    response = import_file(client, [image_payload()])

    assert response.status_code == 400 and count_rows(app) == 0


def test_the_bulk_toolbar_and_the_history_offer_a_zip_download(client):
    save(client)

    html = client.get("/").get_data(as_text=True)

    assert 'formaction="/media/zip"' in html and "Download zip" in html
    assert 'href="/download.zip"' in html and 'data-zip-api="/api/media/zip"' in html


def test_the_toolbar_form_downloads_the_ticked_cards_as_a_zip_without_javascript(client):
    ids = [save(client, image_payload(prompt=f"fox {n}")).get_json()["data"]["id"] for n in (1, 2)]

    response = client.post("/media/zip", data={"ids": ids, "q": "", "type": ""})

    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert names == ["manifest.json"]  # nothing kept yet: the manifest lists both by url
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("manifest.json"))
    assert sorted(item["prompt"] for item in manifest["items"]) == ["fox 1", "fox 2"]


def test_the_history_link_downloads_the_filtered_view(client):
    save(client, image_payload(prompt="fox"))
    save(client, image_payload(prompt="owl"))

    response = client.get("/download.zip?q=owl")

    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("manifest.json"))
    assert [item["prompt"] for item in manifest["items"]] == ["owl"]


def test_a_zip_of_nothing_ticked_answers_a_readable_400_page(client):
    response = client.post("/media/zip", data={})

    assert response.status_code == 400
    assert "Select at least one item first." in response.get_data(as_text=True)


def test_with_csrf_on_a_zip_download_without_the_token_is_refused(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    saved = save(client).get_json()["data"]["id"]

    response = client.post("/media/zip", data={"ids": [saved]})

    assert response.status_code == 400 and response.mimetype != "application/zip"


def test_a_collections_view_offers_the_zip_of_that_collection(app, client):
    from mediaapp.services import collections
    from tests.conftest import guest_owner

    fox = save(client, image_payload(prompt="fox")).get_json()["data"]["id"]
    save(client, image_payload(prompt="owl"))
    owner = guest_owner(app, client)
    with app.app_context():
        made = collections.create_collection(owner, "Foxes")
        collections.add_items(owner, made.id, [uuid.UUID(fox)])
        collection = str(made.id)

    html = client.get(f"/?collection={collection}").get_data(as_text=True)

    link = re.search(r'id="zip-history-link" href="([^"]+)"', html).group(1)
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(client.get(link).data)).read("manifest.json"))
    assert f"collection={collection}" in link
    assert [item["prompt"] for item in manifest["items"]] == ["fox"]
