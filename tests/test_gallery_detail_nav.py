"""The detail view grows: previous/next within the gallery's filters, copy, favorite star."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import image_payload, video_payload
from tests.helpers import HTMX

# The detail view's star posts to the one favorite endpoint, saying where it was pressed.
STAR_ON = {"star": "true", "place": "detail"}
STEP = re.compile(r'href="/media/([0-9a-f-]{36})(\?[^"]*)?" rel="(prev|next)"')


def import_items(client, payloads) -> list[str]:
    """Import items one minute apart, oldest first; returns their ids in that order."""
    start = datetime.now(UTC) - timedelta(hours=1)
    items = [
        {**payload, "createdAt": (start + timedelta(minutes=i)).isoformat()}
        for i, payload in enumerate(payloads)
    ]
    response = client.post("/api/media/import", json={"items": items})
    assert response.status_code == 200, response.get_json()
    records = client.get("/api/media/list?sort=oldest").get_json()["data"]
    return [record["id"] for record in records]


def steps(client, media_id: str, query: str = "") -> dict[str, str]:
    html = client.get(f"/media/{media_id}{query}").get_data(as_text=True)
    return {rel: target for target, _, rel in STEP.findall(html)}


@pytest.fixture
def history(client) -> list[str]:
    """image 0, video 1, image 2 "fox", video 3, image 4 "fox" (oldest first)."""
    return import_items(
        client,
        [
            image_payload(prompt="a lighthouse"),
            video_payload(),
            image_payload(prompt="a red fox"),
            video_payload(),
            image_payload(prompt="a fox at night"),
        ],
    )


def test_previous_is_the_newer_item_and_next_the_older_one(client, history):
    assert steps(client, history[2]) == {"prev": history[3], "next": history[1]}


def test_the_newest_item_has_no_previous_and_the_oldest_no_next(client, history):
    newest = client.get(f"/media/{history[4]}").get_data(as_text=True)
    oldest = client.get(f"/media/{history[0]}").get_data(as_text=True)

    assert steps(client, history[4]) == {"next": history[3]}
    assert steps(client, history[0]) == {"prev": history[1]}
    assert 'aria-disabled="true"' in newest and 'aria-disabled="true"' in oldest


def test_previous_and_next_stay_within_the_type_filter(client, history):
    assert steps(client, history[2], "?type=image") == {"prev": history[4], "next": history[0]}


def test_previous_and_next_stay_within_the_search(client, history):
    assert steps(client, history[4], "?q=fox") == {"next": history[2]}


def test_oldest_first_turns_previous_and_next_around(client, history):
    assert steps(client, history[2], "?sort=oldest") == {"prev": history[1], "next": history[3]}


def test_the_links_carry_the_filters_on(client, history):
    html = client.get(f"/media/{history[2]}?type=image&q=fox&sort=newest").get_data(as_text=True)

    queries = {rel: query for _, query, rel in STEP.findall(html)}
    # The default order is left out, as in the gallery's own links.
    assert queries == {"prev": "?type=image&amp;q=fox"}
    assert 'href="/?type=image&amp;q=fox#media-' in html


def test_blank_filters_from_a_form_mean_no_filter(client, history):
    assert steps(client, history[2], "?type=&q=&favorite=&from=&to=") == {
        "prev": history[3],
        "next": history[1],
    }


def test_the_links_name_their_arrow_keys(client, history):
    html = client.get(f"/media/{history[2]}").get_data(as_text=True)

    assert 'rel="prev" data-step="prev" aria-keyshortcuts="ArrowLeft"' in html
    assert 'rel="next" data-step="next" aria-keyshortcuts="ArrowRight"' in html


def test_the_detail_view_copies_the_settings_as_pretty_json_and_reuses_the_prompt(client, history):
    html = client.get(f"/media/{history[0]}").get_data(as_text=True)

    assert re.search(r'<pre class="json-view__code" id="settings-json">\{\n  &#34;model&#34;', html)
    assert 'data-copy="settings-json"' in html
    assert re.search(r'data-copy="prompt-text"[^>]*>.*?Reuse prompt', html)


def test_htmx_star_answers_the_pressed_star(client, history):
    response = client.post(f"/media/{history[0]}/favorite", data=STAR_ON, headers=HTMX)

    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and 'id="favorite-form"' in body
    assert 'aria-pressed="true"' in body and 'name="star" value="false"' in body
    assert client.get(f"/api/media/{history[0]}").get_json()["data"]["favorite"] is True


def test_a_plain_star_post_redirects_back_with_the_filters(client, history):
    response = client.post(f"/media/{history[0]}/favorite", data={**STAR_ON, "type": "image"})

    assert response.status_code == 303
    assert response.headers["Location"] == f"/media/{history[0]}?type=image"
    assert 'aria-pressed="true"' in client.get(response.headers["Location"]).get_data(as_text=True)


def test_unstarring_clears_the_favorite(client, history):
    client.post(f"/media/{history[0]}/favorite", data=STAR_ON)
    assert client.get(f"/api/media/{history[0]}").get_json()["data"]["favorite"] is True

    client.post(f"/media/{history[0]}/favorite", data={**STAR_ON, "star": "false"})

    assert client.get(f"/api/media/{history[0]}").get_json()["data"]["favorite"] is False


def test_starring_another_owners_item_answers_404(app, client, history):
    response = app.test_client().post(f"/media/{history[0]}/favorite", data=STAR_ON)

    assert response.status_code == 404
    assert client.get(f"/api/media/{history[0]}").get_json()["data"]["favorite"] is False


def test_a_trashed_item_has_no_detail_view(client, history):
    client.delete(f"/api/media/{history[0]}")

    response = client.get(f"/media/{history[0]}")

    assert response.status_code == 404


def test_a_bad_filter_answers_400(client, history):
    response = client.get(f"/media/{history[0]}?type=audio")

    assert response.status_code == 400


def test_with_csrf_on_a_star_without_the_token_is_refused(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    [media_id] = import_items(client, [image_payload()])

    response = client.post(f"/media/{media_id}/favorite", data=STAR_ON)

    assert response.status_code == 400
    assert client.get(f"/api/media/{media_id}").get_json()["data"]["favorite"] is False


def _delete_form_fields(client, url: str) -> dict[str, str]:
    html = client.get(url).get_data(as_text=True)
    form = re.search(r'<form id="delete-form" method="post" action="[^"]+">.*?</form>', html, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form.group(0)))
    fields.pop("csrf_token", None)
    return fields


def test_deleting_from_the_detail_view_moves_on_to_the_next_item_in_the_filters(client, history):
    fields = _delete_form_fields(client, f"/media/{history[4]}?type=image&q=fox")

    response = client.post(f"/media/{history[4]}/delete", data=fields)

    assert fields == {"type": "image", "q": "fox", "then": history[2]}
    assert response.status_code == 303
    assert response.headers["Location"] == f"/media/{history[2]}?type=image&q=fox"


def test_deleting_the_only_item_of_the_filters_returns_to_the_filtered_gallery(client, history):
    fields = _delete_form_fields(client, f"/media/{history[0]}?q=lighthouse")

    response = client.post(f"/media/{history[0]}/delete", data=fields)

    assert fields == {"q": "lighthouse"}
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/?q=lighthouse")
