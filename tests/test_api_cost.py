"""What a generation cost: provider, costUsd, credits and durationMs on save, import, export
and in the stats' spend."""

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from tests.conftest import count_rows, image_payload, save, video_payload

COST = {"provider": "replicate", "costUsd": 0.0023, "credits": 1.5, "durationMs": 3210}


def test_a_save_keeps_the_cost_fields_and_answers_them_on_the_record(client):
    response = save(client, image_payload(**COST))

    assert response.status_code == 201
    record = response.get_json()["data"]
    assert {key: record[key] for key in COST} == COST


def test_a_save_without_cost_fields_answers_them_as_null(client):
    record = save(client).get_json()["data"]

    assert [record[key] for key in COST] == [None, None, None, None]


@pytest.mark.parametrize(
    "field, value",
    [
        ("costUsd", -0.01),
        ("costUsd", "0.10"),
        ("costUsd", True),
        ("costUsd", 1e7),
        ("credits", -1),
        ("credits", [1]),
        ("durationMs", 2.5),
        ("durationMs", -1),
        ("durationMs", "100"),
        ("durationMs", 2**31),
        ("provider", ""),
        ("provider", "p" * 65),
        ("provider", "bad\x00name"),
    ],
)
def test_a_bad_cost_field_is_refused_naming_it_and_nothing_is_saved(app, client, field, value):
    response = save(client, image_payload(**{field: value}))

    assert response.status_code == 400
    assert field in response.get_json()["details"]
    assert count_rows(app) == 0


def test_decimal_costs_add_up_exactly_in_the_stats(client):
    for cost in (0.1, 0.2, 0.0000000001):
        save(client, image_payload(model="flux", costUsd=cost))

    spend = client.get("/api/media/stats").get_json()["data"]["spend"]

    assert spend["costUsd"] == 0.3000000001  # not 0.30000000000000004 + 1e-10
    assert spend["byModel"] == [{"model": "flux", "costUsd": 0.3000000001, "credits": 0}]


def test_spend_is_summed_by_model_and_by_day_and_leaves_the_trash_out(client):
    now = datetime.now(UTC)
    items = [
        image_payload(model="flux", costUsd=0.5, createdAt=now.isoformat()),
        image_payload(model="flux", credits=4, createdAt=(now - timedelta(days=1)).isoformat()),
        video_payload(model="veo", costUsd=2, createdAt=(now - timedelta(days=1)).isoformat()),
        video_payload(model="free", createdAt=now.isoformat()),
    ]
    client.post("/api/media/import", json={"items": items})
    trashed = save(client, image_payload(model="flux", costUsd=100)).get_json()["data"]["id"]
    client.delete(f"/api/media/{trashed}")

    spend = client.get("/api/media/stats").get_json()["data"]["spend"]

    assert spend["costUsd"] == 2.5 and spend["credits"] == 4
    assert spend["byModel"] == [
        {"model": "veo", "costUsd": 2, "credits": 0},
        {"model": "flux", "costUsd": 0.5, "credits": 4},
    ]
    assert spend["byDay"] == [
        {"date": (now - timedelta(days=1)).date().isoformat(), "costUsd": 2, "credits": 4},
        {"date": now.date().isoformat(), "costUsd": 0.5, "credits": 0},
    ]


def test_an_import_item_with_a_bad_cost_is_rejected_naming_the_field(client):
    items = [image_payload(costUsd=-1), image_payload(durationMs=1.5), image_payload(**COST)]

    results = client.post("/api/media/import", json={"items": items}).get_json()["data"]

    assert [r["status"] for r in results["results"]] == ["rejected", "rejected", "imported"]
    assert "costUsd" in results["results"][0]["details"]
    assert "durationMs" in results["results"][1]["details"]


def test_export_carries_the_cost_fields_and_importing_it_elsewhere_keeps_them(app, client):
    save(client, image_payload(**COST))
    exported = json.loads(client.get("/api/media/export").get_data(as_text=True))["data"]
    other = app.test_client()

    other.post("/api/media/import", json={"items": exported})

    record = other.get("/api/media/list").get_json()["data"][0]
    assert {key: exported[0][key] for key in COST} == COST
    assert {key: record[key] for key in COST} == COST


def test_an_upload_keeps_the_cost_fields_too(client):
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (10, 20, 30)).save(out, "PNG")
    metadata = image_payload(**COST)
    metadata.pop("url")
    upload = {"file": (io.BytesIO(out.getvalue()), "a.png"), "metadata": json.dumps(metadata)}

    response = client.post("/api/media/upload", data=upload, content_type="multipart/form-data")

    assert response.status_code == 201
    assert {key: response.get_json()["data"][key] for key in COST} == COST
