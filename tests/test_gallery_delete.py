"""Deleting a card (to the trash): in place with htmx, by form and redirect without it,
owner-scoped, CSRF."""

import re
from html.parser import HTMLParser

from tests.conftest import image_payload, save, video_payload
from tests.helpers import HTMX, csrf_token, saved_id

VOID = {"input", "br", "img", "meta", "link", "hr", "source"}


class TopLevel(HTMLParser):
    """The top-level elements of a fragment (tag, attributes) and any top-level text."""

    def __init__(self):
        super().__init__()
        self.depth, self.elements, self.text = 0, [], ""

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.elements.append((tag, dict(attrs)))
        if tag not in VOID:
            self.depth += 1

    def handle_endtag(self, tag):
        self.depth -= 1

    def handle_data(self, data):
        if self.depth == 0:
            self.text += data.strip()


def top_level(html: str) -> TopLevel:
    parser = TopLevel()
    parser.feed(html)
    return parser


def is_listed(client, media_id: str) -> bool:
    """Whether the owner still has the item, as the API and the gallery show it."""
    found = client.get(f"/api/media/{media_id}").status_code == 200
    return found and f'id="media-{media_id}"' in client.get("/").get_data(as_text=True)


def test_htmx_delete_returns_an_empty_fragment_and_removes_the_item(client):
    keep = saved_id(save(client))
    gone = saved_id(save(client))

    response = client.post(f"/media/{gone}/delete", headers=HTMX)

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    fragment = top_level(body)
    assert fragment.text == ""  # nothing for the card's own swap: every piece is out of band
    assert all("hx-swap-oob" in attrs for _, attrs in fragment.elements)
    assert "media-card" not in body
    assert not is_listed(client, gone)
    assert is_listed(client, keep)


def test_htmx_delete_updates_the_tab_counts_out_of_band(client):
    save(client, image_payload())
    save(client, video_payload())
    gone = saved_id(save(client, image_payload()))

    html = client.post(f"/media/{gone}/delete", headers=HTMX).get_data(as_text=True)

    assert re.search(r'id="count-all" class="tab__count" hx-swap-oob="true">2<', html)
    assert re.search(r'id="count-image" class="tab__count" hx-swap-oob="true">1<', html)
    assert re.search(r'id="count-video" class="tab__count" hx-swap-oob="true">1<', html)


def test_deleting_the_last_card_of_a_tab_brings_back_the_empty_state(client):
    save(client, image_payload())
    video = saved_id(save(client, video_payload()))

    html = client.post(f"/media/{video}/delete", data={"type": "video"}, headers=HTMX).get_data(
        as_text=True
    )

    assert re.search(r'<div id="empty-state" class="empty-state" hx-swap-oob="true">', html)
    assert "No videos yet" in html


def test_the_delete_button_swaps_its_card_in_place(client):
    media_id = saved_id(save(client))

    html = client.get("/").get_data(as_text=True)

    form = re.search(r'<form class="media-card__delete"[^>]*>', html).group(0)
    assert f'hx-post="/media/{media_id}/delete"' in form
    assert 'hx-target="closest .media-card"' in form
    assert 'hx-swap="outerHTML"' in form
    assert re.search(r'<button class="icon-button[^"]*" type="submit" aria-label="Delete"', html)


def test_a_plain_form_delete_redirects_back_to_the_tab_and_removes_the_item(client):
    media_id = saved_id(save(client))

    response = client.post(f"/media/{media_id}/delete", data={"type": "image"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/?type=image"
    assert not is_listed(client, media_id)


def test_a_plain_form_delete_confirms_with_a_flash(client):
    media_id = saved_id(save(client))

    page = client.post(f"/media/{media_id}/delete", follow_redirects=True)

    assert "Deleted “A red fox in fresh snow, golden hour”." in page.get_data(as_text=True)


def test_deleting_another_owners_card_answers_404_and_changes_nothing(app, client):
    media_id = saved_id(save(client))
    stranger = app.test_client()

    response = stranger.post(f"/media/{media_id}/delete", headers=HTMX)

    assert response.status_code == 404
    assert is_listed(client, media_id)


def test_deleting_by_get_is_not_allowed(client):
    media_id = saved_id(save(client))

    response = client.get(f"/media/{media_id}/delete")

    assert response.status_code == 405
    assert is_listed(client, media_id)


def test_with_csrf_on_a_delete_without_the_token_is_refused(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = saved_id(save(client))

    response = client.post(f"/media/{media_id}/delete")

    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert is_listed(client, media_id)


def test_with_csrf_on_a_delete_with_the_pages_token_works(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = saved_id(save(client))
    token = csrf_token(client.get("/").get_data(as_text=True))

    response = client.post(f"/media/{media_id}/delete", data={"csrf_token": token})

    assert response.status_code == 303
    assert not is_listed(client, media_id)


def test_with_csrf_on_htmx_sends_the_token_in_a_header(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = saved_id(save(client))
    html = client.get("/").get_data(as_text=True)
    token = re.search(r"hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", html).group(1)

    response = client.post(f"/media/{media_id}/delete", headers={**HTMX, "X-CSRFToken": token})

    assert response.status_code == 200
    assert not is_listed(client, media_id)


def test_an_htmx_error_answers_a_fragment_with_the_message(client):
    missing = "00000000-0000-4000-8000-000000000000"

    response = client.post(f"/media/{missing}/delete", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "<html" not in html
    assert '<p class="error-fragment__message">No media with that id.</p>' in html
