"""Favorites, the trash (delete, restore, permanent delete, empty, purge) and bulk actions."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.models import utcnow
from tests.conftest import count_rows, image_payload, save
from tests.helpers import listed_ids


def test_patch_marks_and_unmarks_a_favorite(client):
    record = save(client).get_json()["data"]

    marked = client.patch(f"/api/media/{record['id']}", json={"favorite": True})
    unmarked = client.patch(f"/api/media/{record['id']}", json={"favorite": False})

    assert marked.get_json()["data"]["favorite"] is True
    assert unmarked.get_json()["data"]["favorite"] is False


@pytest.mark.parametrize("body", [{}, {"favorite": "yes"}, {"favorite": 1}])
def test_patch_with_a_bad_body_answers_400_and_changes_nothing(client, body):
    record = save(client).get_json()["data"]

    response = client.patch(f"/api/media/{record['id']}", json=body)

    assert response.status_code == 400
    assert client.get(f"/api/media/{record['id']}").get_json()["data"]["favorite"] is False


def test_the_favorite_filter_lists_only_favorites(client):
    liked, other = (save(client).get_json()["data"]["id"] for _ in range(2))
    client.patch(f"/api/media/{liked}", json={"favorite": True})

    assert listed_ids(client, "/api/media/list?favorite=true") == [liked]
    assert listed_ids(client, "/api/media/list?favorite=false") == [other]


def test_patching_another_owners_media_answers_404(app, client):
    record = save(client).get_json()["data"]

    response = app.test_client().patch(f"/api/media/{record['id']}", json={"favorite": True})

    assert response.status_code == 404


def test_delete_moves_to_the_trash_and_restore_brings_it_back(client):
    record = save(client).get_json()["data"]

    deleted = client.delete(f"/api/media/{record['id']}").get_json()["data"]
    in_trash = listed_ids(client, "/api/media/trash")
    restored = client.post(f"/api/media/{record['id']}/restore")

    assert deleted["deletedAt"] is not None
    assert in_trash == [record["id"]]
    assert restored.status_code == 200 and restored.get_json()["data"]["deletedAt"] is None
    assert listed_ids(client) == [record["id"]] and listed_ids(client, "/api/media/trash") == []


def test_restoring_a_live_item_answers_404(client):
    record = save(client).get_json()["data"]

    assert client.post(f"/api/media/{record['id']}/restore").status_code == 404


def test_permanent_delete_destroys_the_record(client, app):
    record = save(client).get_json()["data"]

    response = client.delete(f"/api/media/{record['id']}?permanent=true")

    assert response.status_code == 200
    assert count_rows(app) == 0


def test_permanent_delete_also_destroys_from_the_trash(client, app):
    record = save(client).get_json()["data"]
    client.delete(f"/api/media/{record['id']}")

    response = client.delete("/api/media/delete", json={"id": record["id"], "permanent": True})

    assert response.status_code == 200
    assert count_rows(app) == 0


def test_emptying_the_trash_destroys_only_trashed_items(client, app):
    keep, drop = (save(client).get_json()["data"]["id"] for _ in range(2))
    client.delete(f"/api/media/{drop}")

    response = client.post("/api/media/trash/empty")

    assert response.get_json()["data"] == {"deleted": 1}
    assert listed_ids(client) == [keep] and count_rows(app) == 1


def test_replaying_a_save_whose_item_is_in_the_trash_answers_409_without_a_copy(client, app):
    record = save(client, image_payload(requestId="gen-9")).get_json()["data"]
    client.delete(f"/api/media/{record['id']}")

    replay = save(client, image_payload(requestId="gen-9"))

    assert replay.status_code == 409
    body = replay.get_json()
    assert body["code"] == "in_trash" and body["details"]["id"] == record["id"]
    assert count_rows(app) == 1 and listed_ids(client) == []


def test_purge_trash_removes_only_items_trashed_long_enough(client, app, runner):
    old, recent = (save(client).get_json()["data"]["id"] for _ in range(2))
    client.delete(f"/api/media/{old}")
    client.delete(f"/api/media/{recent}")
    with app.app_context():
        db.session.execute(
            sa.text("UPDATE generated_media SET deleted_at = :t WHERE id = :id"),
            {
                "t": utcnow() - timedelta(days=31),
                "id": uuid.UUID(old).hex if db.engine.dialect.name == "sqlite" else old,
            },
        )
        db.session.commit()

    result = runner.invoke(args=["media", "purge-trash", "--older-than", "30"])

    assert "Purged 1 items" in result.output, result.output
    assert listed_ids(client, "/api/media/trash") == [recent]


def test_bulk_actions_report_changed_and_not_found(app, client):
    mine = [save(client).get_json()["data"]["id"] for _ in range(3)]
    theirs = save(app.test_client()).get_json()["data"]["id"]
    missing = str(uuid.uuid4())

    response = client.post(
        "/api/media/bulk", json={"action": "favorite", "ids": mine + [theirs, missing]}
    )

    data = response.get_json()["data"]
    assert sorted(data["changed"]) == sorted(mine)
    assert sorted(data["notFound"]) == sorted([theirs, missing])
    assert listed_ids(client, "/api/media/list?favorite=true") != []


def test_bulk_delete_then_restore_round_trips(client):
    ids = [save(client).get_json()["data"]["id"] for _ in range(4)]

    trashed = client.post("/api/media/bulk", json={"action": "delete", "ids": ids[:3]})
    restored = client.post("/api/media/bulk", json={"action": "restore", "ids": ids})

    assert sorted(trashed.get_json()["data"]["changed"]) == sorted(ids[:3])
    assert sorted(restored.get_json()["data"]["changed"]) == sorted(ids[:3])
    assert restored.get_json()["data"]["notFound"] == [ids[3]]
    assert len(listed_ids(client)) == 4


@pytest.mark.parametrize(
    "body",
    [
        {"action": "explode", "ids": [str(uuid.uuid4())]},
        {"action": "delete", "ids": []},
        {"action": "delete", "ids": ["not-a-uuid"]},
        {"action": "delete", "ids": [str(uuid.uuid4()) for _ in range(501)]},
    ],
)
def test_bad_bulk_requests_answer_400_and_change_nothing(client, body):
    save(client)

    response = client.post("/api/media/bulk", json=body)

    assert response.status_code == 400
    assert len(listed_ids(client)) == 1


def test_prune_trashes_everything_but_favorites(client):
    keep = save(client).get_json()["data"]["id"]
    client.patch(f"/api/media/{keep}", json={"favorite": True})
    for _ in range(3):
        save(client)

    response = client.post("/api/media/prune", json={"confirm": True})

    assert response.get_json()["data"] == {"trashed": 3}
    assert listed_ids(client) == [keep]
    assert len(listed_ids(client, "/api/media/trash")) == 3


def test_prune_can_be_limited_to_a_type(client):
    from tests.conftest import video_payload

    video = save(client, video_payload()).get_json()["data"]["id"]
    image = save(client).get_json()["data"]["id"]

    client.post("/api/media/prune", json={"confirm": True, "type": "video"})

    assert listed_ids(client) == [image]
    assert listed_ids(client, "/api/media/trash") == [video]


def test_prune_without_confirm_answers_400(client):
    save(client)

    response = client.post("/api/media/prune", json={})

    assert response.status_code == 400
    assert len(listed_ids(client)) == 1
