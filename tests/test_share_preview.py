"""A share page's link preview: Open Graph and Twitter tags that chat apps read, with
absolute URLs, and nothing private (a hidden prompt stays hidden, no owner, no ids)."""

import html as html_lib
import re

from tests.conftest import image_payload, save, video_payload
from tests.helpers import HTMX, saved_id

TOKEN = re.compile(r"http://localhost/s/([\w-]{43,})")


def share(client, payload, **form) -> str:
    media_id = saved_id(save(client, payload))
    response = client.post(f"/media/{media_id}/share", data=form, headers=HTMX)
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def meta(page: str) -> dict[str, str]:
    """Every <meta property|name=... content=...> of the page's head."""
    head = page.split("</head>", 1)[0]
    found = re.findall(r'<meta (?:property|name)="([\w:]+)" content="([^"]*)">', head)
    return {key: html_lib.unescape(value) for key, value in found}


def test_a_shared_image_has_a_preview_titled_by_its_prompt(app, client):
    token = share(client, image_payload(prompt="A red fox in fresh snow, golden hour"))

    tags = meta(app.test_client().get(f"/s/{token}").get_data(as_text=True))

    assert tags["og:title"] == "A red fox in fresh snow, golden hour"
    assert tags["og:description"] == "An image made with flux-1-dev, shared from mediaapp."
    assert tags["og:type"] == "website"
    assert tags["og:url"] == f"http://localhost/s/{token}"
    assert tags["og:image"] == "https://cdn.example.com/images/fox.png"
    assert tags["og:site_name"] == "mediaapp"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == tags["og:image"]


def test_a_long_prompt_is_cut_for_the_preview_title(app, client):
    prompt = "A lighthouse " + "on a very long and winding cliff road " * 5
    token = share(client, image_payload(prompt=prompt))

    tags = meta(app.test_client().get(f"/s/{token}").get_data(as_text=True))

    assert len(tags["og:title"]) <= 91 and tags["og:title"].endswith("…")
    assert tags["og:title"].startswith("A lighthouse on a very long")


def test_a_same_origin_picture_gets_an_absolute_url(app, client):
    token = share(client, image_payload(url="/static/demo/img-01.svg"))

    tags = meta(app.test_client().get(f"/s/{token}").get_data(as_text=True))

    assert tags["og:image"] == "http://localhost/static/demo/img-01.svg"


def test_a_shared_video_previews_its_poster_and_names_its_file(app, client):
    token = share(client, video_payload())

    tags = meta(app.test_client().get(f"/s/{token}").get_data(as_text=True))

    assert tags["og:type"] == "video.other"
    assert tags["og:image"] == "http://localhost/media/videos/waves.jpg"
    assert tags["og:video"] == "http://localhost/media/videos/waves.mp4"
    assert tags["og:description"].startswith("A video made with")


def test_a_hidden_prompt_stays_out_of_the_preview(app, client):
    token = share(client, image_payload(prompt="A secret recipe prompt"), hide_prompt="1")

    page = app.test_client().get(f"/s/{token}").get_data(as_text=True)

    tags = meta(page)
    assert tags["og:title"] == "A shared image"
    assert tags["og:image:alt"] == "A shared image"
    assert "secret" not in page.split("</head>", 1)[0].lower()


def test_the_preview_names_no_owner_and_no_record_ids(app, client):
    payload = image_payload(projectId="proj-7")
    record = save(client, payload).get_json()["data"]
    response = client.post(f"/media/{record['id']}/share", data={}, headers=HTMX)
    token = TOKEN.search(response.get_data(as_text=True)).group(1)

    tags = meta(app.test_client().get(f"/s/{token}").get_data(as_text=True))

    for value in tags.values():
        for private in (record["id"], record["requestId"], "proj-7", "@"):
            assert private not in value
