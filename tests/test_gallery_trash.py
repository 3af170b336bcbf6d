"""The trash view: trashed items only, restore and delete forever in place, empty trash."""

import re
import uuid

import pytest

from tests.conftest import image_payload, save, video_payload
from tests.helpers import HTMX, csrf_token, saved_id

TRASH_CARD = re.compile(r'<article class="trash-card" id="trash-([0-9a-f-]{36})"')
OOB_ELEMENT = re.compile(r'<(\w+) [^>]*id="[\w-]+"[^>]*hx-swap-oob="true"[^>]*>.*?</\1>', re.S)
OOB_NOTICE = re.compile(r'<div hx-swap-oob="innerHTML:#flash-area">.*</div>', re.S)


def trash_ids(client) -> list[str]:
    return TRASH_CARD.findall(client.get("/trash").get_data(as_text=True))


def trashed(client, payload=None) -> str:
    media_id = saved_id(save(client, payload))
    assert client.delete(f"/api/media/{media_id}").status_code == 200
    return media_id


# What the confirmation step's button sends along.
CONFIRMED = {"confirm": "yes"}


def exists(client, media_id: str) -> bool:
    return client.get(f"/api/media/{media_id}").status_code == 200


def test_the_trash_lists_trashed_items_only_most_recently_trashed_first(client):
    live = saved_id(save(client))
    first = trashed(client)
    second = trashed(client, video_payload())

    ids = trash_ids(client)

    assert ids == [second, first]
    assert live not in ids


def test_the_trash_page_shows_the_count_and_the_purge_note(client):
    trashed(client)
    trashed(client)

    html = client.get("/trash").get_data(as_text=True)

    assert re.search(r'id="trash-count">2<', html)
    assert "After 30 days in the trash they are deleted for good" in html


def test_an_empty_trash_says_so_and_offers_no_empty_action(client):
    save(client)

    html = client.get("/trash").get_data(as_text=True)

    assert "The trash is empty" in html
    assert "/trash/empty" not in html


def test_the_trash_pages_with_a_cursor_like_the_gallery(make_app, app):
    client = make_app(GALLERY_PAGE_SIZE=2).test_client()
    ids = [trashed(client) for _ in range(3)]
    first = client.get("/trash").get_data(as_text=True)
    next_url = re.search(r'load-more__link" href="([^"]+)"', first).group(1).replace("&amp;", "&")

    response = client.get(next_url, headers=HTMX)

    body = response.get_data(as_text=True)
    assert TRASH_CARD.findall(first) == [ids[2], ids[1]]
    assert TRASH_CARD.findall(body) == [ids[0]]
    assert "<html" not in body and "load-more" not in body


def test_htmx_restore_returns_no_card_and_brings_the_item_back(client):
    media_id = trashed(client)
    trashed(client)

    response = client.post(f"/trash/{media_id}/restore", headers=HTMX)

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert OOB_ELEMENT.sub("", OOB_NOTICE.sub("", body)).strip() == ""
    assert re.search(r'id="trash-count" hx-swap-oob="true">1<', body)
    assert "Restored “A red fox in fresh snow, golden hour” to your gallery." in body
    assert exists(client, media_id)
    assert f'id="media-{media_id}"' in client.get("/").get_data(as_text=True)


def test_a_plain_restore_redirects_to_the_trash(client):
    media_id = trashed(client)

    response = client.post(f"/trash/{media_id}/restore")

    assert response.status_code == 303
    assert response.headers["Location"] == "/trash"
    assert exists(client, media_id)


def test_htmx_delete_forever_destroys_the_item(client):
    media_id = trashed(client)

    response = client.post(f"/trash/{media_id}/delete", data=CONFIRMED, headers=HTMX)

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Deleted “A red fox in fresh snow, golden hour” forever." in body
    assert "The trash is empty" in body  # the last one: the empty state comes out of band
    assert trash_ids(client) == []
    assert client.post(f"/api/media/{media_id}/restore").status_code == 404


def test_a_plain_delete_forever_redirects_to_the_trash(client):
    media_id = trashed(client)

    response = client.post(f"/trash/{media_id}/delete", data=CONFIRMED)

    assert response.status_code == 303
    assert response.headers["Location"] == "/trash"
    assert media_id not in trash_ids(client)


def test_delete_forever_refuses_an_item_that_is_not_in_the_trash(client):
    media_id = saved_id(save(client))

    response = client.post(f"/trash/{media_id}/delete", data=CONFIRMED)

    assert response.status_code == 404
    assert exists(client, media_id)


def test_delete_forever_without_the_confirmation_changes_nothing(client):
    media_id = trashed(client)

    response = client.post(f"/trash/{media_id}/delete", headers=HTMX)

    assert response.status_code == 400
    assert "Confirm to delete it forever" in response.get_data(as_text=True)
    assert trash_ids(client) == [media_id]


def test_delete_forever_asks_first_in_a_real_form_that_names_the_item(client):
    media_id = trashed(client)

    html = client.get("/trash").get_data(as_text=True)

    step = re.search(
        rf'<details class="confirm confirm--card">.*?'
        rf'action="/trash/{media_id}/delete".*?</details>',
        html,
        re.S,
    )
    assert step, "the delete-forever form sits inside its confirmation disclosure"
    assert "Delete forever…</summary>" in step.group(0)
    assert 'name="confirm" value="yes"' in step.group(0)
    assert "It cannot be undone." in step.group(0)
    assert f'aria-describedby="trash-prompt-{media_id}"' in step.group(0)


def test_a_plain_restore_from_the_trash_says_what_came_back(client):
    media_id = trashed(client, image_payload(prompt="An owl over a moonlit lake"))

    page = client.post(f"/trash/{media_id}/restore", follow_redirects=True)

    html = page.get_data(as_text=True)
    assert "Restored “An owl over a moonlit lake” to your gallery." in html
    assert f'href="/#media-{media_id}">Show it</a>' in html


def test_a_plain_delete_forever_says_what_was_destroyed(client):
    media_id = trashed(client, image_payload(prompt="An owl over a moonlit lake"))

    page = client.post(f"/trash/{media_id}/delete", data=CONFIRMED, follow_redirects=True)

    assert "Deleted “An owl over a moonlit lake” forever." in page.get_data(as_text=True)


def test_emptying_the_trash_says_how_many_went_and_that_it_is_empty(client):
    trashed(client)
    trashed(client)

    page = client.post("/trash/empty", data=CONFIRMED, follow_redirects=True)

    assert "Deleted 2 items forever; the trash is empty." in page.get_data(as_text=True)


def test_emptying_the_trash_destroys_every_trashed_item_and_nothing_else(client):
    live = saved_id(save(client))
    gone = [trashed(client), trashed(client, video_payload())]

    response = client.post("/trash/empty", data={"confirm": "yes"})

    assert response.status_code == 303
    assert trash_ids(client) == []
    assert exists(client, live)
    assert all(client.post(f"/api/media/{i}/restore").status_code == 404 for i in gone)


def test_emptying_the_trash_without_the_confirmation_changes_nothing(client):
    media_id = trashed(client)

    response = client.post("/trash/empty")

    assert response.status_code == 400
    assert trash_ids(client) == [media_id]


def test_the_empty_action_asks_for_confirmation_in_a_real_form(client):
    trashed(client)

    html = client.get("/trash").get_data(as_text=True)

    form = re.search(
        r'<form class="confirm__panel" method="post" action="/trash/empty">.*?</form>', html, re.S
    )
    assert form and 'name="confirm" value="yes"' in form.group(0)
    assert "This cannot be undone" in form.group(0)


@pytest.mark.parametrize("action", ["restore", "delete"])
def test_another_owners_trashed_item_answers_404(app, client, action):
    media_id = trashed(client)
    stranger = app.test_client()

    response = stranger.post(f"/trash/{media_id}/{action}", data=CONFIRMED)

    assert response.status_code == 404
    assert trash_ids(client) == [media_id]


def test_another_owners_trash_is_not_shown(app, client):
    trashed(client)

    html = app.test_client().get("/trash").get_data(as_text=True)

    assert TRASH_CARD.findall(html) == []


def test_restoring_an_unknown_id_answers_404(client):
    response = client.post(f"/trash/{uuid.uuid4()}/restore", headers=HTMX)

    assert response.status_code == 404
    assert "error-fragment" in response.get_data(as_text=True)


def test_the_trash_card_swaps_itself_out_in_place(client):
    media_id = trashed(client, image_payload())

    html = client.get("/trash").get_data(as_text=True)

    for action in ("restore", "delete"):
        form = re.search(rf'<form [^>]*action="/trash/{media_id}/{action}"[^>]*>', html)
        assert f'hx-post="/trash/{media_id}/{action}"' in form.group(0)
        assert 'hx-target="closest .trash-card" hx-swap="outerHTML"' in form.group(0)


@pytest.mark.parametrize("path", ["/trash/{id}/restore", "/trash/{id}/delete", "/trash/empty"])
def test_with_csrf_on_a_trash_action_without_the_token_is_refused(make_app, app, path):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = trashed(client)

    response = client.post(path.format(id=media_id), data={"confirm": "yes"})

    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert trash_ids(client) == [media_id]


def test_with_csrf_on_a_restore_with_the_pages_token_works(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = trashed(client)
    token = csrf_token(client.get("/trash").get_data(as_text=True))

    response = client.post(f"/trash/{media_id}/restore", data={"csrf_token": token})

    assert response.status_code == 303
    assert exists(client, media_id)
