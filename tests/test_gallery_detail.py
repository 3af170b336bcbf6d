"""A card's detail view, and how hostile data is kept harmless in every page."""

import re

import sqlalchemy as sa

from mediaapp.extensions import db
from tests.conftest import image_payload, save, video_payload
from tests.helpers import saved_id


def test_the_detail_view_shows_prompt_model_and_settings(client):
    media_id = saved_id(save(client, image_payload(prompt="A red fox", model="flux-1-dev")))

    html = client.get(f"/media/{media_id}").get_data(as_text=True)

    assert re.search(r'<p class="prompt-text" id="prompt-text">A red fox</p>', html)
    assert "<dd>flux-1-dev</dd>" in html
    assert "<dt>Shot size</dt><dd>medium shot</dd>" in html
    assert "<dt>Seed</dt><dd>42</dd>" in html


def test_the_detail_view_dates_the_item_in_machine_readable_utc(client):
    created = save(client).get_json()["data"]

    html = client.get(f"/media/{created['id']}").get_data(as_text=True)

    assert f'<time datetime="{created["createdAt"]}"' in html
    assert " UTC</time>" in html


def test_the_detail_view_offers_a_download_and_a_copy_button(client):
    media_id = saved_id(save(client, image_payload(url="https://cdn.example.com/a.png")))

    html = client.get(f"/media/{media_id}").get_data(as_text=True)

    assert re.search(
        r'<a class="button button--primary" href="https://cdn.example.com/a.png" download>', html
    )
    assert 'data-copy="prompt-text"' in html


def test_the_detail_view_plays_videos_with_controls(client):
    media_id = saved_id(save(client, video_payload()))

    html = client.get(f"/media/{media_id}").get_data(as_text=True)

    assert re.search(r"<video [^>]*controls", html)


def test_another_owners_detail_answers_a_404_page(app, client):
    media_id = saved_id(save(client))
    stranger = app.test_client()

    response = stranger.get(f"/media/{media_id}")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "A red fox" not in response.get_data(as_text=True)


def test_a_malformed_id_answers_404(client):
    response = client.get("/media/not-a-uuid")

    assert response.status_code == 404


def test_hostile_prompts_are_escaped_in_the_gallery(client):
    save(client, image_payload(prompt="<script>alert(1)</script>\"' onerror=x"))

    html = client.get("/").get_data(as_text=True)

    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39; onerror=x" in html


def test_hostile_prompts_are_escaped_in_the_detail_view(client):
    media_id = saved_id(save(client, image_payload(prompt='"><img src=x onerror=alert(1)>')))

    html = client.get(f"/media/{media_id}").get_data(as_text=True)

    assert "<img src=x" not in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def _store_url_everywhere(app, url: str) -> None:
    """The API refuses such URLs; rows written by other tools may still hold them."""
    with app.app_context():
        db.session.execute(
            sa.text("UPDATE generated_media SET url = :url, thumbnail_url = :url"),
            {"url": url},
        )
        db.session.commit()


def test_a_stored_javascript_url_never_reaches_href_or_src_in_the_gallery(app, client):
    save(client, video_payload())
    _store_url_everywhere(app, "javascript:alert(1)")

    html = client.get("/").get_data(as_text=True)

    assert "javascript:" not in html
    assert "Preview unavailable" in html


def test_a_stored_javascript_url_never_reaches_href_or_src_in_the_detail_view(app, client):
    media_id = saved_id(save(client))
    _store_url_everywhere(app, "JavaScript:alert(1)")

    html = client.get(f"/media/{media_id}").get_data(as_text=True)

    assert "javascript:" not in html.lower()
    assert " download>" not in html
