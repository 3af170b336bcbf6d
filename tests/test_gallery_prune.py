"""Pruning from the gallery: the page that counts what goes, and trashing everything but
favorites."""

import re

from tests.conftest import image_payload, save, video_payload
from tests.helpers import gallery_card_ids as card_ids  # the name these tests always used
from tests.helpers import saved_id


def test_the_prune_page_counts_what_it_will_trash_and_what_stays(client):
    favorite = saved_id(save(client, image_payload()))
    client.post(f"/media/{favorite}/favorite", data={"star": "true"})
    save(client, image_payload())
    save(client, image_payload())
    save(client, video_payload())

    html = client.get("/prune?type=image").get_data(as_text=True)

    assert "<strong>2</strong> items will move to the trash." in html
    assert "1 favorite stays." in html
    assert re.search(r'<form class="prune__confirm" method="post" action="/prune">', html)
    assert '<input type="hidden" name="type" value="image">' in html
    assert "Move 2 items to the trash</button>" in html


def test_the_gallery_links_to_the_prune_page_with_its_tab_and_dates(client):
    save(client)

    html = client.get("/?type=image&q=fox&from=2024-01-01").get_data(as_text=True)

    assert 'href="/prune?type=image&amp;from=2024-01-01"' in html


def test_pruning_trashes_every_non_favorite_in_scope_and_keeps_favorites(client):
    favorite = saved_id(save(client, image_payload()))
    client.post(f"/media/{favorite}/favorite", data={"star": "true"})
    doomed = [saved_id(save(client, image_payload())) for _ in range(2)]
    video = saved_id(save(client, video_payload()))

    response = client.post("/prune", data={"type": "image", "confirm": "true"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/?type=image"
    assert sorted(card_ids(client)) == sorted([favorite, video])
    trash = [item["id"] for item in client.get("/api/media/trash").get_json()["data"]]
    assert sorted(trash) == sorted(doomed)


def test_pruning_says_how_many_and_points_to_the_trash(client):
    save(client)

    page = client.post("/prune", data={"confirm": "true"}, follow_redirects=True)

    html = page.get_data(as_text=True)
    assert "Moved 1 item to the trash; your favorites stayed." in html
    assert '<a href="/trash">Open the Trash</a>' in html


def test_pruning_without_the_confirm_button_changes_nothing(client):
    media_id = saved_id(save(client))

    response = client.post("/prune", data={"type": "image"})

    assert response.status_code == 400
    assert "Press the confirm button to go ahead." in response.get_data(as_text=True)
    assert card_ids(client) == [media_id]


def test_pruning_never_touches_another_owners_items(app, client):
    stranger = app.test_client()
    theirs = saved_id(save(stranger))
    save(client)

    client.post("/prune", data={"confirm": "true"})

    assert card_ids(stranger) == [theirs]
