"""Share links from the gallery: the detail view's form, the shares page, revoke, public page."""

import re
import uuid

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from tests.conftest import image_payload, save
from tests.helpers import HTMX, csrf_token, saved_id

SHARE_ROW = re.compile(r'<li class="share-row" id="share-([0-9a-f-]{36})"')
TOKEN = re.compile(r"http://localhost/s/([\w-]{43,})")


def share(client, media_id: str, **form) -> str:
    """Create a link through the detail view's form (htmx); returns its public URL's token."""
    response = client.post(f"/media/{media_id}/share", data=form, headers=HTMX)
    assert response.status_code == 200, response.get_data(as_text=True)
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def test_the_detail_view_offers_a_share_form(client):
    media_id = saved_id(save(client))

    html = client.get(f"/media/{media_id}").get_data(as_text=True)

    form = re.search(r'<form class="share-form".*?</form>', html, re.S).group(0)
    assert f'action="/media/{media_id}/share"' in form
    assert 'hx-target="#share-result"' in form
    assert re.findall(r'<option value="(\w+)"', form) == ["30", "1", "7", "90", "never", "at"]
    assert 'type="checkbox" name="hide_prompt"' in form
    assert 'name="csrf_token"' in form


def test_sharing_with_htmx_answers_the_link_to_show_and_copy(client):
    media_id = saved_id(save(client))

    response = client.post(f"/media/{media_id}/share", data={"expires": "7"}, headers=HTMX)

    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert re.search(r'data-share-created data-share-url="http://localhost/s/[\w-]{43,}"', body)
    assert "It stops working on" in body


def test_sharing_without_javascript_shows_the_link_on_the_detail_view(client):
    media_id = saved_id(save(client))

    response = client.post(f"/media/{media_id}/share", data={"expires": "never"})
    page = client.get(response.headers["Location"])

    html = page.get_data(as_text=True)
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/media/{media_id}?shared=")
    assert response.headers["Location"].endswith("#share")
    assert '<details class="panel share-box" id="share" open>' in html
    assert TOKEN.search(html)
    assert "It never expires" in html


def test_a_new_link_is_listed_on_the_shares_page_with_its_options(client):
    media_id = saved_id(save(client, image_payload(prompt="A lighthouse at dusk")))
    token = share(client, media_id, expires="30", hide_prompt="1")

    html = client.get("/shares").get_data(as_text=True)

    assert len(SHARE_ROW.findall(html)) == 1
    assert f"http://localhost/s/{token}</code>" in html
    assert "A lighthouse at dusk" in html
    assert "Prompt hidden" in html
    assert "Expires <time" in html
    assert re.search(r'id="share-count">1<', html)


def test_a_link_without_expiry_says_it_never_expires(client):
    share(client, saved_id(save(client)), expires="never")

    html = client.get("/shares").get_data(as_text=True)

    assert "Never expires" in html
    assert "Prompt hidden" not in html


def test_the_public_page_shows_prompt_and_settings_and_a_copy_settings_button(app, client):
    media_id = saved_id(save(client, image_payload(prompt="A red fox in snow")))
    token = share(client, media_id)
    stranger = app.test_client()

    response = stranger.get(f"/s/{token}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A red fox in snow" in html
    assert "&#34;shotSize&#34;: &#34;medium shot&#34;" in html  # the settings as JSON
    assert 'data-copy="shared-settings"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_the_public_page_leaves_out_a_hidden_prompt_and_settings(app, client):
    payload = image_payload(prompt="A secret recipe prompt")
    media_id = saved_id(save(client, payload))
    token = share(client, media_id, hide_prompt="1")

    html = app.test_client().get(f"/s/{token}").get_data(as_text=True)

    assert "A secret recipe prompt" not in html
    assert "photorealistic" not in html
    assert "shared-settings" not in html
    assert "kept private" in html


def test_the_public_page_carries_no_owner_information(app, client):
    record = save(client, image_payload(projectId="proj-7")).get_json()["data"]
    token = share(client, record["id"])

    html = app.test_client().get(f"/s/{token}").get_data(as_text=True)

    for private in (record["id"], record["requestId"], "proj-7", "/shares", "/trash", "/stats"):
        assert private not in html


@pytest.mark.parametrize(
    "path",
    [
        "/s/{token}",
        "/api/shared/{token}",
        "/no-such-page",
        "/media/00000000-0000-4000-8000-000000000000",
        "/login",
        "/stats",
        "/trash",
        "/shares",
        "/prune",
    ],
)
def test_a_visitor_of_a_share_link_or_a_404_gets_no_cookie_and_no_identity(app, client, path):
    token = share(client, save(client).get_json()["data"]["id"])
    with app.app_context():
        guests_before = db.session.execute(sa.text("SELECT count(*) FROM guests")).scalar()

    response = app.test_client().get(path.format(token=token))

    assert response.status_code in (200, 404)
    # A page with a form (log in; the stats page's import) needs its CSRF token's cookie.
    assert "Set-Cookie" not in response.headers or path in ("/login", "/stats")
    with app.app_context():
        assert db.session.execute(sa.text("SELECT count(*) FROM guests")).scalar() == guests_before


def test_htmx_revoke_removes_the_row_and_closes_the_public_page(app, client):
    token = share(client, saved_id(save(client)))
    share_id = SHARE_ROW.findall(client.get("/shares").get_data(as_text=True))[0]

    response = client.post(f"/shares/{share_id}/revoke", headers=HTMX)

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'id="share-count" hx-swap-oob="true">0<', body)
    assert "No share links" in body
    assert SHARE_ROW.findall(client.get("/shares").get_data(as_text=True)) == []
    assert app.test_client().get(f"/s/{token}").status_code == 404


def test_a_plain_revoke_redirects_to_the_shares_page(app, client):
    token = share(client, saved_id(save(client)))
    share_id = SHARE_ROW.findall(client.get("/shares").get_data(as_text=True))[0]

    response = client.post(f"/shares/{share_id}/revoke")

    assert response.status_code == 303
    assert response.headers["Location"] == "/shares"
    assert app.test_client().get(f"/s/{token}").status_code == 404


def test_an_unknown_token_answers_a_404_page(app):
    response = app.test_client().get("/s/not-a-real-token")

    assert response.status_code == 404
    assert "expired or was revoked" in response.get_data(as_text=True)


def test_another_owner_cannot_revoke_a_link(app, client):
    token = share(client, saved_id(save(client)))
    share_id = SHARE_ROW.findall(client.get("/shares").get_data(as_text=True))[0]

    response = app.test_client().post(f"/shares/{share_id}/revoke")

    assert response.status_code == 404
    assert app.test_client().get(f"/s/{token}").status_code == 200


def test_another_owner_cannot_share_an_item(app, client):
    media_id = saved_id(save(client))

    response = app.test_client().post(f"/media/{media_id}/share", data={"expires": "never"})

    assert response.status_code == 404
    assert SHARE_ROW.findall(client.get("/shares").get_data(as_text=True)) == []


def test_another_owners_links_are_not_listed(app, client):
    share(client, saved_id(save(client)))

    html = app.test_client().get("/shares").get_data(as_text=True)

    assert SHARE_ROW.findall(html) == []
    assert "No share links" in html


@pytest.mark.parametrize("expires", ["2", "forever", "-1"])
def test_an_expiry_outside_the_menu_is_refused(client, expires):
    media_id = saved_id(save(client))

    response = client.post(f"/media/{media_id}/share", data={"expires": expires})

    assert response.status_code == 400
    assert SHARE_ROW.findall(client.get("/shares").get_data(as_text=True)) == []


def test_revoking_an_unknown_link_answers_404(client):
    response = client.post(f"/shares/{uuid.uuid4()}/revoke")

    assert response.status_code == 404


def test_with_csrf_on_sharing_without_the_token_is_refused(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = saved_id(save(client))

    response = client.post(f"/media/{media_id}/share", data={"expires": "never"})

    assert response.status_code == 400
    assert SHARE_ROW.findall(client.get("/shares").get_data(as_text=True)) == []


def test_with_csrf_on_revoking_without_the_token_is_refused(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = saved_id(save(client))
    token = csrf_token(client.get(f"/media/{media_id}").get_data(as_text=True))
    client.post(f"/media/{media_id}/share", data={"expires": "never", "csrf_token": token})
    share_id = SHARE_ROW.findall(client.get("/shares").get_data(as_text=True))[0]

    response = client.post(f"/shares/{share_id}/revoke")

    assert response.status_code == 400
    assert SHARE_ROW.findall(client.get("/shares").get_data(as_text=True)) == [share_id]


def test_the_pages_around_the_grid_have_no_inline_script_style_or_handlers(app, client):
    media_id = saved_id(save(client))
    token = share(client, media_id)
    client.delete(f"/api/media/{saved_id(save(client))}")
    pages = [f"/media/{media_id}", "/trash", "/shares", "/stats"]

    htmls = [client.get(path).get_data(as_text=True) for path in pages]
    htmls.append(app.test_client().get(f"/s/{token}").get_data(as_text=True))

    for html in htmls:
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert not re.search(r"<style|\sstyle=", html)
        assert not re.search(r"\son[a-z]+=", html)
