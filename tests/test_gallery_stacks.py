"""The grid grouped by variant stacks: the filter-bar toggle, stack cards with their count,
the fragment of a stack's other variants, and the members' grid that needs no JavaScript."""

import re
import uuid

import pytest

from tests.conftest import image_payload, save
from tests.helpers import HTMX, card_ids


def _save(client, prompt="A lighthouse in a storm", seed=1, **settings) -> str:
    payload = image_payload(prompt=prompt)
    payload["settings"] = {**payload["settings"], "seed": seed, **settings}
    response = save(client, payload)
    assert response.status_code == 201
    return response.get_json()["data"]["id"]


@pytest.fixture
def stacked(client):
    """A stack of three (oldest first) and a single item saved after it."""
    ids = [_save(client, seed=seed) for seed in (1, 2, 3)]
    single = _save(client, prompt="A meadow")
    return {"stack": ids, "single": single}


def _key(client) -> str:
    return client.get("/api/media/list?stack=variants").get_json()["data"][1]["stackKey"]


def test_the_filter_bar_offers_the_grouping_as_a_checkbox_kept_in_the_url(client, stacked):
    plain = client.get("/").get_data(as_text=True)
    grouped = client.get("/?stack=variants").get_data(as_text=True)

    assert re.search(r'<input type="checkbox" name="stack" value="variants">', plain)
    assert re.search(r'name="stack" value="variants" checked', grouped)


def test_grouped_the_grid_shows_one_card_per_stack_with_its_count(client, stacked):
    response = client.get("/?stack=variants")

    html = response.get_data(as_text=True)
    assert card_ids(response) == [stacked["single"], stacked["stack"][-1]]
    assert 'data-stack-count="3"' in html
    assert "Show 2 more variants" in html
    assert html.count("data-stack-toggle=") == 1  # the single item has none


def test_ungrouped_the_grid_shows_every_item_and_no_stack_controls(client, stacked):
    response = client.get("/")

    assert len(card_ids(response)) == 4
    assert "data-stack-toggle" not in response.get_data(as_text=True)


def test_a_stack_cards_disclosure_links_to_the_members_grid_without_javascript(client, stacked):
    html = client.get("/?stack=variants&favorite=false").get_data(as_text=True)

    toggle = re.search(r'<a class="media-card__stack-toggle" href="([^"]+)"', html).group(1)
    members = client.get(toggle.replace("&amp;", "&"))

    assert f"variantOf={_key(client)}" in toggle and "stack=" not in toggle
    assert card_ids(members) == stacked["stack"][::-1]
    assert "Variants of one item" in members.get_data(as_text=True)


def test_the_disclosure_fetches_the_other_variants_as_a_fragment(client, stacked):
    key = _key(client)

    response = client.get(f"/stacks/{key}?stack=variants", headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert card_ids(response) == stacked["stack"][1::-1]  # the newest is the card itself
    assert f'id="stack-{key}"' in html and "2 more variants" in html
    assert "data-stack-close" in html and f"variantOf={key}" in html


def test_oldest_first_a_stacks_card_is_its_oldest_and_the_fragment_follows_on(client, stacked):
    grid = client.get("/?stack=variants&sort=oldest")

    fragment = client.get(f"/stacks/{_key(client)}?stack=variants&sort=oldest", headers=HTMX)

    assert card_ids(grid) == [stacked["stack"][0], stacked["single"]]
    assert card_ids(fragment) == stacked["stack"][1:]


def test_the_fragment_keeps_the_grids_filters(client, stacked):
    client.patch(f"/api/media/{stacked['stack'][0]}", json={"favorite": True})

    response = client.get(f"/stacks/{_key(client)}?stack=variants&favorite=false", headers=HTMX)

    assert card_ids(response) == [stacked["stack"][1]]


def test_the_fragment_url_without_htmx_redirects_to_the_members_grid(client, stacked):
    key = _key(client)

    response = client.get(f"/stacks/{key}?stack=variants&q=lighthouse")

    assert response.status_code == 303
    assert f"variantOf={key}" in response.location and "q=lighthouse" in response.location


@pytest.mark.parametrize("key", ["nothex", "A" * 32, "0" * 31])
def test_a_malformed_stack_key_answers_404(client, key):
    response = client.get(f"/stacks/{key}", headers=HTMX)

    assert response.status_code == 404


def test_another_owners_stack_shows_nothing_of_theirs(app, client, stacked):
    key = _key(client)

    response = app.test_client().get(f"/stacks/{key}", headers=HTMX)

    assert response.status_code == 200 and card_ids(response) == []
    assert "No other variants match now" in response.get_data(as_text=True)


def test_an_item_id_in_the_url_shows_its_stacks_members(client, stacked):
    response = client.get(f"/?variantOf={stacked['stack'][0]}")

    assert card_ids(response) == stacked["stack"][::-1]


def test_grouped_pages_scroll_without_repeating_a_stack(small_pages, app):
    ids = {}
    for n, prompt in enumerate(["a", "b", "a", "c", "b", "d", "a"]):
        ids.setdefault(prompt, []).append(_save(small_pages, prompt=prompt, seed=n))
    first = small_pages.get("/?stack=variants")
    more = re.search(r'class="load-more" hx-get="([^"]+)"', first.get_data(as_text=True))

    second = small_pages.get(more.group(1).replace("&amp;", "&"), headers=HTMX)

    assert "stack=variants" in more.group(1)
    shown = card_ids(first) + card_ids(second)
    assert shown == [ids["a"][-1], ids["d"][-1], ids["b"][-1], ids["c"][-1]]


def test_a_bad_grouping_value_is_refused_with_a_message(client):
    response = client.get("/?stack=everything")

    assert response.status_code == 400
    assert "Stacks" in response.get_data(as_text=True)


def test_an_unknown_item_in_variant_of_shows_an_empty_grid(client, stacked):
    response = client.get(f"/?variantOf={uuid.uuid4()}")

    assert response.status_code == 200 and card_ids(response) == []
