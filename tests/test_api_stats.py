"""GET /api/media/stats: counts by type, model and day, favorites and trash."""

from datetime import UTC, datetime, timedelta

from tests.conftest import image_payload, save, video_payload


def test_stats_count_by_type_model_day_favorites_and_trash(client):
    now = datetime.now(UTC)
    items = [
        image_payload(model="flux", createdAt=(now - timedelta(days=d)).isoformat())
        for d in (0, 0, 3)
    ] + [video_payload(model="veo", createdAt=now.isoformat())]
    client.post("/api/media/import", json={"items": items})
    ids = [m["id"] for m in client.get("/api/media/list").get_json()["data"]]
    client.patch(f"/api/media/{ids[0]}", json={"favorite": True})
    trashed = save(client).get_json()["data"]["id"]
    client.delete(f"/api/media/{trashed}")

    stats = client.get("/api/media/stats").get_json()["data"]

    assert stats["total"] == 4
    assert stats["byType"] == {"image": 3, "video": 1}
    assert stats["byModel"] == [{"model": "flux", "count": 3}, {"model": "veo", "count": 1}]
    assert stats["favorites"] == 1 and stats["trash"] == 1
    assert len(stats["byDay"]) == 365
    by_day = {d["date"]: d["count"] for d in stats["byDay"]}
    assert by_day[now.date().isoformat()] == 3
    assert by_day[(now - timedelta(days=3)).date().isoformat()] == 1


def test_stats_are_owner_scoped(app, client):
    save(client)

    stats = app.test_client().get("/api/media/stats").get_json()["data"]

    assert stats["total"] == 0 and stats["byModel"] == []
