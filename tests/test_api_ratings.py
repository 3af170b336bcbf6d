"""Ratings over the API: PATCH, the bulk action, the minRating filter (with the cursor and the
other filters), strict input, owner scoping, export and import."""

import json
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.identity import Owner
from mediaapp.schemas import MediaFilters
from mediaapp.services.media import list_statement
from tests.conftest import image_payload, save, video_payload
from tests.helpers import listed_ids, record, saved_id
from tests.zip_helpers import import_zip, manifest_of


def _rate(client, media_id: str, rating):
    return client.patch(f"/api/media/{media_id}", json={"rating": rating})


def test_a_new_item_is_unrated(client):
    created = save(client).get_json()["data"]

    assert created["rating"] == 0


def test_patching_a_rating_answers_the_record_with_it_and_keeps_it(client):
    media_id = saved_id(save(client))

    response = _rate(client, media_id, 4)

    assert response.status_code == 200
    assert response.get_json()["data"]["rating"] == 4
    assert record(client, media_id)["rating"] == 4


def test_rating_zero_clears_it(client):
    media_id = saved_id(save(client))
    _rate(client, media_id, 5)

    response = _rate(client, media_id, 0)

    assert response.get_json()["data"]["rating"] == 0


def test_one_patch_changes_the_favorite_and_the_rating_together(client):
    media_id = saved_id(save(client))

    response = client.patch(f"/api/media/{media_id}", json={"favorite": True, "rating": 2})

    data = response.get_json()["data"]
    assert (data["favorite"], data["rating"]) == (True, 2)


def test_rating_leaves_the_favorite_as_it_was(client):
    media_id = saved_id(save(client))
    client.patch(f"/api/media/{media_id}", json={"favorite": True})

    response = _rate(client, media_id, 3)

    assert response.get_json()["data"]["favorite"] is True


BAD_RATINGS = {
    "six": 6,
    "minus one": -1,
    "a letter": "x",
    "a numeric string": "3",
    "a fraction": 2.5,
    "true": True,
    "null": None,
    "a list": [3],
}


@pytest.mark.parametrize("bad", BAD_RATINGS.values(), ids=BAD_RATINGS.keys())
def test_a_bad_rating_answers_400_naming_the_field_and_changes_nothing(client, bad):
    media_id = saved_id(save(client))
    _rate(client, media_id, 2)

    response = _rate(client, media_id, bad)

    assert response.status_code == 400
    body = response.get_json()
    assert body["success"] is False and body["code"] == "validation_error"
    assert "rating" in body["details"]
    assert record(client, media_id)["rating"] == 2


def test_the_message_for_an_out_of_range_rating_says_what_is_allowed(client):
    media_id = saved_id(save(client))

    response = _rate(client, media_id, 6)

    assert response.get_json()["details"]["rating"] == ["Must be a whole number from 0 to 5."]


def test_a_patch_with_nothing_to_change_answers_400(client):
    media_id = saved_id(save(client))

    response = client.patch(f"/api/media/{media_id}", json={"sessionId": "x"})

    assert response.status_code == 400
    assert "favorite" in response.get_json()["error"] or response.get_json()["details"]


def test_rating_a_missing_item_answers_404(client):
    save(client)

    response = _rate(client, str(uuid.uuid4()), 3)

    assert response.status_code == 404
    assert response.get_json()["code"] == "not_found"


def test_rating_an_item_in_the_trash_answers_404(client):
    media_id = saved_id(save(client))
    client.delete(f"/api/media/{media_id}")

    response = _rate(client, media_id, 3)

    assert response.status_code == 404


def test_rating_another_owners_item_answers_404_and_leaves_it_unrated(app, client):
    media_id = saved_id(save(client))
    other = app.test_client()
    save(other)

    response = _rate(other, media_id, 5)

    assert response.status_code == 404
    assert record(client, media_id)["rating"] == 0


def test_a_cross_site_rating_is_refused(client):
    media_id = saved_id(save(client))

    response = client.patch(
        f"/api/media/{media_id}", json={"rating": 5}, headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403
    assert record(client, media_id)["rating"] == 0


# --- bulk ---------------------------------------------------------------------------------


def test_bulk_rate_rates_every_listed_item_and_reports_the_rest(app, client):
    mine = [saved_id(save(client)) for _ in range(3)]
    other = app.test_client()
    theirs = saved_id(save(other))
    trashed = mine.pop()
    client.delete(f"/api/media/{trashed}")

    response = client.post(
        "/api/media/bulk", json={"action": "rate", "rating": 4, "ids": [*mine, theirs, trashed]}
    )

    data = response.get_json()["data"]
    assert response.status_code == 200
    assert (data["action"], data["changed"], data["notFound"]) == ("rate", mine, [theirs, trashed])
    assert [record(client, i)["rating"] for i in mine] == [4, 4]
    assert record(other, theirs)["rating"] == 0


def test_bulk_rate_zero_clears_the_ratings(client):
    ids = [saved_id(save(client)) for _ in range(2)]
    client.post("/api/media/bulk", json={"action": "rate", "rating": 3, "ids": ids})

    client.post("/api/media/bulk", json={"action": "rate", "rating": 0, "ids": ids})

    assert [record(client, i)["rating"] for i in ids] == [0, 0]


@pytest.mark.parametrize(
    "body",
    [
        {"action": "rate"},
        {"action": "rate", "rating": 6},
        {"action": "rate", "rating": "x"},
        {"action": "rate", "rating": -1},
    ],
    ids=["no rating", "six", "a letter", "minus one"],
)
def test_bulk_rate_with_a_bad_or_missing_rating_answers_400_and_changes_nothing(client, body):
    media_id = saved_id(save(client))

    response = client.post("/api/media/bulk", json={**body, "ids": [media_id]})

    assert response.status_code == 400
    assert "rating" in response.get_json()["details"]
    assert record(client, media_id)["rating"] == 0


def test_bulk_rate_takes_at_most_500_ids(client):
    ids = [str(uuid.uuid4()) for _ in range(501)]

    response = client.post("/api/media/bulk", json={"action": "rate", "rating": 1, "ids": ids})

    assert response.status_code == 400
    assert "ids" in response.get_json()["details"]


# --- the minRating filter -----------------------------------------------------------------


def _rated(client, ratings: list[int], payload=image_payload) -> list[str]:
    """Save one item per rating (oldest first) and rate it; their ids, newest first."""
    ids = []
    for n, rating in enumerate(ratings):
        media_id = saved_id(save(client, payload(prompt=f"item {n}")))
        if rating:
            _rate(client, media_id, rating)
        ids.append(media_id)
    return ids[::-1]


def test_min_rating_lists_only_items_rated_that_much_or_more(client):
    ids = _rated(client, [0, 1, 3, 5, 4, 2])  # newest first: 2, 4, 5, 3, 1, 0

    listed = listed_ids(client, "/api/media/list?minRating=3")

    assert listed == [ids[1], ids[2], ids[3]]


def test_min_rating_pages_with_the_cursor_without_gaps_or_repeats(client):
    ids = _rated(client, [3, 0, 4, 5, 1, 3, 3, 0, 5])
    wanted = [i for i, r in zip(ids, [5, 0, 3, 3, 1, 5, 4, 0, 3], strict=True) if r >= 3]
    seen, cursor = [], None

    while True:
        query = "minRating=3&limit=2" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(f"/api/media/list?{query}").get_json()
        seen += [m["id"] for m in body["data"]]
        cursor = body["pagination"]["nextCursor"]
        if not cursor:
            break

    assert seen == wanted


def test_a_cursor_of_another_min_rating_is_refused(client):
    _rated(client, [3, 3, 3])
    cursor = client.get("/api/media/list?minRating=3&limit=1").get_json()["pagination"][
        "nextCursor"
    ]

    response = client.get(f"/api/media/list?minRating=4&limit=1&cursor={cursor}")

    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_cursor"


def test_min_rating_combines_with_type_favorite_model_search_and_sort(client):
    image = saved_id(save(client, image_payload(prompt="red fox", model="m1")))
    video = saved_id(save(client, video_payload(prompt="red fox", model="m1")))
    low = saved_id(save(client, image_payload(prompt="red fox", model="m1")))
    other_model = saved_id(save(client, image_payload(prompt="red fox", model="m2")))
    for media_id in (image, video, other_model):
        client.patch(f"/api/media/{media_id}", json={"rating": 4, "favorite": True})
    client.patch(f"/api/media/{low}", json={"rating": 2, "favorite": True})

    listed = listed_ids(
        client,
        "/api/media/list?minRating=3&type=image&favorite=true&model=m1&q=fox&sort=oldest",
    )

    assert listed == [image]


def test_min_rating_leaves_out_the_trash(client):
    keep, gone = _rated(client, [5, 5])
    client.delete(f"/api/media/{gone}")

    assert listed_ids(client, "/api/media/list?minRating=1") == [keep]


@pytest.mark.parametrize("bad", ["0", "6", "x", "2.5", "-1", ""])
def test_a_bad_min_rating_answers_400_with_the_envelope(client, bad):
    save(client)

    response = client.get(f"/api/media/list?minRating={bad}")

    assert response.status_code == 400
    assert "minRating" in response.get_json()["details"]


def test_min_rating_is_scoped_to_the_owner(app, client):
    mine = _rated(client, [4])
    other = app.test_client()
    _rated(other, [5, 5])

    assert listed_ids(client, "/api/media/list?minRating=1") == mine


# --- export and import --------------------------------------------------------------------


def test_export_then_import_into_another_owner_keeps_the_ratings(app, client):
    ids = _rated(client, [0, 3, 5])
    exported = json.loads(client.get("/api/media/export").get_data(as_text=True))["data"]
    other = app.test_client()

    response = other.post("/api/media/import", json={"items": exported})

    assert response.get_json()["data"]["imported"] == 3
    ratings = [(m["prompt"], m["rating"]) for m in other.get("/api/media/list").get_json()["data"]]
    assert ratings == [("item 2", 5), ("item 1", 3), ("item 0", 0)]
    assert [m["rating"] for m in exported] == [5, 3, 0] and len(ids) == 3


def test_an_import_item_without_a_rating_comes_in_unrated(client):
    response = client.post("/api/media/import", json={"items": [image_payload()]})

    assert response.get_json()["data"]["imported"] == 1
    assert client.get("/api/media/list").get_json()["data"][0]["rating"] == 0


@pytest.mark.parametrize("bad", [6, -1, "x", 1.5, None])
def test_an_import_item_with_a_bad_rating_is_rejected_and_the_others_come_in(client, bad):
    items = [image_payload(prompt="good", rating=2), image_payload(prompt="bad", rating=bad)]

    response = client.post("/api/media/import", json={"items": items})

    data = response.get_json()["data"]
    assert (data["imported"], data["rejected"]) == (1, 1)
    assert "rating" in data["results"][1]["details"]
    listed = client.get("/api/media/list").get_json()["data"]
    assert [(m["prompt"], m["rating"]) for m in listed] == [("good", 2)]


# --- the index ----------------------------------------------------------------------------


@pytest.mark.postgresql_only
def test_a_min_rating_page_reads_the_rated_rows_index_in_order(app):
    owner = uuid.UUID(int=0xB)
    with app.app_context():
        db.session.execute(
            sa.text("""
            INSERT INTO generated_media (id, owner_id, type, url, prompt, model, settings,
                                         created_at, rating)
            SELECT gen_random_uuid(),
                   CASE WHEN g % 2 = 0 THEN :owner
                        ELSE lpad((g % 200)::text, 32, '0')::uuid END,
                   'image'::media_type, '/x.png', 'prompt ' || g, 'm', '{}'::jsonb,
                   :start + g * interval '1 minute',
                   CASE WHEN g % 20 = 0 THEN 1 + (g / 20) % 5 ELSE 0 END
            FROM generate_series(1, 40000) AS g
        """),
            {"owner": owner, "start": datetime(2025, 1, 1, tzinfo=UTC)},
        )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE generated_media"))
        db.session.commit()
        stmt = list_statement(
            Owner(id=owner, is_guest=True),
            MediaFilters(min_rating=3),
            after=(datetime.now(UTC), uuid.uuid4()),
        )
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(r[0] for r in db.session.execute(sa.text(f"EXPLAIN {compiled}")))

    assert "ix_generated_media_rated_recent" in plan, plan
    assert "Sort" not in plan, plan


def test_a_zip_carries_the_ratings_into_another_owner(app, client):
    ids = _rated(client, [4, 0])
    response = client.post("/api/media/zip", json={"ids": ids})
    other = app.test_client()

    imported = import_zip(other, response.data)

    assert imported.status_code == 200
    in_zip = {i["prompt"]: i["rating"] for i in manifest_of(response)["items"]}
    assert in_zip == {"item 0": 4, "item 1": 0}
    listed = other.get("/api/media/list").get_json()["data"]
    assert sorted((m["prompt"], m["rating"]) for m in listed) == [("item 0", 4), ("item 1", 0)]


def test_min_rating_combines_with_a_collection(client):
    ids = _rated(client, [5, 5, 1])  # newest first: 1, 5, 5
    collection = client.post("/api/collections", json={"name": "Keepers"}).get_json()["data"]
    client.post(f"/api/collections/{collection['id']}/items", json={"ids": ids[:2]})

    listed = listed_ids(client, f"/api/media/list?collection={collection['id']}&minRating=3")

    assert listed == [ids[1]]


def test_min_rating_combines_with_variant_stacks(client):
    same = image_payload(prompt="one prompt")
    seeded = [
        {**same, "requestId": f"r{n}", "settings": {**same["settings"], "seed": n}} for n in (1, 2)
    ]
    first, second = (saved_id(save(client, payload)) for payload in seeded)
    _rate(client, first, 4)

    listed = listed_ids(client, "/api/media/list?stack=variants&minRating=4")

    assert listed == [first] != [second]
    assert listed_ids(client, "/api/media/list?stack=variants") == [second]
