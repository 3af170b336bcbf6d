"""Ratings in the gallery without JavaScript (and the htmx answers): the detail view's rating
form, cards showing their stars, the minRating filter and its chip, the toolbar's Rate, and
a delete from the detail view that moves on to the next item with Undo."""

import re

import pytest

from tests.conftest import image_payload, save
from tests.helpers import HTMX, card_ids, gallery_card_ids, record, saved_id, undo_form
from tests.test_gallery_detail_nav import import_items

RATING_FORM = re.compile(r'<form class="rating-form" id="rating-form".*?</form>', re.S)


def rating_form(html: str) -> str:
    return RATING_FORM.search(html).group(0)


def pressed(form: str) -> list[str]:
    """The values of the rating buttons shown as pressed."""
    return re.findall(r'name="rating" value="(\d)" aria-pressed="true"', form)


def rate(client, media_id: str, rating, **extra):
    return client.post(f"/media/{media_id}/rating", data={"rating": rating, **extra}, **{})


@pytest.fixture
def three(client) -> list[str]:
    """Three images a minute apart; their ids oldest first."""
    return import_items(client, [image_payload(prompt=f"item {i}") for i in range(3)])


# --- the detail view's form ---------------------------------------------------------------


def test_the_detail_view_has_a_rating_form_with_buttons_0_to_5(client):
    media_id = saved_id(save(client))

    form = rating_form(client.get(f"/media/{media_id}").get_data(as_text=True))

    assert f'action="/media/{media_id}/rating"' in form and 'method="post"' in form
    assert re.findall(r'name="rating" value="(\d)"', form) == ["1", "2", "3", "4", "5", "0"]
    assert pressed(form) == ["0"]
    assert "not rated" in form


def test_a_plain_rating_form_redirects_back_to_the_item_in_its_view(client):
    media_id = saved_id(save(client, image_payload(prompt="fox")))

    response = rate(client, media_id, "3", q="fox", type="image")

    assert response.status_code == 303
    assert response.headers["Location"] == f"/media/{media_id}?type=image&q=fox"
    assert record(client, media_id)["rating"] == 3


def test_after_a_plain_rating_the_page_shows_it_and_says_so(client):
    media_id = saved_id(save(client))

    html = client.get(rate(client, media_id, "4").headers["Location"]).get_data(as_text=True)

    form = rating_form(html)
    assert pressed(form) == ["4"] and "4 of 5" in form
    assert "Rated 4 stars." in html


def test_an_htmx_rating_answers_the_form_in_its_new_state_and_a_status(client):
    media_id = saved_id(save(client))

    response = client.post(f"/media/{media_id}/rating", data={"rating": "5"}, headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert pressed(rating_form(html)) == ["5"]
    assert 'hx-swap-oob="innerHTML:#rating-status">Rated 5 stars.' in html


def test_rating_zero_clears_it(client):
    media_id = saved_id(save(client))
    rate(client, media_id, "2")

    html = client.post(f"/media/{media_id}/rating", data={"rating": "0"}, headers=HTMX)

    assert "Rating cleared." in html.get_data(as_text=True)
    assert record(client, media_id)["rating"] == 0


@pytest.mark.parametrize("bad", ["6", "-1", "x", "", "2.5"])
def test_a_bad_rating_answers_400_in_words_and_changes_nothing(client, bad):
    media_id = saved_id(save(client))
    rate(client, media_id, "2")

    response = rate(client, media_id, bad)

    assert response.status_code == 400
    assert "Rating: Choose a rating" in response.get_data(as_text=True)
    assert record(client, media_id)["rating"] == 2


def test_rating_another_owners_item_answers_404(app, client):
    media_id = saved_id(save(client))

    response = rate(app.test_client(), media_id, "5")

    assert response.status_code == 404
    assert record(client, media_id)["rating"] == 0


def test_rating_an_item_in_the_trash_answers_404(client):
    media_id = saved_id(save(client))
    client.delete(f"/api/media/{media_id}")

    assert rate(client, media_id, "5").status_code == 404


def test_with_csrf_on_a_rating_without_the_token_is_refused(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = saved_id(save(client))

    response = rate(client, media_id, "5")

    assert response.status_code == 400
    assert record(client, media_id)["rating"] == 0


def test_with_csrf_on_the_rating_form_carries_its_token(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    media_id = saved_id(save(client))
    form = rating_form(client.get(f"/media/{media_id}").get_data(as_text=True))
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)

    response = rate(client, media_id, "5", csrf_token=token)

    assert response.status_code == 303
    assert record(client, media_id)["rating"] == 5


def test_the_detail_view_lists_its_keyboard_shortcuts(client):
    media_id = saved_id(save(client))

    html = client.get(f"/media/{media_id}").get_data(as_text=True)

    shortcuts = re.search(r'<section class="panel shortcuts.*?</section>', html, re.S).group(0)
    for key in ("<kbd>1</kbd>–<kbd>5</kbd>", "<kbd>0</kbd>", "<kbd>F</kbd>", "<kbd>Delete</kbd>"):
        assert key in shortcuts
    assert 'aria-labelledby="shortcuts-title"' in shortcuts
    assert re.search(r'<script defer src="/static/js/culling\.[0-9a-f]{12}\.js"></script>', html)


# --- cards --------------------------------------------------------------------------------


def test_a_rated_card_shows_its_stars_and_an_unrated_one_nothing(client):
    rated, unrated = saved_id(save(client)), saved_id(save(client))
    rate(client, rated, "4")

    html = client.get("/").get_data(as_text=True)

    assert re.search(rf'id="rating-{rated}">.*?Rated 4 of 5</span></span>', html, re.S)
    assert f'<span class="media-card__rating" id="rating-{unrated}"></span>' in html


# --- the filter ---------------------------------------------------------------------------


def test_min_rating_shows_only_items_rated_that_much_with_a_chip_to_remove_it(client, three):
    rate(client, three[0], "5")
    rate(client, three[1], "2")

    html = client.get("/?minRating=3&sort=oldest").get_data(as_text=True)

    assert card_ids(client.get("/?minRating=3&sort=oldest")) == [three[0]]
    assert re.search(r"Rated 3\+.*?href=\"/\?sort=oldest\"", html, re.S)
    assert '<option value="3" selected>' in html


def test_min_rating_combines_with_the_search_and_the_type_tab(client):
    fox = saved_id(save(client, image_payload(prompt="red fox")))
    owl = saved_id(save(client, image_payload(prompt="owl")))
    for media_id in (fox, owl):
        rate(client, media_id, "4")

    assert gallery_card_ids(client, "?minRating=4&q=fox&type=image") == [fox]


def test_min_rating_pages_through_the_gallery_with_the_cursor(small_pages):
    ids = [saved_id(save(small_pages)) for _ in range(5)]
    for media_id in ids[:4]:
        rate(small_pages, media_id, "3")
    first = small_pages.get("/?minRating=3").get_data(as_text=True)
    cursor = re.search(r'cursor=([^"&]+)', first).group(1)

    second = small_pages.get(f"/?minRating=3&cursor={cursor}", headers=HTMX)

    assert card_ids(small_pages.get("/?minRating=3")) + card_ids(second) == ids[3::-1][:4]


def test_a_bad_min_rating_in_the_gallery_answers_400_in_words(client):
    response = client.get("/?minRating=9")

    assert response.status_code == 400
    assert "Rating: Use a whole number from 1 to 5." in response.get_data(as_text=True)


def test_the_previous_and_next_links_stay_within_min_rating(client, three):
    rate(client, three[0], "4")
    rate(client, three[2], "4")

    html = client.get(f"/media/{three[2]}?minRating=4").get_data(as_text=True)

    assert f'href="/media/{three[0]}?minRating=4" rel="next"' in html


# --- the toolbar --------------------------------------------------------------------------


def test_the_toolbar_rates_every_ticked_card_without_javascript(client):
    ids = [saved_id(save(client)) for _ in range(3)]

    response = client.post("/media/bulk", data={"action": "rate", "rating": "4", "ids": ids[:2]})

    assert response.status_code == 303
    assert [record(client, i)["rating"] for i in ids] == [4, 4, 0]
    assert "Rated 2 items 4 stars." in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_an_htmx_bulk_rate_replaces_the_cards_stars_out_of_band(client):
    ids = [saved_id(save(client)) for _ in range(2)]

    response = client.post(
        "/media/bulk", data={"action": "rate", "rating": "1", "ids": ids}, headers=HTMX
    )

    html = response.get_data(as_text=True)
    for media_id in ids:
        assert re.search(rf'id="rating-{media_id}" hx-swap-oob="true">.*?Rated 1 of 5', html, re.S)
    assert "Rated 2 items 1 star." in html


def test_the_toolbar_offers_rate_with_a_stars_menu(client):
    save(client)

    html = client.get("/").get_data(as_text=True)

    bar = re.search(r'<form id="bulk-form".*?</form>', html, re.S).group(0)
    assert 'name="action" value="rate"' in bar
    assert re.search(r'<select[^>]*name="rating"', bar)


def test_other_toolbar_actions_ignore_the_stars_menu(client):
    media_id = saved_id(save(client))

    client.post("/media/bulk", data={"action": "favorite", "rating": "5", "ids": [media_id]})

    assert (record(client, media_id)["favorite"], record(client, media_id)["rating"]) == (True, 0)


@pytest.mark.parametrize("rating", ["9", "x"])
def test_a_bulk_rate_with_a_bad_rating_answers_400_and_changes_nothing(client, rating):
    media_id = saved_id(save(client))

    response = client.post(
        "/media/bulk", data={"action": "rate", "rating": rating, "ids": [media_id]}
    )

    assert response.status_code == 400
    assert "Rating:" in response.get_data(as_text=True)
    assert record(client, media_id)["rating"] == 0


def test_a_bulk_rate_without_a_rating_answers_400(client):
    media_id = saved_id(save(client))

    response = client.post("/media/bulk", data={"action": "rate", "ids": [media_id]})

    assert response.status_code == 400
    assert "Rating:" in response.get_data(as_text=True)


# --- deleting from the detail view moves on -----------------------------------------------


def test_the_detail_delete_form_names_the_next_item(client, three):
    html = client.get(f"/media/{three[1]}").get_data(as_text=True)

    form = re.search(r'<form id="delete-form".*?</form>', html, re.S).group(0)

    assert f'name="then" value="{three[0]}"' in form


def test_the_oldest_items_delete_moves_back_to_the_previous_one(client, three):
    html = client.get(f"/media/{three[0]}").get_data(as_text=True)

    form = re.search(r'<form id="delete-form".*?</form>', html, re.S).group(0)

    assert f'name="then" value="{three[1]}"' in form


def test_a_delete_from_the_detail_view_goes_on_to_the_next_item_with_undo(client, three):
    response = client.post(f"/media/{three[1]}/delete", data={"then": three[0], "q": "item"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/media/{three[0]}?q=item"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Deleted “item 1”." in html
    action, fields = undo_form(html)
    assert action == f"/media/{three[1]}/restore"
    assert fields["place"] == ["detail"] and fields["q"] == ["item"]
    assert record(client, three[1]) is None


def test_the_undo_of_a_detail_delete_comes_back_to_that_item(client, three):
    client.post(f"/media/{three[1]}/delete", data={"then": three[0]})

    response = client.post(f"/media/{three[1]}/restore", data={"place": "detail"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/media/{three[1]}"
    assert record(client, three[1]) is not None


def test_an_htmx_undo_of_a_detail_delete_is_told_to_go_to_that_item(client, three):
    client.post(f"/media/{three[1]}/delete", data={"then": three[0]})

    response = client.post(f"/media/{three[1]}/restore", data={"place": "detail"}, headers=HTMX)

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/media/{three[1]}"
    assert "Restored" in client.get(f"/media/{three[1]}").get_data(as_text=True)


def test_a_delete_with_a_bad_next_item_answers_400_and_keeps_the_item(client, three):
    response = client.post(f"/media/{three[1]}/delete", data={"then": "nope"})

    assert response.status_code == 400
    assert record(client, three[1]) is not None
