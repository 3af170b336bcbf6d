"""Favorites in the gallery: the star toggle on every card, with and without htmx, and
the favorites filter."""

import re

from tests.conftest import image_payload, save
from tests.helpers import HTMX, record, saved_id
from tests.helpers import gallery_card_ids as card_ids  # the name these tests always used


def star_button(html: str, media_id: str) -> str:
    return re.search(rf'<button [^>]*id="star-button-{media_id}"[^>]*>', html).group(0)


def test_every_card_has_a_star_toggle_that_says_what_it_does(client):
    media_id = saved_id(save(client))

    html = client.get("/").get_data(as_text=True)

    button = star_button(html, media_id)
    assert 'aria-pressed="false"' in button
    assert 'aria-label="Add to favorites"' in button
    assert re.search(rf'<form class="card-star" id="star-{media_id}"[^>]*hx-target="this"', html)


def test_an_htmx_star_answers_the_star_in_its_new_state(client):
    media_id = saved_id(save(client))

    response = client.post(f"/media/{media_id}/favorite", data={"star": "true"}, headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<form class="card-star is-on" id="star-{media_id}"')
    assert 'aria-pressed="true"' in star_button(html, media_id)
    assert 'aria-label="Remove from favorites"' in star_button(html, media_id)
    assert '<input type="hidden" name="star" value="false">' in html
    assert record(client, media_id)["favorite"] is True


def test_unstarring_clears_the_favorite(client):
    media_id = saved_id(save(client))
    client.post(f"/media/{media_id}/favorite", data={"star": "true"}, headers=HTMX)

    html = client.post(f"/media/{media_id}/favorite", data={"star": "false"}, headers=HTMX)

    assert 'aria-pressed="false"' in star_button(html.get_data(as_text=True), media_id)
    assert record(client, media_id)["favorite"] is False


def test_a_plain_star_form_redirects_back_to_the_card_in_its_view(client):
    media_id = saved_id(save(client, image_payload(prompt="fox")))

    response = client.post(
        f"/media/{media_id}/favorite", data={"star": "true", "q": "fox", "type": "image"}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == f"/?type=image&q=fox#media-{media_id}"
    assert record(client, media_id)["favorite"] is True


def test_starring_another_owners_card_answers_404_and_changes_nothing(app, client):
    media_id = saved_id(save(client))

    response = app.test_client().post(f"/media/{media_id}/favorite", data={"star": "true"})

    assert response.status_code == 404
    assert record(client, media_id)["favorite"] is False


def test_the_favorites_filter_shows_only_starred_cards(client):
    starred = saved_id(save(client))
    save(client)
    client.post(f"/media/{starred}/favorite", data={"star": "true"})

    ids = card_ids(client, "?favorite=true")

    assert ids == [starred]
