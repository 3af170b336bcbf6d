"""`collection=<id>` on the list API: a manual collection's members or a smart one's matches,
combined with every other filter and with the cursor; trashed items leave and come back."""

import uuid

import pytest

from mediaapp.errors import NotFound
from mediaapp.schemas import MediaFilters
from mediaapp.services import collections
from tests.conftest import guest_owner, image_payload, save, video_payload
from tests.helpers import listed_ids, saved_id


@pytest.fixture
def owned(app, client):
    """Four items of the client (a guest) and its Owner."""
    ids = {
        "cat": saved_id(save(client, image_payload(prompt="a grey cat"))),
        "dog": saved_id(save(client, image_payload(prompt="a dog", model="sdxl"))),
        "cat video": saved_id(save(client, video_payload(prompt="a cat running"))),
        "owl": saved_id(save(client, image_payload(prompt="an owl"))),
    }
    return guest_owner(app, client), ids


def _manual(app, owner, name, ids):
    with app.app_context():
        collection = collections.create_collection(owner, name)
        collections.add_items(owner, collection.id, [uuid.UUID(i) for i in ids])
        return str(collection.id)


def _smart(app, owner, name, filters):
    with app.app_context():
        return str(collections.create_collection(owner, name, search=filters).id)


def test_a_manual_collection_lists_only_its_members(app, client, owned):
    owner, ids = owned
    cid = _manual(app, owner, "Pets", [ids["cat"], ids["dog"]])

    listed = listed_ids(client, f"/api/media/list?collection={cid}")

    assert listed == [ids["dog"], ids["cat"]]


def test_the_collection_filter_combines_with_the_others(app, client, owned):
    owner, ids = owned
    cid = _manual(app, owner, "Cats", [ids["cat"], ids["cat video"], ids["dog"]])

    listed = listed_ids(client, f"/api/media/list?collection={cid}&q=cat&type=image")

    assert listed == [ids["cat"]]


def test_the_cursor_pages_through_a_collection(app, client, owned):
    owner, ids = owned
    cid = _manual(app, owner, "Three", [ids["cat"], ids["dog"], ids["owl"]])
    first = client.get(f"/api/media/list?collection={cid}&limit=2").get_json()

    cursor = first["pagination"]["nextCursor"]
    second = client.get(f"/api/media/list?collection={cid}&limit=2&cursor={cursor}").get_json()

    assert [m["id"] for m in first["data"] + second["data"]] == [ids["owl"], ids["dog"], ids["cat"]]
    assert second["pagination"]["hasMore"] is False


def test_a_cursor_of_a_collection_is_refused_for_the_whole_history(app, client, owned):
    owner, ids = owned
    cid = _manual(app, owner, "Two", [ids["cat"], ids["dog"]])
    cursor = client.get(f"/api/media/list?collection={cid}&limit=1").get_json()["pagination"][
        "nextCursor"
    ]

    response = client.get(f"/api/media/list?limit=1&cursor={cursor}")

    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_cursor"


def test_a_trashed_item_leaves_the_collection_and_comes_back_on_restore(app, client, owned):
    owner, ids = owned
    cid = _manual(app, owner, "Pets", [ids["cat"], ids["dog"]])
    client.delete(f"/api/media/{ids['cat']}")
    while_trashed = listed_ids(client, f"/api/media/list?collection={cid}")

    client.post(f"/api/media/{ids['cat']}/restore")

    assert while_trashed == [ids["dog"]]
    assert listed_ids(client, f"/api/media/list?collection={cid}") == [ids["dog"], ids["cat"]]


def test_a_smart_collection_lists_what_its_search_finds_and_new_items_too(app, client, owned):
    owner, ids = owned
    cid = _smart(app, owner, "Cat pictures", MediaFilters(q="cat", type="image"))

    newer = saved_id(save(client, image_payload(prompt="another cat")))

    assert listed_ids(client, f"/api/media/list?collection={cid}") == [newer, ids["cat"]]


def test_a_smart_collection_combines_with_the_request_filters(app, client, owned):
    owner, ids = owned
    cid = _smart(app, owner, "Cats", MediaFilters(q="cat"))

    listed = listed_ids(client, f"/api/media/list?collection={cid}&type=video")

    assert listed == [ids["cat video"]]


def test_a_smart_collection_may_narrow_a_manual_one(app, client, owned):
    owner, ids = owned
    manual = _manual(app, owner, "Pets", [ids["cat"], ids["dog"]])
    cid = _smart(app, owner, "Pet cats", MediaFilters(q="cat", collection=uuid.UUID(manual)))

    listed = listed_ids(client, f"/api/media/list?collection={cid}")

    assert listed == [ids["cat"]]


def test_an_unknown_collection_answers_404(client, owned):
    response = client.get(f"/api/media/list?collection={uuid.uuid4()}")

    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_another_owners_collection_answers_404(app, client, owned):
    owner, ids = owned
    cid = _manual(app, owner, "Mine", [ids["cat"]])
    stranger = app.test_client()
    save(stranger)

    response = stranger.get(f"/api/media/list?collection={cid}")

    assert response.status_code == 404


def test_get_collection_refuses_another_owners_collection(app, client, owned):
    owner, ids = owned
    cid = _manual(app, owner, "Mine", [ids["cat"]])
    stranger = app.test_client()
    save(stranger)
    other = guest_owner(app, stranger)

    with app.app_context(), pytest.raises(NotFound):
        collections.get_collection(other, uuid.UUID(cid))


def test_destroying_an_item_removes_it_from_its_collections(app, client, owned):
    owner, ids = owned
    cid = _manual(app, owner, "Pets", [ids["cat"], ids["dog"]])

    client.delete(f"/api/media/{ids['cat']}?permanent=true")

    with app.app_context():
        summary = collections.summarize(owner, collections.get_collection(owner, uuid.UUID(cid)))
    assert summary.count == 1


def test_starting_over_removes_a_guests_collections(app, client, owned):
    owner, ids = owned
    _manual(app, owner, "Pets", [ids["cat"]])

    client.post("/api/auth/start-over")

    with app.app_context():
        assert collections.collection_names(owner) == []
