"""Share links to a collection: live (items added later appear, trashed ones do not), manual
or smart, with an item link's options; the public grid by cursor and each item's page."""

import re

import pytest

from tests.conftest import image_payload, save
from tests.helpers import HTMX, saved_id
from tests.test_caching import upload

PASSWORD = "collection secret"


def collection(client, name="Lighthouses", **body) -> str:
    response = client.post("/api/collections", json={"name": name, **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]["id"]


def add(client, collection_id: str, *ids: str) -> None:
    response = client.post(f"/api/collections/{collection_id}/items", json={"ids": list(ids)})
    assert response.status_code == 200, response.get_json()


def share(client, collection_id: str, **options) -> dict:
    response = client.post(f"/api/collections/{collection_id}/share", json=options)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def items(client, token: str, **query) -> list[str]:
    response = client.get(f"/api/shared/{token}/items", query_string=query)
    assert response.status_code == 200, response.get_json()
    return [item["prompt"] for item in response.get_json()["data"]]


def saved(client, prompt: str, **extra) -> str:
    return saved_id(save(client, image_payload(prompt=prompt, **extra)))


def test_a_collection_link_shows_its_items_and_the_collection_name(app, client):
    target = collection(client, description="Coastal ones")
    add(client, target, saved(client, "first light"), saved(client, "second light"))
    saved(client, "not in the collection")
    link = share(client, target)

    response = app.test_client().get(f"/api/shared/{link['token']}/items")

    body = response.get_json()
    assert link["kind"] == "collection" and link["collectionId"] == target
    assert link["mediaId"] is None
    assert [i["prompt"] for i in body["data"]] == ["second light", "first light"]
    assert body["collection"] == {
        "name": "Lighthouses",
        "description": "Coastal ones",
        "smart": False,
    }
    assert not {"userId", "requestId", "projectId"} & set(body["data"][0])


def test_a_collection_link_is_live_items_added_later_appear_and_trashed_ones_leave(app, client):
    target = collection(client)
    kept = saved(client, "kept")
    add(client, target, kept)
    link = share(client, target)
    visitor = app.test_client()
    assert items(visitor, link["token"]) == ["kept"]

    later = saved(client, "added later")
    add(client, target, later)
    client.delete(f"/api/media/{kept}")

    assert items(visitor, link["token"]) == ["added later"]
    client.post(f"/api/media/{kept}/restore")
    assert items(visitor, link["token"]) == ["added later", "kept"]


def test_a_smart_collection_link_follows_its_saved_search(app, client):
    saved(client, "a red fox")
    target = collection(client, "Foxes", search={"q": "fox"})
    link = share(client, target)
    saved(client, "a grey fox at night")
    saved(client, "an owl")

    assert items(app.test_client(), link["token"]) == ["a grey fox at night", "a red fox"]


def test_the_public_grid_pages_by_cursor(app, client):
    target = collection(client)
    add(client, target, *[saved(client, f"item {n}") for n in range(5)])
    link = share(client, target)
    visitor = app.test_client()
    first = visitor.get(f"/api/shared/{link['token']}/items?limit=3").get_json()

    second = visitor.get(
        f"/api/shared/{link['token']}/items",
        query_string={"limit": 3, "cursor": first["pagination"]["nextCursor"]},
    ).get_json()

    assert [i["prompt"] for i in first["data"]] == ["item 4", "item 3", "item 2"]
    assert [i["prompt"] for i in second["data"]] == ["item 1", "item 0"]
    assert second["pagination"]["hasMore"] is False


def test_the_public_collection_page_shows_a_grid_and_a_next_page_link(app, small_pages, client):
    target = collection(client, "Harbours")
    add(client, target, *[saved(client, f"harbour {n}") for n in range(3)])
    link = share(client, target)

    page = small_pages.get(f"/s/{link['token']}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "noindex" in page.headers["X-Robots-Tag"]
    assert "<h1" in html and "Harbours" in html
    assert html.count('class="shared-grid__item"') == 2
    more = re.search(r'href="(/s/[\w-]+\?cursor=[^"]+)">Next page', html).group(1)
    rest = small_pages.get(more.replace("&amp;", "&")).get_data(as_text=True)
    assert rest.count('class="shared-grid__item"') == 1 and "harbour 0" in rest


def test_each_item_of_a_shared_collection_has_its_own_page(app, client):
    target = collection(client)
    media_id = saved(client, "the lighthouse itself")
    add(client, target, media_id)
    link = share(client, target)
    visitor = app.test_client()

    page = visitor.get(f"/s/{link['token']}/m/{media_id}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "the lighthouse itself" in html and f'href="/s/{link["token"]}"' in html
    data = visitor.get(f"/api/shared/{link['token']}/items/{media_id}").get_json()["data"]
    assert data["id"] == media_id and data["prompt"] == "the lighthouse itself"


def test_an_item_outside_the_collection_answers_404_through_its_link(app, client):
    target = collection(client)
    add(client, target, saved(client, "inside"))
    outside = saved(client, "outside")
    link = share(client, target)
    visitor = app.test_client()

    assert visitor.get(f"/s/{link['token']}/m/{outside}").status_code == 404
    assert visitor.get(f"/api/shared/{link['token']}/items/{outside}").status_code == 404
    assert visitor.get(f"/api/shared/{link['token']}/items/{outside}/file").status_code == 404


def test_a_collection_links_items_files_follow_the_download_option(app, client):
    target = collection(client)
    media_id = upload(client)
    add(client, target, media_id)
    open_link = share(client, target)
    closed = share(client, target, allowDownload=False)
    visitor = app.test_client()
    base = "/api/shared/{}/items/" + media_id

    allowed = visitor.get(base.format(open_link["token"]) + "/file")
    refused = visitor.get(base.format(closed["token"]) + "/file")

    assert allowed.status_code == 200 and refused.status_code == 404
    assert visitor.get(base.format(closed["token"]) + "/thumbnail").status_code == 200
    html = visitor.get(f"/s/{closed['token']}").get_data(as_text=True)
    assert f"{base.format(closed['token'])}/thumbnail" in html and "/file" not in html


def test_a_collection_link_with_a_password_asks_for_it_first(app, client):
    target = collection(client)
    media_id = saved(client, "behind the password")
    add(client, target, media_id)
    link = share(client, target, password=PASSWORD)
    visitor = app.test_client()
    assert visitor.get(f"/api/shared/{link['token']}/items").status_code == 401
    locked = visitor.get(f"/s/{link['token']}").get_data(as_text=True)
    assert "This collection is protected" in locked and "behind the password" not in locked
    assert visitor.get(f"/s/{link['token']}/m/{media_id}").status_code == 303

    visitor.post(f"/s/{link['token']}", data={"password": PASSWORD})

    assert "behind the password" in visitor.get(f"/s/{link['token']}").get_data(as_text=True)
    assert items(visitor, link["token"]) == ["behind the password"]


def test_a_collection_link_defaults_to_30_days_and_takes_expires_at(client):
    target = collection(client)

    default = share(client, target)
    chosen = share(client, target, expiresAt="2031-01-02T03:04:59Z")

    assert default["expiresAt"] is not None
    assert chosen["expiresAt"] == "2031-01-02T03:04:00.000Z"


def test_views_of_a_collection_link_are_counted_and_listed_with_its_name(app, client):
    target = collection(client, "Counted")
    link = share(client, target)
    visitor = app.test_client()
    visitor.get(f"/s/{link['token']}")
    visitor.get(f"/api/shared/{link['token']}/items")

    listed = client.get("/api/shares").get_json()["data"]

    assert [(s["collectionName"], s["views"], s["kind"]) for s in listed] == [
        ("Counted", 2, "collection")
    ]
    assert listed[0]["type"] is None and listed[0]["prompt"] is None


def test_the_shares_page_lists_a_collection_link_and_revokes_it(app, client):
    link = share(client, collection(client, "On the page"))

    html = client.get("/shares").get_data(as_text=True)
    response = client.post(f"/shares/{link['id']}/revoke")

    assert "On the page" in html and "Collection" in html
    assert response.status_code == 303
    assert app.test_client().get(f"/s/{link['token']}").status_code == 404


def test_another_owners_collection_cannot_be_shared(app, client):
    target = collection(client)

    response = app.test_client().post(f"/api/collections/{target}/share", json={})

    assert response.status_code == 404


def test_a_deleted_collections_link_answers_404(app, client):
    target = collection(client)
    link = share(client, target)

    client.delete(f"/api/collections/{target}")

    assert app.test_client().get(f"/s/{link['token']}").status_code == 404
    assert app.test_client().get(f"/api/shared/{link['token']}/items").status_code == 404


@pytest.mark.parametrize("suffix", ["", "/file", "/thumbnail"])
def test_an_item_link_is_not_a_collection_and_the_reverse(app, client, suffix):
    media_id = saved(client, "alone")
    item_link = client.post(f"/api/media/{media_id}/share", json={}).get_json()["data"]
    coll_link = share(client, collection(client))
    visitor = app.test_client()

    assert visitor.get(f"/api/shared/{coll_link['token']}{suffix}").status_code == 404
    assert visitor.get(f"/api/shared/{item_link['token']}/items").status_code == 404


def test_a_guest_collection_link_keeps_working_after_the_guest_registers(app, client):
    target = collection(client)
    add(client, target, saved(client, "adopted"))
    link = share(client, target)

    client.post("/api/auth/register", json={"email": "g@example.com", "password": "long enough pw"})

    assert items(app.test_client(), link["token"]) == ["adopted"]
    assert [s["id"] for s in client.get("/api/shares").get_json()["data"]] == [link["id"]]


def test_bad_paging_of_a_shared_collection_answers_400(app, client):
    link = share(client, collection(client))

    response = app.test_client().get(f"/api/shared/{link['token']}/items?limit=0")

    assert response.status_code == 400


# --- from the gallery ------------------------------------------------------------------


def test_the_shares_page_offers_the_owners_collections_to_share(client):
    collection(client, "Piers")

    html = client.get("/shares").get_data(as_text=True)

    form = re.search(
        r'<form class="share-form" method="post" action="/shares/collection".*?</form>', html, re.S
    )
    assert form and ">Piers</option>" in form.group(0)
    assert 'name="password"' in form.group(0) and 'name="expires_at"' in form.group(0)


def test_sharing_a_collection_from_the_gallery_without_javascript(app, client):
    target = collection(client, "Docks")
    add(client, target, saved(client, "a dock at dawn"))
    form = {"collection": target, "password": PASSWORD, "expires": "7"}

    response = client.post("/shares/collection", data=form)

    assert response.status_code == 303
    [listed] = client.get("/api/shares").get_json()["data"]
    assert listed["collectionId"] == target and listed["hasPassword"]
    assert response.location.endswith(f"#share-{listed['id']}")
    html = client.get("/shares").get_data(as_text=True)
    assert "Docks" in html and ">Password<" in html


def test_sharing_a_collection_with_htmx_answers_the_link(client):
    target = collection(client)

    response = client.post("/shares/collection", data={"collection": target}, headers=HTMX)

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "this collection as it is whenever the link is opened" in html


@pytest.mark.parametrize("form", [{}, {"collection": "nope"}])
def test_sharing_without_a_collection_is_refused(client, form):
    response = client.post("/shares/collection", data=form)

    assert response.status_code == 400
    assert "Choose a collection" in response.get_data(as_text=True)


def test_another_owners_collection_cannot_be_shared_from_the_gallery(app, client):
    target = collection(client)

    response = app.test_client().post("/shares/collection", data={"collection": target})

    assert response.status_code == 404


def test_the_shares_page_can_open_on_one_collection_to_share(client):
    collection(client, "Alpha")
    beta = collection(client, "Beta")

    html = client.get(f"/shares?collection={beta}").get_data(as_text=True)

    assert '<details class="panel share-box collection-share" id="share-collection" open>' in html
    assert f'<option value="{beta}" selected>Beta</option>' in html


def test_a_collections_page_links_to_sharing_it(client):
    target = collection(client, "Linked")

    html = client.get(f"/?collection={target}").get_data(as_text=True)

    assert f'href="/shares?collection={target}#share-collection">Share collection</a>' in html
