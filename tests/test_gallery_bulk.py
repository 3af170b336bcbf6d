"""Bulk actions in the gallery: one toolbar form for delete, favorite and unfavorite, Undo,
limits, CSRF."""

import re
import uuid

import pytest

from tests.conftest import image_payload, save, video_payload
from tests.helpers import HTMX, record, saved_id, undo_form
from tests.helpers import gallery_card_ids as card_ids  # the name these tests always used


def bulk(client, action: str, ids: list[str], headers=None, follow_redirects=False, **filters):
    return client.post(
        "/media/bulk",
        data={"action": action, "ids": ids, **filters},
        headers=headers or {},
        follow_redirects=follow_redirects,
    )


def test_the_bulk_toolbar_is_one_form_that_the_card_boxes_join(client):
    media_id = saved_id(save(client))

    html = client.get("/").get_data(as_text=True)

    assert re.search(
        r'<form id="bulk-form" class="bulk-bar" method="post" action="/media/bulk"', html
    )
    assert f'name="ids" value="{media_id}" form="bulk-form"' in html
    for action in ("delete", "favorite", "unfavorite"):
        assert f'name="action" value="{action}"' in html


def test_bulk_delete_trashes_the_owners_cards_and_reports_foreign_ones(app, client):
    mine = [saved_id(save(client, image_payload(prompt=f"owl {n}"))) for n in range(3)]
    stranger = app.test_client()
    theirs = saved_id(save(stranger))

    response = bulk(client, "delete", [mine[0], mine[2], theirs], headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert card_ids(client) == [mine[1]]
    assert record(stranger, theirs) is not None
    assert f'<div id="media-{mine[0]}" hx-swap-oob="delete">' in html
    assert f'<div id="media-{mine[2]}" hx-swap-oob="delete">' in html
    assert f"media-{theirs}" not in html
    assert "Deleted 2 items: “owl 0” and “owl 2”. 1 item could not be found." in html
    assert 'aria-label="Undo deleting 2 items"' in html


def test_undo_after_a_bulk_delete_restores_exactly_those_cards(client):
    ids = [saved_id(save(client, image_payload(prompt=f"owl {n}"))) for n in range(3)]
    html = bulk(client, "delete", ids[:2], headers=HTMX).get_data(as_text=True)
    action, fields = undo_form(html)

    response = client.post(action, data=fields, headers=HTMX)

    assert action == "/media/bulk"
    assert fields["action"] == ["restore"]
    assert "Restored 2 items: “owl 0” and “owl 1”." in response.get_data(as_text=True)
    assert sorted(card_ids(client)) == sorted(ids)


def test_bulk_favorite_stars_the_cards_in_place(client):
    ids = [saved_id(save(client)) for _ in range(2)]

    response = bulk(client, "favorite", ids, headers=HTMX)

    html = response.get_data(as_text=True)
    for media_id in ids:
        assert re.search(
            rf'<form class="card-star is-on" id="star-{media_id}"[^>]*hx-swap-oob="true"', html
        )
        assert record(client, media_id)["favorite"] is True
    assert "Added 2 items to favorites." in html


def test_bulk_unfavorite_clears_the_stars(client):
    ids = [saved_id(save(client)) for _ in range(2)]
    bulk(client, "favorite", ids)

    bulk(client, "unfavorite", ids, headers=HTMX)

    assert [record(client, media_id)["favorite"] for media_id in ids] == [False, False]


def test_a_plain_bulk_form_redirects_back_to_its_view_with_a_flash(client):
    ids = [saved_id(save(client, video_payload())) for _ in range(2)]

    response = bulk(client, "delete", ids, type="video", q="waves")

    assert response.status_code == 303
    assert response.headers["Location"] == "/?type=video&q=waves"
    assert "Deleted 2 items: " in client.get("/").get_data(as_text=True)
    assert card_ids(client) == []


def test_a_large_bulk_delete_without_javascript_points_to_the_trash_instead(client):
    ids = [saved_id(save(client)) for _ in range(51)]  # more than a cookie-borne Undo holds

    page = bulk(client, "delete", ids, follow_redirects=True)

    html = page.get_data(as_text=True)
    assert "Deleted 51 items: “A red fox in fresh snow, golden hour”, “A red fox" in html
    assert "and 49 more." in html
    assert '<a href="/trash">Open the Trash</a>' in html
    assert 'class="flash__action"' not in html


def test_an_undo_for_fifty_items_fits_in_the_session_cookie(client):
    ids = [saved_id(save(client)) for _ in range(50)]

    response = bulk(client, "delete", ids)

    cookie = response.headers["Set-Cookie"]
    assert len(cookie) < 4093
    page = client.get("/").get_data(as_text=True)
    assert undo_form(page)[1]["ids"] == ids


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "delete"}, "Select at least one item first."),
        ({"action": "purge", "ids": [str(uuid.uuid4())]}, "Action: Must be one of"),
        ({"ids": [str(uuid.uuid4())]}, "Choose an action."),
        ({"action": "delete", "ids": ["not-a-uuid"]}, "Not a valid UUID."),
    ],
)
def test_a_bad_bulk_request_answers_400_and_changes_nothing(client, data, message):
    media_id = saved_id(save(client))

    response = client.post("/media/bulk", data=data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert card_ids(client) == [media_id]


def test_bulk_refuses_more_than_500_ids(client):
    ids = [str(uuid.uuid4()) for _ in range(501)]

    response = bulk(client, "delete", ids)

    assert response.status_code == 400
    assert "Select at most 500 items at a time." in response.get_data(as_text=True)


# --- CSRF --------------------------------------------------------------------------------


def test_with_csrf_on_a_bulk_post_without_the_token_is_refused(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = saved_id(save(client))

    response = bulk(client, "delete", [media_id])

    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert card_ids(client) == [media_id]


def test_with_csrf_on_the_bulk_form_carries_its_token(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = saved_id(save(client))
    html = client.get("/").get_data(as_text=True)
    form = re.search(r'<form id="bulk-form".*?</form>', html, re.S).group(0)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)

    response = bulk(client, "delete", [media_id], csrf_token=token)

    assert response.status_code == 303
    assert card_ids(client) == []
