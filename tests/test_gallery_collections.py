"""Collections in the gallery: the collections page and menu, a collection's page (the grid
with all its filters and pages), forms to make, rename, describe and delete one, adding and
removing from a card, the detail view and the toolbar, the cover, and "Save this search"."""

import re
import uuid

import pytest

from tests.conftest import image_payload, save, video_payload
from tests.helpers import HTMX, card_ids, csrf_token, saved_id


@pytest.fixture
def items(client):
    return [saved_id(save(client, image_payload(prompt=f"fox {n}"))) for n in range(3)]


def _make(client, name="Pets", **form):
    response = client.post("/collections", data={"name": name, **form})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return re.search(r"collection=([0-9a-f-]{36})", response.headers["Location"]).group(1)


def _fill(client, cid, ids):
    client.post(f"/api/collections/{cid}/items", json={"ids": ids})


def test_the_header_links_to_the_collections_page(client, items):
    html = client.get("/").get_data(as_text=True)

    assert 'href="/collections"' in html


def test_the_collections_page_shows_each_with_its_count(client, items):
    cid = _make(client, "Pets")
    _fill(client, cid, items[:2])

    html = client.get("/collections").get_data(as_text=True)

    assert "Pets" in html and "2 items" in html
    assert f'href="/?collection={cid}"' in html


def test_a_collections_tile_shows_its_cover(client, items):
    cid = _make(client, "Pets")
    _fill(client, cid, items[:1])

    html = client.get("/collections").get_data(as_text=True)

    tile = html[html.index(f'id="collection-{cid}"') :]
    assert re.search(r'<img src="https://[^"]+"', tile[:1500])


def test_creating_a_collection_opens_its_page(client, items):
    response = client.post("/collections", data={"name": "Pets", "description": "All pets"})

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert response.status_code == 303
    assert '<h1 class="page-title" id="gallery-title">Pets</h1>' in page
    assert "All pets" in page and "Created the collection “Pets”." in page


def test_a_name_taken_is_refused_with_a_clear_message(client):
    _make(client, "Pets")

    response = client.post("/collections", data={"name": "pets"})

    assert response.status_code == 409
    assert "already have a collection with that name" in response.get_data(as_text=True)


def test_a_blank_name_is_refused(client):
    response = client.post("/collections", data={"name": "  "})

    assert response.status_code == 400
    assert "Give the collection a name." in response.get_data(as_text=True)


def test_a_collections_page_shows_only_its_items(client, items):
    cid = _make(client)
    _fill(client, cid, [items[0], items[2]])

    shown = card_ids(client.get(f"/?collection={cid}"))

    assert shown == [items[2], items[0]]


def test_a_collections_page_keeps_every_filter(client, items):
    cid = _make(client)
    video = saved_id(save(client, video_payload(prompt="fox video")))
    _fill(client, cid, [items[0], items[1], video])

    shown = card_ids(client.get(f"/?collection={cid}&type=image&q=fox+1"))

    assert shown == [items[1]]


def test_the_search_form_of_a_collection_stays_in_it(client, items):
    cid = _make(client)

    html = client.get(f"/?collection={cid}").get_data(as_text=True)

    form = html[html.index('id="gallery-filters"') :]
    assert f'<input type="hidden" name="collection" value="{cid}">' in form[:2000]


def test_a_collections_later_pages_stay_in_it_without_javascript(small_pages, items):
    client = small_pages
    client.get("/")
    ids = [saved_id(save(client, image_payload(prompt=f"owl {n}"))) for n in range(3)]
    cid = _make(client)
    _fill(client, cid, ids)
    first = client.get(f"/?collection={cid}").get_data(as_text=True)

    later = re.search(r'href="(/\?collection=[^"]*cursor=[^"]+)"', first).group(1)

    assert card_ids(client.get(later.replace("&amp;", "&"))) == [ids[0]]


def test_an_empty_collection_says_so(client, items):
    cid = _make(client)

    html = client.get(f"/?collection={cid}").get_data(as_text=True)

    assert "Nothing in this collection yet" in html


def test_another_owners_collection_page_answers_404(app, client, items):
    cid = _make(client)
    stranger = app.test_client()
    save(stranger)

    assert stranger.get(f"/?collection={cid}").status_code == 404
    assert stranger.get(f"/collections/{cid}/edit").status_code == 404
    assert stranger.post(f"/collections/{cid}/delete").status_code == 404


def test_a_card_adds_its_item_without_javascript(client, items):
    cid = _make(client)

    response = client.post("/collections/add", data={"into": cid, "ids": items[0]})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#media-{items[0]}")
    assert card_ids(client.get(f"/?collection={cid}")) == [items[0]]


def test_a_card_adds_its_item_with_htmx_and_says_so(client, items):
    cid = _make(client, "Pets")

    response = client.post("/collections/add", data={"into": cid, "ids": items[1]}, headers=HTMX)

    html = response.get_data(as_text=True)
    assert 'hx-swap-oob="innerHTML:#flash-area"' in html
    assert "Added “fox 1” to “Pets”." in html


def test_each_card_offers_the_manual_collections(client, items):
    _make(client, "Pets")
    _make(client, "Foxes", smart="true", q="fox")

    html = client.get("/").get_data(as_text=True)

    menu = html[html.index(f'id="collect-{items[0]}"') :]
    menu = menu[: menu.index("</select>")]
    assert ">Pets</option>" in menu and "Foxes" not in menu


def test_the_toolbar_adds_every_ticked_card(client, items):
    cid = _make(client)

    client.post(
        "/collections/add", data={"into": cid, "ids": items[:2], "place": "toolbar"}, headers=HTMX
    )

    assert card_ids(client.get(f"/?collection={cid}")) == [items[1], items[0]]


def test_the_toolbar_refuses_more_than_500(client, items):
    cid = _make(client)
    ids = [str(uuid.uuid4()) for _ in range(501)]

    response = client.post("/collections/add", data={"into": cid, "ids": ids, "place": "toolbar"})

    assert response.status_code == 400
    assert "at most 500" in response.get_data(as_text=True)


def test_adding_a_strangers_item_adds_nothing_and_says_why(app, client, items):
    cid = _make(client)
    theirs = saved_id(save(app.test_client()))

    response = client.post("/collections/add", data={"into": cid, "ids": [items[0], theirs]})

    assert response.status_code == 400
    assert "nothing was added" in response.get_data(as_text=True)
    assert card_ids(client.get(f"/?collection={cid}")) == []


def test_a_smart_collection_refuses_items_by_hand(client, items):
    cid = _make(client, "Foxes", smart="true", q="fox 1")

    response = client.post("/collections/add", data={"into": cid, "ids": items[0]})

    assert response.status_code == 409


def test_removing_from_a_collections_page_takes_the_card_away(client, items):
    cid = _make(client)
    _fill(client, cid, items)

    response = client.post(
        "/collections/remove",
        data={"out_of": cid, "ids": items[0], "collection": cid},
        headers=HTMX,
    )

    assert f'<div id="media-{items[0]}" hx-swap-oob="delete">' in response.get_data(as_text=True)
    assert card_ids(client.get(f"/?collection={cid}")) == [items[2], items[1]]
    assert items[0] in card_ids(client.get("/"))


def test_a_card_on_a_manual_collections_page_offers_removal(client, items):
    cid = _make(client)
    _fill(client, cid, items[:1])

    html = client.get(f"/?collection={cid}").get_data(as_text=True)

    assert 'aria-label="Remove from this collection"' in html
    assert "Remove from collection" in html  # the toolbar's button


def test_the_detail_view_lists_the_items_collections(client, items):
    cid = _make(client, "Pets")
    _make(client, "Foxes", smart="true", q="fox")
    _fill(client, cid, items[:1])

    html = client.get(f"/media/{items[0]}").get_data(as_text=True)

    panel = html[html.index('id="collections-title"') : html.index('id="share"')]
    assert "Pets" in panel and "Foxes" in panel and "found by its search" in panel


def test_the_detail_view_adds_and_comes_back_without_javascript(client, items):
    cid = _make(client, "Pets")

    response = client.post(
        "/collections/add", data={"into": cid, "ids": items[0], "place": "detail"}
    )

    assert response.headers["Location"] == f"/media/{items[0]}#collections"
    page = client.get(f"/media/{items[0]}").get_data(as_text=True)
    assert "Not in any collection yet." not in page


def test_the_detail_panel_is_swapped_by_htmx(client, items):
    cid = _make(client, "Pets")

    response = client.post(
        "/collections/add",
        data={"into": cid, "ids": items[0], "place": "detail"},
        headers=HTMX,
    )

    html = response.get_data(as_text=True)
    assert html.lstrip().startswith("{#") is False and "<html" not in html
    assert 'class="panel item-collections"' in html and "Added “fox 0” to “Pets”." in html


def test_use_as_cover_shows_that_item_on_the_tile(client, items):
    cid = _make(client, "Pets")
    _fill(client, cid, items)

    client.post(f"/collections/{cid}/cover", data={"media": items[0]})

    tile = client.get(f"/api/collections/{cid}").get_json()["data"]
    assert tile["cover"]["id"] == items[0]


def test_renaming_and_describing_from_the_edit_page(client, items):
    cid = _make(client, "Pets")
    form = client.get(f"/collections/{cid}/edit").get_data(as_text=True)

    response = client.post(f"/collections/{cid}", data={"name": "Animals", "description": "Zoo"})

    assert 'value="Pets"' in form
    assert response.status_code == 303
    assert client.get(f"/api/collections/{cid}").get_json()["data"]["description"] == "Zoo"


def test_deleting_from_the_edit_page_keeps_the_items(client, items):
    cid = _make(client, "Pets")
    _fill(client, cid, items)

    response = client.post(f"/collections/{cid}/delete")

    assert response.headers["Location"] == "/collections"
    flashed = client.get("/collections").get_data(as_text=True)
    assert "its items are still in your history" in flashed
    assert len(card_ids(client.get("/"))) == 3


def test_save_this_search_makes_a_smart_collection_of_the_filters(client, items):
    html = client.get("/?q=fox+1&type=image").get_data(as_text=True)
    form = html[html.index('id="save-search"') :]
    form = form[: form.index("</form>")]

    cid = _make(client, "Fox one", smart="true", q="fox 1", type="image")

    assert 'name="q" value="fox 1"' in form and 'name="smart" value="true"' in form
    assert card_ids(client.get(f"/?collection={cid}")) == [items[1]]


def test_a_smart_collection_shows_new_items_as_they_arrive(client, items):
    cid = _make(client, "Foxes", smart="true", q="fox")

    newer = saved_id(save(client, image_payload(prompt="fox 9")))

    assert card_ids(client.get(f"/?collection={cid}"))[0] == newer


def test_a_smart_collection_opens_in_its_saved_order(client, items):
    response = client.post("/collections", data={"name": "Old", "smart": "true", "sort": "oldest"})

    assert "sort=oldest" in response.headers["Location"]
    assert card_ids(client.get(response.headers["Location"]))[0] == items[0]


def test_no_save_this_search_without_a_search(client, items):
    html = client.get("/").get_data(as_text=True)

    assert 'id="save-search"' not in html


def test_a_smart_collections_page_does_not_offer_to_save_it_again(client, items):
    cid = _make(client, "Foxes", smart="true", q="fox")

    html = client.get(f"/?collection={cid}&q=0").get_data(as_text=True)

    assert 'id="save-search"' not in html
    assert "Smart collection" in html and "“fox”" in html


def test_a_trashed_item_leaves_the_collections_page_and_comes_back(client, items):
    cid = _make(client)
    _fill(client, cid, items[:2])
    client.post(f"/media/{items[0]}/delete")
    while_trashed = card_ids(client.get(f"/?collection={cid}"))

    client.post(f"/media/{items[0]}/restore")

    assert while_trashed == [items[1]]
    assert card_ids(client.get(f"/?collection={cid}")) == [items[1], items[0]]


def test_with_csrf_on_creating_needs_the_token(make_app, app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/collections").get_data(as_text=True)

    refused = client.post("/collections", data={"name": "Pets"})
    accepted = client.post("/collections", data={"name": "Pets", "csrf_token": csrf_token(page)})

    assert refused.status_code == 400
    assert accepted.status_code == 303
