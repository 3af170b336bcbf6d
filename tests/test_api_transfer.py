"""Export (streamed) and import (idempotent, per-item answers), over the API and the CLI."""

import json

import pytest

from mediaapp.services import transfer
from tests.conftest import count_rows, guest_owner, image_payload, save, video_payload
from tests.helpers import delete_account_meanwhile


def _export(client):
    response = client.get("/api/media/export")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.get_data(as_text=True))["data"]


def test_export_returns_every_live_record_newest_first(client):
    ids = [save(client).get_json()["data"]["id"] for _ in range(5)]
    client.delete(f"/api/media/{ids[0]}")

    exported = _export(client)

    assert [m["id"] for m in exported] == ids[:0:-1]


def test_export_reads_in_batches(app, client, monkeypatch):
    ids = [save(client).get_json()["data"]["id"] for _ in range(7)]
    monkeypatch.setattr(transfer, "EXPORT_BATCH", 3)
    owner = guest_owner(app, client)
    with app.app_context():
        rows = list(transfer.iter_export(owner, batch=3))

    assert [str(r.id) for r in rows] == ids[::-1]


def test_export_then_import_into_another_owner_keeps_dates_and_favorites(app, client):
    first = save(client, video_payload(requestId="v1")).get_json()["data"]
    client.patch(f"/api/media/{first['id']}", json={"favorite": True})
    save(client, image_payload(requestId="i1"))
    exported = _export(client)
    other = app.test_client()

    response = other.post("/api/media/import", json={"items": exported})

    body = response.get_json()["data"]
    assert (body["imported"], body["duplicate"], body["rejected"]) == (2, 0, 0)
    copies = other.get("/api/media/list").get_json()["data"]
    assert [(m["createdAt"], m["favorite"], m["requestId"]) for m in copies] == [
        (m["createdAt"], m["favorite"], m["requestId"]) for m in exported
    ]


def test_importing_the_same_file_twice_adds_nothing(client):
    items = [
        image_payload(requestId="x1"),
        {
            k: v
            for k, v in image_payload(createdAt="2026-01-02T03:04:05Z").items()
            if k != "requestId"
        },
    ]
    client.post("/api/media/import", json={"items": items})

    again = client.post("/api/media/import", json={"items": items}).get_json()["data"]

    assert (again["imported"], again["duplicate"]) == (0, 2)
    assert len(client.get("/api/media/list").get_json()["data"]) == 2


def test_import_answers_per_item_and_keeps_the_good_ones(client):
    items = [
        image_payload(),
        {"type": "image"},
        "not an object",
        image_payload(url="javascript:alert(1)"),
    ]

    body = client.post("/api/media/import", json={"items": items}).get_json()["data"]

    assert [r["status"] for r in body["results"]] == [
        "imported",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert "url" in body["results"][3]["details"]
    assert len(client.get("/api/media/list").get_json()["data"]) == 1


@pytest.mark.parametrize("body", [{}, {"items": []}, {"items": [{}] * 1001}, {"items": "x"}])
def test_bad_import_requests_answer_400(client, body):
    response = client.post("/api/media/import", json=body)

    assert response.status_code == 400


def test_importing_into_an_account_deleted_meanwhile_answers_401(app, client, monkeypatch):
    delete_account_meanwhile(app, client, monkeypatch, "gone@example.com")

    response = client.post("/api/media/import", json={"items": [image_payload()]})

    assert response.status_code == 401
    assert response.get_json()["code"] == "unauthorized"
    assert count_rows(app) == 0


def test_the_cli_exports_and_imports_by_email(app, runner, tmp_path):
    client = app.test_client()
    client.post(
        "/api/auth/register", json={"email": "a@example.com", "password": "correct horse battery"}
    )
    for _ in range(3):
        save(client)
    other = app.test_client()
    other.post(
        "/api/auth/register", json={"email": "b@example.com", "password": "correct horse battery"}
    )
    path = tmp_path / "export.json"

    exported = runner.invoke(
        args=["media", "export", "--email", "a@example.com", "--output", str(path)]
    )
    imported = runner.invoke(args=["media", "import", "--email", "b@example.com", str(path)])
    again = runner.invoke(args=["media", "import", "--email", "b@example.com", str(path)])

    assert exported.exit_code == 0 and imported.exit_code == 0, imported.output
    assert "3 imported" in imported.output and "3 duplicate" in again.output
    assert len(other.get("/api/media/list").get_json()["data"]) == 3


def test_the_cli_refuses_an_unknown_email(runner, tmp_path):
    result = runner.invoke(args=["media", "export", "--email", "nobody@example.com"])

    assert result.exit_code == 1
    assert "No account" in result.output


def test_the_cli_imports_in_batches_and_numbers_items_across_them(
    app, runner, tmp_path, monkeypatch
):
    client = app.test_client()
    client.post(
        "/api/auth/register", json={"email": "a@example.com", "password": "correct horse battery"}
    )
    monkeypatch.setattr(transfer, "IMPORT_BATCH", 2)
    items = [image_payload(), image_payload(), image_payload(), {"type": "image"}, image_payload()]
    path = tmp_path / "items.json"
    path.write_text(json.dumps({"data": items}))

    result = runner.invoke(args=["media", "import", "--email", "a@example.com", str(path)])

    assert result.exit_code == 0, result.output
    assert "4 imported, 0 duplicate, 1 rejected" in result.output
    assert "item 3: " in result.output
    assert len(client.get("/api/media/list").get_json()["data"]) == 4
