"""Keeping and clearing in the gallery: stars, trash with Undo, bulk actions, pruning, CSRF."""

import re
import uuid

import pytest

from tests.conftest import image_payload, save, video_payload
from tests.helpers import CARD_ID, HTMX, saved_id


def card_ids(client, query: str = "") -> list[str]:
    return CARD_ID.findall(client.get(f"/{query}").get_data(as_text=True))


def record(client, media_id: str) -> dict | None:
    response = client.get(f"/api/media/{media_id}")
    return response.get_json()["data"] if response.status_code == 200 else None


def star_button(html: str, media_id: str) -> str:
    return re.search(rf'<button [^>]*id="star-button-{media_id}"[^>]*>', html).group(0)


def undo_form(html: str) -> tuple[str, dict[str, list[str]]]:
    """The action and fields of the Undo form in a notice."""
    form = re.search(
        r'<form class="flash__action"[^>]*action="([^"]+)"[^>]*>(.*?)</form>', html, re.S
    )
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)):
        fields.setdefault(name, []).append(value)
    return form.group(1), fields


def bulk(client, action: str, ids: list[str], headers=None, follow_redirects=False, **filters):
    return client.post(
        "/media/bulk",
        data={"action": action, "ids": ids, **filters},
        headers=headers or {},
        follow_redirects=follow_redirects,
    )


# --- favorites ---------------------------------------------------------------------------


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


# --- trash and Undo ----------------------------------------------------------------------


def test_an_htmx_delete_shows_moved_to_trash_with_an_undo_out_of_band(client):
    media_id = saved_id(save(client, image_payload(prompt="fox")))

    response = client.post(f"/media/{media_id}/delete", data={"q": "fox"}, headers=HTMX)

    html = response.get_data(as_text=True)
    action, fields = undo_form(html)
    assert '<div hx-swap-oob="beforeend:#flash-area">' in html
    assert "Moved to trash." in html
    assert action == f"/media/{media_id}/restore"
    assert fields["q"] == ["fox"]
    assert card_ids(client) == []


def test_undo_brings_the_card_back_and_answers_the_results_region(client):
    media_id = saved_id(save(client))
    client.post(f"/media/{media_id}/delete", headers=HTMX)

    response = client.post(f"/media/{media_id}/restore", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Restored 1 item from the trash." in html
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


# --- bulk actions ------------------------------------------------------------------------


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
    mine = [saved_id(save(client)) for _ in range(3)]
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
    assert "Moved 2 items to the trash. 1 item could not be found." in html


def test_undo_after_a_bulk_delete_restores_exactly_those_cards(client):
    ids = [saved_id(save(client)) for _ in range(3)]
    html = bulk(client, "delete", ids[:2], headers=HTMX).get_data(as_text=True)
    action, fields = undo_form(html)

    response = client.post(action, data=fields, headers=HTMX)

    assert action == "/media/bulk"
    assert fields["action"] == ["restore"]
    assert "Restored 2 items from the trash." in response.get_data(as_text=True)
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
    assert "Moved 2 items to the trash." in client.get("/").get_data(as_text=True)
    assert card_ids(client) == []


def test_a_large_bulk_delete_without_javascript_points_to_the_trash_instead(client):
    ids = [saved_id(save(client)) for _ in range(51)]  # more than a cookie-borne Undo holds

    page = bulk(client, "delete", ids, follow_redirects=True)

    html = page.get_data(as_text=True)
    assert "Moved 51 items to the trash." in html
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


# --- delete everything except favorites --------------------------------------------------


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
