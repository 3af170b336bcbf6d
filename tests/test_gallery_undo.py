"""Deleting a card to the trash from the gallery, and the Undo in the notice that follows,
with and without htmx."""

from tests.conftest import image_payload, save
from tests.helpers import HTMX, saved_id, undo_form
from tests.helpers import gallery_card_ids as card_ids  # the name these tests always used


def test_an_htmx_delete_shows_moved_to_trash_with_an_undo_out_of_band(client):
    media_id = saved_id(save(client, image_payload(prompt="fox")))

    response = client.post(f"/media/{media_id}/delete", data={"q": "fox"}, headers=HTMX)

    html = response.get_data(as_text=True)
    action, fields = undo_form(html)
    assert '<div hx-swap-oob="innerHTML:#flash-area">' in html  # replaces, never piles up
    assert "Deleted “fox”." in html
    assert action == f"/media/{media_id}/restore"
    assert fields["q"] == ["fox"]
    assert card_ids(client) == []


def test_undo_brings_the_card_back_and_answers_the_results_region(client):
    media_id = saved_id(save(client))
    client.post(f"/media/{media_id}/delete", headers=HTMX)

    response = client.post(f"/media/{media_id}/restore", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Restored “A red fox in fresh snow, golden hour”." in html
    assert '<div id="gallery-results" hx-swap-oob="innerHTML">' in html
    assert f'id="media-{media_id}"' in html
    assert card_ids(client) == [media_id]


def test_without_javascript_the_flash_after_a_delete_carries_the_undo_form(client):
    media_id = saved_id(save(client, image_payload(prompt="fox")))
    page = client.post(f"/media/{media_id}/delete", data={"q": "fox"}, follow_redirects=True)
    action, fields = undo_form(page.get_data(as_text=True))

    response = client.post(action, data={k: v[0] for k, v in fields.items()})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/?q=fox#media-{media_id}"
    assert card_ids(client) == [media_id]


def test_undoing_another_owners_delete_answers_404(app, client):
    media_id = saved_id(save(client))
    client.post(f"/media/{media_id}/delete")

    response = app.test_client().post(f"/media/{media_id}/restore")

    assert response.status_code == 404
    assert card_ids(client) == []


def test_a_deleted_card_is_in_the_trash_not_gone(client):
    media_id = saved_id(save(client))

    client.post(f"/media/{media_id}/delete", headers=HTMX)

    trash = client.get("/api/media/trash").get_json()["data"]
    assert [item["id"] for item in trash] == [media_id]
