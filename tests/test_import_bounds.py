"""Imports cannot stall the server: rows go in with multi-row INSERTs, repeats inside one
request are answered like repeats across requests, one import runs at a time (others are
told to retry at once), and a gallery file carries a bounded number of items."""

import io
import json

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.services import transfer
from tests.conftest import count_rows, image_payload
from tests.helpers import delete_account_meanwhile

PASSWORD = "correct horse battery"


def items(n: int, tag: str = "bulk") -> list[dict]:
    return [
        {**image_payload(prompt=f"{tag} {i}", url=f"https://cdn.example.com/{tag}/{i}.png")}
        | {"requestId": f"{tag}-{i}", "createdAt": "2026-03-04T05:06:07Z"}
        for i in range(n)
    ]


@pytest.fixture
def statements(app):
    """The SQL statements (one per cursor execute or executemany) the app sends."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def test_a_1000_item_import_inserts_its_rows_in_a_few_statements(client, app, statements):
    response = client.post("/api/media/import", json={"items": items(1000)})

    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO")]
    assert response.get_json()["data"]["imported"] == 1000
    assert count_rows(app) == 1000
    # Media rows and their archive jobs, in multi-row statements (plus the new guest's row),
    # where one statement per item was 2,000.
    assert len(inserts) <= 6, inserts


def test_a_requestid_repeated_in_one_import_is_one_record_and_one_duplicate(client, app):
    first, repeat = items(1)[0], {**items(1)[0], "prompt": "a later copy"}

    body = client.post("/api/media/import", json={"items": [first, repeat]}).get_json()["data"]

    statuses = [(r["status"], r["id"]) for r in body["results"]]
    assert [s for s, _ in statuses] == ["imported", "duplicate"]
    assert statuses[0][1] == statuses[1][1]
    assert count_rows(app) == 1


def test_an_item_without_requestid_repeated_in_one_import_is_imported_once(client, app):
    item = {k: v for k, v in items(1)[0].items() if k != "requestId"}

    body = client.post("/api/media/import", json={"items": [item, item]}).get_json()["data"]

    first, second = body["results"]
    assert (first["status"], second["status"]) == ("imported", "duplicate")
    assert first["id"] == second["id"]
    assert count_rows(app) == 1


def test_a_requestid_the_owner_trashed_is_a_duplicate_of_that_record(client):
    saved = client.post("/api/media/save", json=items(1)[0]).get_json()["data"]
    client.delete(f"/api/media/{saved['id']}")

    body = client.post("/api/media/import", json={"items": items(2)}).get_json()["data"]

    assert [(r["status"], r["id"] == saved["id"]) for r in body["results"]] == [
        ("duplicate", True),
        ("imported", False),
    ]


def test_each_imported_record_gets_its_archive_job(client, app):
    client.post("/api/media/import", json={"items": items(30)})

    with app.app_context():
        jobs = db.session.execute(sa.text("SELECT count(*) FROM jobs")).scalar()
    assert jobs == 30


def test_an_import_while_another_holds_the_slot_answers_429_busy_at_once(client, app):
    with app.test_request_context(), transfer.import_slot():
        response = client.post("/api/media/import", json={"items": items(3)})
        unrelated = client.get("/api/media/list")

    assert response.status_code == 429
    assert response.get_json()["code"] == "busy"
    assert response.headers["Retry-After"] == "2"
    assert unrelated.status_code == 200
    assert count_rows(app) == 0


def test_the_slot_is_free_again_after_an_import(client):
    client.post("/api/media/import", json={"items": items(2, "one")})

    response = client.post("/api/media/import", json={"items": items(2, "two")})

    assert response.status_code == 200


def test_a_slot_freed_by_a_failed_import_takes_the_next(client, app, monkeypatch):
    # The import takes its slot, then fails (401) on the account gone meanwhile.
    with monkeypatch.context() as patched:
        delete_account_meanwhile(app, client, patched, "gone@example.com")
        assert client.post("/api/media/import", json={"items": items(1)}).status_code == 401

    response = app.test_client().post("/api/media/import", json={"items": items(1)})

    assert response.status_code == 200


def test_the_gallery_refuses_a_file_with_too_many_items_and_imports_nothing(
    client, app, monkeypatch
):
    monkeypatch.setattr(transfer, "IMPORT_REQUEST_MAX_ITEMS", 5)
    body = json.dumps(items(6)).encode()

    response = client.post(
        "/import",
        data={"file": (io.BytesIO(body), "big.json")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "That file holds 6 items; one import takes at most 5." in response.get_data(as_text=True)
    assert count_rows(app) == 0


def test_the_gallery_import_waits_for_no_one_either(client, app):
    body = json.dumps(items(2)).encode()
    with app.test_request_context(), transfer.import_slot():
        response = client.post(
            "/import",
            data={"file": (io.BytesIO(body), "history.json")},
            content_type="multipart/form-data",
        )

    assert response.status_code == 429
    assert "Another import is running" in response.get_data(as_text=True)


def test_the_command_line_import_is_not_bounded(app, runner, tmp_path, monkeypatch):
    monkeypatch.setattr(transfer, "IMPORT_REQUEST_MAX_ITEMS", 1)
    app.test_client().post(
        "/api/auth/register", json={"email": "cli@example.com", "password": PASSWORD}
    )
    path = tmp_path / "history.json"
    path.write_text(json.dumps(items(3)))

    result = runner.invoke(args=["media", "import", "--email", "cli@example.com", str(path)])

    assert result.exit_code == 0, result.output
    assert count_rows(app) == 3
