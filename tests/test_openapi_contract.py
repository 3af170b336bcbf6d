"""The suite's contract check catches answers that drift from the OpenAPI document."""

import json

import pytest
from werkzeug.exceptions import ImATeapot

from mediaapp.schemas import media_to_wire
from mediaapp.services import media as media_service
from mediaapp.services import transfer
from tests.conftest import save

MEDIA_ENVELOPE = {"$ref": "#/components/schemas/MediaEnvelope"}


def _taken(checker) -> list[str]:
    """The problems found so far, removed so this test's own teardown does not fail."""
    problems, checker.problems[:] = list(checker.problems), []
    return problems


def test_a_record_with_an_extra_key_is_a_problem(app, client, contract_checker):
    record = save(client).get_json()["data"]

    with app.app_context():
        problems = contract_checker.problems_with(
            "test", MEDIA_ENVELOPE, _envelope({**record, "x": 1})
        )

    assert len(problems) == 1 and "'x' was unexpected" in problems[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "not-a-uuid"),
        ("createdAt", "2024-01-01 10:00:00"),
        ("type", "audio"),
        ("favorite", None),
        ("userId", 7),
    ],
)
def test_a_record_with_a_wrong_value_is_a_problem(app, client, contract_checker, field, value):
    record = save(client).get_json()["data"]

    with app.app_context():
        problems = contract_checker.problems_with(
            "test",
            MEDIA_ENVELOPE,
            _envelope({**record, field: value}),
        )

    assert problems and all(field in p for p in problems)


def test_a_record_without_a_key_is_a_problem(app, client, contract_checker):
    record = save(client).get_json()["data"]
    del record["deletedAt"]

    with app.app_context():
        problems = contract_checker.problems_with("test", MEDIA_ENVELOPE, _envelope(record))

    assert len(problems) == 1 and "'deletedAt' is a required property" in problems[0]


def test_an_undocumented_status_is_reported(client, contract_checker, monkeypatch):
    def teapot(owner):
        raise ImATeapot()

    monkeypatch.setattr(media_service, "list_models", teapot)

    client.get("/api/media/models")

    problems = _taken(contract_checker)
    assert len(problems) == 1
    assert problems[0].startswith("GET /api/media/models -> 418: status not documented")


def test_a_drifted_answer_is_reported_for_its_operation(client, contract_checker, monkeypatch):
    save(client)
    monkeypatch.setattr(media_service, "get_media", lambda owner, media_id: {"surprise": True})
    monkeypatch.setattr("mediaapp.api.media.media_to_wire", lambda row: row)

    client.get("/api/media/00000000-0000-4000-8000-000000000000")

    problems = _taken(contract_checker)
    assert any("'surprise' was unexpected" in p for p in problems)
    assert all(p.startswith("GET /api/media/{media_id} -> 200") for p in problems)


def test_a_streamed_answer_is_checked_once_it_has_been_read(client, contract_checker, monkeypatch):
    save(client)
    monkeypatch.setattr(transfer, "media_to_wire", lambda row: {**media_to_wire(row), "x": 1})

    response = client.get("/api/media/export")
    before = list(contract_checker.problems)
    response.get_data()

    problems = _taken(contract_checker)
    assert before == []
    assert len(problems) == 1 and "'x' was unexpected" in problems[0]


def _envelope(record: dict) -> bytes:
    return json.dumps({"success": True, "data": record}).encode()
