"""The collections API: create, list with live counts and covers, rename, describe, delete
(items stay), add and remove one item or a selection, smart collections, owner scoping."""

import uuid

import pytest

from tests.conftest import image_payload, save, video_payload
from tests.helpers import listed_ids, saved_id


def _create(client, name="Pets", **extra):
    response = client.post("/api/collections", json={"name": name, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def _add(client, cid, *ids):
    return client.post(f"/api/collections/{cid}/items", json={"ids": list(ids)})


def _collection(client, cid):
    return client.get(f"/api/collections/{cid}").get_json()["data"]


@pytest.fixture
def items(client):
    return [saved_id(save(client, image_payload(prompt=f"fox {n}"))) for n in range(3)]


def test_creating_a_collection_answers_it_empty(client):
    created = _create(client, "  Pets  ", description="Cats and dogs")

    assert created["name"] == "Pets"
    assert created["description"] == "Cats and dogs"
    assert (created["smart"], created["search"], created["count"]) == (False, None, 0)
    assert created["cover"] is None
    assert created["url"] == f"/api/media/list?collection={created['id']}"


def test_a_name_taken_in_another_case_answers_409(client):
    _create(client, "Pets")

    response = client.post("/api/collections", json={"name": "PETS"})

    assert response.status_code == 409
    assert response.get_json()["code"] == "name_taken"


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, None, 7])
def test_a_bad_name_answers_400_and_creates_nothing(client, name):
    response = client.post("/api/collections", json={"name": name})

    assert response.status_code == 400
    assert "name" in response.get_json()["details"]
    assert client.get("/api/collections").get_json()["data"] == []


def test_adding_items_counts_them_and_the_newest_is_the_cover(client, items):
    cid = _create(client)["id"]

    answer = _add(client, cid, items[0], items[1]).get_json()["data"]

    assert answer["changed"] == [items[0], items[1]] and answer["unchanged"] == []
    assert answer["count"] == 2
    listed = client.get("/api/collections").get_json()["data"][0]
    assert listed["count"] == 2 and listed["cover"]["id"] == items[1]


def test_adding_an_item_twice_leaves_it_once(client, items):
    cid = _create(client)["id"]
    _add(client, cid, items[0])

    answer = _add(client, cid, items[0], items[1]).get_json()["data"]

    assert answer["changed"] == [items[1]] and answer["unchanged"] == [items[0]]
    assert _collection(client, cid)["count"] == 2


def test_an_item_can_be_in_many_collections(client, items):
    first, second = _create(client, "One")["id"], _create(client, "Two")["id"]
    _add(client, first, items[0])

    _add(client, second, items[0])

    names = [c["name"] for c in client.get(f"/api/media/{items[0]}/collections").get_json()["data"]]
    assert names == ["One", "Two"]


def test_an_unknown_or_another_owners_item_adds_nothing(app, client, items):
    cid = _create(client)["id"]
    stranger = app.test_client()
    theirs = saved_id(save(stranger))
    unknown = str(uuid.uuid4())

    response = _add(client, cid, items[0], theirs, unknown)

    assert response.status_code == 400
    assert response.get_json()["code"] == "unknown_media"
    assert response.get_json()["details"]["ids"] == [theirs, unknown]
    assert _collection(client, cid)["count"] == 0


def test_a_trashed_item_cannot_be_added(client, items):
    cid = _create(client)["id"]
    client.delete(f"/api/media/{items[0]}")

    response = _add(client, cid, items[0])

    assert response.status_code == 400
    assert response.get_json()["code"] == "unknown_media"


def test_more_than_500_ids_answer_400(client, items):
    cid = _create(client)["id"]

    response = _add(client, cid, *[str(uuid.uuid4()) for _ in range(501)])

    assert response.status_code == 400
    assert "ids" in response.get_json()["details"]


def test_a_selection_of_500_is_added_at_once(client):
    cid = _create(client)["id"]
    saved = client.post(
        "/api/media/import",
        json={"items": [image_payload(prompt=f"n{n}") for n in range(500)]},
    ).get_json()["data"]["results"]
    ids = [r["id"] for r in saved]

    answer = _add(client, cid, *ids).get_json()["data"]

    assert len(answer["changed"]) == 500 and answer["count"] == 500


def test_removing_items_keeps_them_in_the_history(client, items):
    cid = _create(client)["id"]
    _add(client, cid, *items)

    response = client.post(f"/api/collections/{cid}/items/remove", json={"ids": items[:2]})

    assert response.get_json()["data"]["changed"] == items[:2]
    assert listed_ids(client, f"/api/media/list?collection={cid}") == [items[2]]
    assert len(listed_ids(client)) == 3


def test_removing_an_item_not_in_it_reports_it_unchanged(client, items):
    cid = _create(client)["id"]

    answer = client.post(f"/api/collections/{cid}/items/remove", json={"ids": [items[0]]})

    assert answer.get_json()["data"] == {
        "collection": cid,
        "changed": [],
        "unchanged": [items[0]],
        "count": 0,
    }


def test_renaming_and_describing(client):
    cid = _create(client, "Pets")["id"]

    response = client.patch(
        f"/api/collections/{cid}", json={"name": "Animals", "description": "All of them"}
    )

    assert response.status_code == 200
    assert _collection(client, cid)["name"] == "Animals"
    assert _collection(client, cid)["description"] == "All of them"


def test_renaming_to_a_taken_name_answers_409_and_keeps_the_old_one(client):
    _create(client, "Cats")
    cid = _create(client, "Dogs")["id"]

    response = client.patch(f"/api/collections/{cid}", json={"name": "cats"})

    assert response.status_code == 409
    assert _collection(client, cid)["name"] == "Dogs"


def test_renaming_to_its_own_name_in_another_case_is_fine(client):
    cid = _create(client, "dogs")["id"]

    response = client.patch(f"/api/collections/{cid}", json={"name": "Dogs"})

    assert response.status_code == 200
    assert _collection(client, cid)["name"] == "Dogs"


def test_a_chosen_cover_shows_until_it_is_trashed(client, items):
    cid = _create(client)["id"]
    _add(client, cid, *items)
    client.patch(f"/api/collections/{cid}", json={"coverId": items[0]})
    chosen = _collection(client, cid)["cover"]["id"]

    client.delete(f"/api/media/{items[0]}")

    assert chosen == items[0]
    assert _collection(client, cid)["cover"]["id"] == items[2]
    assert _collection(client, cid)["coverId"] == items[0]


def test_the_cover_carries_a_url_to_show(client, items):
    cid = _create(client)["id"]

    _add(client, cid, items[0])

    cover = _collection(client, cid)["cover"]
    assert cover["url"].startswith("https://")
    assert "thumbnailUrl" in cover["archive"]


def test_another_owners_item_is_refused_as_cover(app, client):
    cid = _create(client)["id"]
    theirs = saved_id(save(app.test_client()))

    response = client.patch(f"/api/collections/{cid}", json={"coverId": theirs})

    assert response.status_code == 400
    assert response.get_json()["code"] == "unknown_cover"


def test_deleting_a_collection_keeps_its_items(client, items):
    cid = _create(client)["id"]
    _add(client, cid, *items)

    response = client.delete(f"/api/collections/{cid}")

    assert response.get_json()["data"] == {"id": cid, "name": "Pets", "smart": False}
    assert client.get(f"/api/collections/{cid}").status_code == 404
    assert len(listed_ids(client)) == 3


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"name": "Mine now"}),
        ("delete", "", None),
        ("post", "/items", "ids"),
        ("post", "/items/remove", "ids"),
    ],
)
def test_another_owners_collection_answers_404(app, client, items, method, suffix, body):
    cid = _create(client)["id"]
    _add(client, cid, items[0])
    stranger = app.test_client()
    theirs = saved_id(save(stranger))
    json = {"ids": [theirs]} if body == "ids" else body

    response = getattr(stranger, method)(f"/api/collections/{cid}{suffix}", json=json)

    assert response.status_code == 404
    assert _collection(client, cid)["count"] == 1
    assert _collection(client, cid)["name"] == "Pets"


def test_a_strangers_list_of_collections_is_empty(app, client):
    _create(client)

    listed = app.test_client().get("/api/collections").get_json()["data"]

    assert listed == []


# --- smart collections ------------------------------------------------------------------


def test_a_smart_collection_keeps_its_search_as_list_arguments(client):
    created = _create(
        client,
        "Fox images",
        search={"q": "fox", "type": "image", "favorite": True, "from": "2020-01-01"},
    )

    assert created["smart"] is True
    assert created["search"] == {
        "q": "fox",
        "type": "image",
        "favorite": "true",
        "from": "2020-01-01",
    }


def test_a_smart_collection_stays_live_as_items_arrive(client, items):
    cid = _create(client, "Foxes", search={"q": "fox"})["id"]
    before = _collection(client, cid)["count"]

    newer = saved_id(save(client, image_payload(prompt="a new fox")))

    assert before == 3
    assert _collection(client, cid)["count"] == 4
    assert _collection(client, cid)["cover"]["id"] == newer
    assert listed_ids(client, f"/api/media/list?collection={cid}")[0] == newer


def test_a_smart_collection_lists_with_the_manual_ones(client, items):
    _create(client, "B manual")
    _create(client, "A smart", search={"type": "video"})
    save(client, video_payload())

    listed = client.get("/api/collections").get_json()["data"]

    assert [(c["name"], c["smart"], c["count"]) for c in listed] == [
        ("A smart", True, 1),
        ("B manual", False, 0),
    ]


def test_items_cannot_be_added_to_a_smart_collection(client, items):
    cid = _create(client, "Foxes", search={"q": "fox"})["id"]

    response = _add(client, cid, items[0])

    assert response.status_code == 409
    assert response.get_json()["code"] == "smart_collection"


def test_a_smart_search_with_a_bad_filter_answers_400(client):
    response = client.post("/api/collections", json={"name": "Bad", "search": {"type": "gif"}})

    assert response.status_code == 400
    assert "search" in response.get_json()["details"]


def test_a_smart_search_cannot_name_another_smart_collection(client):
    smart = _create(client, "Foxes", search={"q": "fox"})["id"]

    response = client.post(
        "/api/collections", json={"name": "Nested", "search": {"collection": smart}}
    )

    assert response.status_code == 400
    assert response.get_json()["code"] == "nested_smart_collection"


def test_a_smart_search_cannot_name_a_strangers_collection(app, client):
    theirs = app.test_client().post("/api/collections", json={"name": "T"}).get_json()["data"]

    response = client.post(
        "/api/collections", json={"name": "Mine", "search": {"collection": theirs["id"]}}
    )

    assert response.status_code == 400
    assert response.get_json()["code"] == "unknown_collection"


def test_a_smart_collections_search_can_be_changed(client, items):
    cid = _create(client, "Foxes", search={"q": "fox 1"})["id"]

    client.patch(f"/api/collections/{cid}", json={"search": {"q": "fox"}})

    assert _collection(client, cid)["count"] == 3


def test_the_item_shows_the_smart_collections_that_find_it(client, items):
    _create(client, "Fox 1", search={"q": "fox 1"})
    _create(client, "Videos", search={"type": "video"})

    listed = client.get(f"/api/media/{items[1]}/collections").get_json()["data"]

    assert [(c["name"], c["smart"]) for c in listed] == [("Fox 1", True)]


def test_the_collections_of_an_unknown_item_answer_404(client):
    response = client.get(f"/api/media/{uuid.uuid4()}/collections")

    assert response.status_code == 404


# --- accounts ---------------------------------------------------------------------------

CREDS = {"email": "collector@example.com", "password": "a long enough passphrase"}


def test_registering_keeps_the_guests_collections(client, items):
    cid = _create(client, "Pets")["id"]
    _add(client, cid, items[0], items[1])
    smart = _create(client, "Fox 2", search={"q": "fox 2", "collection": cid})["id"]

    client.post("/api/auth/register", json=CREDS)

    assert _collection(client, cid)["count"] == 2
    assert listed_ids(client, f"/api/media/list?collection={smart}") == []
    assert listed_ids(client, f"/api/media/list?collection={cid}") == [items[1], items[0]]


def test_logging_in_renames_a_guest_collection_whose_name_the_account_uses(app, client):
    account = app.test_client()
    account.post("/api/auth/register", json=CREDS)
    _create(account, "Pets")
    account.post("/api/auth/logout")
    same = save(client, image_payload(requestId="r1"))
    guest_collection = _create(client, "pets")["id"]
    _add(client, guest_collection, saved_id(same))

    client.post("/api/auth/login", json=CREDS)

    names = [c["name"] for c in client.get("/api/collections").get_json()["data"]]
    assert names == ["Pets", "pets (guest)"]
    assert _collection(client, guest_collection)["count"] == 1


def test_a_guest_item_that_merges_into_the_accounts_stays_in_its_collection(app, client):
    account = app.test_client()
    account.post("/api/auth/register", json=CREDS)
    kept = saved_id(save(account, image_payload(requestId="same", url="https://x.test/a.png")))
    account.post("/api/auth/logout")
    guest_copy = saved_id(save(client, image_payload(requestId="same", url="https://x.test/a.png")))
    cid = _create(client, "Mine")["id"]
    _add(client, cid, guest_copy)

    client.post("/api/auth/login", json=CREDS)

    assert listed_ids(client, f"/api/media/list?collection={cid}") == [kept]


def test_deleting_the_account_removes_its_collections(app, client, items):
    client.post("/api/auth/register", json=CREDS)
    cid = _create(client)["id"]
    _add(client, cid, *items)

    client.delete("/api/auth/account", json={"password": CREDS["password"]})

    with app.app_context():
        from mediaapp.extensions import db

        left = db.session.execute(db.text("SELECT count(*) FROM collections")).scalar_one()
        members = db.session.execute(db.text("SELECT count(*) FROM collection_items")).scalar_one()
    assert (left, members) == (0, 0)


def test_a_smart_collection_keeps_the_rating_filter_too(client, items):
    client.patch(f"/api/media/{items[0]}", json={"rating": 4})
    client.patch(f"/api/media/{items[1]}", json={"rating": 2})

    cid = _create(client, "Keepers", search={"minRating": 3})["id"]

    assert _collection(client, cid)["search"] == {"minRating": "3"}
    assert listed_ids(client, f"/api/media/list?collection={cid}") == [items[0]]
