"""Input that once answered 500: deep JSON, dates at the calendar's edge, forged cursors, NUL
bytes in share tokens, and fixed paths swallowed by the id routes. Each is refused as bad
input (4xx with the envelope), and one stored row with an impossible date breaks nothing."""

import base64
import io
import json
import uuid

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.schemas import JSON_MAX_DEPTH
from tests.conftest import count_rows, image_payload, save
from tests.helpers import card_ids, saved_id
from tests.test_api_statuses import DOCUMENT

# --- JSON nested too deeply --------------------------------------------------------------


OPERATIONS = sorted((m, path) for path, item in DOCUMENT["paths"].items() for m in item)
# Every operation of the document that reads a JSON body, so a new one is covered at once.
JSON_OPERATIONS = [
    (method, path)
    for method, path in OPERATIONS
    if "application/json"
    in DOCUMENT["paths"][path][method].get("requestBody", {}).get("content", {})
]


def _url(path: str) -> str:
    some_id = str(uuid.uuid4())
    return (
        path.replace("{media_id}", some_id)
        .replace("{share_id}", some_id)
        .replace("{collection_id}", some_id)
        .replace("{token}", "t")
    )


def nested(depth: int, inner: str = "1") -> str:
    """A JSON object whose `pad` nests `depth` levels in all (the object counts as one)."""
    return '{"pad":' + "[" * (depth - 1) + inner + "]" * (depth - 1) + "}"


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_operations_that_read_json_are_the_ones_that_document_a_json_body(client, method, path):
    response = client.open(
        _url(path), method=method.upper(), data=nested(990), content_type="application/json"
    )

    refused = response.status_code == 400 and response.get_json()["code"] == "too_deeply_nested"
    assert refused is ((method, path) in JSON_OPERATIONS)
    assert response.status_code < 500


@pytest.mark.parametrize("depth", [JSON_MAX_DEPTH + 1, 990, 5000, 100_000])
@pytest.mark.parametrize(("method", "path"), JSON_OPERATIONS)
def test_json_nested_too_deeply_is_refused_with_its_own_code(client, method, path, depth):
    response = client.open(
        _url(path), method=method.upper(), data=nested(depth), content_type="application/json"
    )

    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "too_deeply_nested"
    assert f"{JSON_MAX_DEPTH} levels" in body["error"]


def test_json_exactly_at_the_depth_limit_is_read_and_judged_by_its_schema(client):
    at_limit = client.post(
        "/api/media/bulk", data=nested(JSON_MAX_DEPTH), content_type="application/json"
    )
    past_it = client.post(
        "/api/media/bulk", data=nested(JSON_MAX_DEPTH + 1), content_type="application/json"
    )

    assert (at_limit.status_code, at_limit.get_json()["code"]) == (400, "validation_error")
    assert past_it.get_json()["code"] == "too_deeply_nested"


def test_an_array_nested_deeply_at_the_top_is_refused_too(client):
    response = client.post(
        "/api/media/save", data="[" * 3000 + "]" * 3000, content_type="application/json"
    )

    assert (response.status_code, response.get_json()["code"]) == (400, "too_deeply_nested")


def test_upload_metadata_nested_too_deeply_is_refused(app, client):
    response = client.post(
        "/api/media/upload",
        data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n"), "a.png"), "metadata": nested(2000)},
        content_type="multipart/form-data",
    )

    assert (response.status_code, response.get_json()["code"]) == (400, "too_deeply_nested")
    assert count_rows(app) == 0


def test_an_import_file_nested_too_deeply_is_refused_on_the_page(app, client):
    response = client.post(
        "/import",
        data={"file": (io.BytesIO(nested(2000).encode()), "history.json")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert f"{JSON_MAX_DEPTH} levels" in response.get_data(as_text=True)
    assert count_rows(app) == 0


# --- dates at the calendar's edge --------------------------------------------------------

EDGE_DAYS = ["9999-12-31", "0001-01-01", "1899-12-31"]


@pytest.mark.parametrize("day", EDGE_DAYS)
@pytest.mark.parametrize("name", ["from", "to"])
def test_a_date_filter_past_the_calendar_kept_is_a_field_error(client, name, day):
    api = client.get("/api/media/list", query_string={name: day})
    gallery = client.get("/", query_string={name: day})
    prune = client.post("/api/media/prune", json={"confirm": True, name: day})

    assert api.status_code == 400 and "1900-01-01" in api.get_json()["details"][name][0]
    assert gallery.status_code == 400 and "9999-12-30" in gallery.get_data(as_text=True)
    assert prune.status_code == 400 and name in prune.get_json()["details"]


def test_date_filters_at_the_bounds_themselves_work(client):
    save(client)

    widest = client.get("/api/media/list", query_string={"from": "1900-01-01", "to": "9999-12-30"})
    gallery = client.get("/", query_string={"from": "1900-01-01", "to": "9999-12-30"})

    assert widest.status_code == 200 and len(widest.get_json()["data"]) == 1
    assert gallery.status_code == 200 and len(card_ids(gallery)) == 1


def _import(client, created_at: str) -> dict:
    item = image_payload(createdAt=created_at)
    return client.post("/api/media/import", json={"items": [item]}).get_json()["data"]


@pytest.mark.parametrize(
    "created_at",
    [
        "9999-12-31T23:00:00-14:00",  # year 10000 once in UTC
        "0001-01-01T00:00:00+14:00",  # year 0 once in UTC
        "9999-12-31T12:00:00Z",
        "1899-12-31T23:59:59Z",
    ],
)
def test_an_imported_date_past_the_calendar_kept_is_rejected_and_breaks_nothing(
    app, client, created_at
):
    save(client)

    outcome = _import(client, created_at)

    assert outcome["rejected"] == 1 and "createdAt" in outcome["results"][0]["details"]
    assert count_rows(app) == 1
    for path in ("/api/media/list", "/", "/api/media/stats", "/stats"):
        assert client.get(path).status_code == 200, path


def test_an_imported_date_is_converted_to_utc(client):
    outcome = _import(client, "2024-05-01T10:00:00+02:00")

    record = client.get(f"/api/media/{outcome['results'][0]['id']}").get_json()["data"]
    assert record["createdAt"] == "2024-05-01T08:00:00.000Z"


def _views_answer(client, media_id: str) -> dict[str, int]:
    """What each of an owner's views answers while one of its rows has an odd date."""
    share = client.post(f"/api/media/{media_id}/share")
    token = share.get_json()["data"]["token"] if share.status_code == 201 else "none"
    answers = {
        "share": share.status_code,
        "list": client.get("/api/media/list").status_code,
        "list oldest first": client.get("/api/media/list?sort=oldest").status_code,
        "gallery": client.get("/").status_code,
        "api stats": client.get("/api/media/stats").status_code,
        "stats page": client.get("/stats").status_code,
        "detail": client.get(f"/api/media/{media_id}").status_code,
        "detail page": client.get(f"/media/{media_id}").status_code,
        "shared": client.get(f"/api/shared/{token}").status_code,
        "shared page": client.get(f"/s/{token}").status_code,
        "export": client.get("/api/media/export").status_code,
        "delete": client.delete(f"/api/media/{media_id}").status_code,
        "trash": client.get("/api/media/trash").status_code,
        "trash page": client.get("/trash").status_code,
        "purge": client.delete(f"/api/media/{media_id}?permanent=true").status_code,
    }
    return answers


def test_the_latest_date_kept_works_in_every_view(client):
    media_id = _import(client, "9999-12-30T23:59:59Z")["results"][0]["id"]
    save(client)

    listed = client.get("/api/media/list").get_json()["data"]
    answers = _views_answer(client, media_id)

    assert listed[0]["createdAt"] == "9999-12-30T23:59:59.000Z"
    assert set(answers.values()) == {200, 201}, answers


@pytest.mark.parametrize("stored", ["year 10000", "year -44"])
def test_one_stored_row_with_an_impossible_date_breaks_none_of_its_owners_views(
    app, client, backend, stored
):
    """A row written before dates were bounded (PostgreSQL kept year 10000) is read with the
    nearest date kept, instead of failing every query that reads it."""
    media_id = saved_id(save(client))
    later = saved_id(save(client, image_payload(requestId="later")))
    text = {
        ("postgresql", "year 10000"): "10000-01-01 13:00:00+00",
        ("postgresql", "year -44"): "0044-03-15 12:00:00+00 BC",
        ("sqlite", "year 10000"): "10000-01-01 13:00:00.000000",
        ("sqlite", "year -44"): "-0044-03-15 12:00:00.000000",
    }[backend, stored]
    cast = "CAST(:text AS timestamptz)" if backend == "postgresql" else ":text"
    with app.app_context():
        db.session.execute(
            sa.text(f"UPDATE generated_media SET created_at = {cast} WHERE id = :id"),
            {"text": text, "id": media_id if backend == "postgresql" else uuid.UUID(media_id).hex},
        )
        db.session.commit()

    first = client.get("/api/media/list?limit=1").get_json()
    cursor = first["pagination"]["nextCursor"]
    second = client.get("/api/media/list", query_string={"limit": 1, "cursor": cursor})
    dates = {m["id"]: m["createdAt"] for m in client.get("/api/media/list").get_json()["data"]}
    answers = _views_answer(client, media_id)

    shown = "9999-12-30T23:59:59.999Z" if stored == "year 10000" else "1900-01-01T00:00:00.000Z"
    assert dates[media_id] == shown and later in dates
    paged = [first["data"][0]["id"], second.get_json()["data"][0]["id"]]
    assert sorted(paged) == sorted([media_id, later])
    assert set(answers.values()) == {200, 201}, answers


# --- cursors with fields of the wrong types ----------------------------------------------


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def _real_fields(client) -> dict:
    for request_id in ("a", "b"):
        save(client, image_payload(requestId=request_id))
    cursor = client.get("/api/media/list?limit=1").get_json()["pagination"]["nextCursor"]
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


FORGED = {
    "id as a number": {"i": 5},
    "id as a list": {"i": []},
    "id not hex": {"i": "zz"},
    "time as a number": {"t": 1},
    "time as an object": {"t": {}},
    "time before year 1 in UTC": {"t": "0001-01-01T00:00:00+14:00"},
    "time not a date": {"t": "yesterday"},
    "fingerprint as a list": {"f": [1]},
    "fingerprint as null": {"f": None},
    "an extra key": {"x": 1},
}


@pytest.mark.parametrize("change", FORGED.values(), ids=FORGED.keys())
def test_a_cursor_whose_fields_have_the_wrong_types_is_refused(client, change):
    forged = _cursor({**_real_fields(client), **change})

    api = client.get("/api/media/list", query_string={"limit": 1, "cursor": forged})
    trash = client.get("/api/media/trash", query_string={"cursor": forged})
    gallery = client.get("/", query_string={"cursor": forged})

    assert (api.status_code, api.get_json()["code"]) == (400, "invalid_cursor")
    assert (trash.status_code, trash.get_json()["code"]) == (400, "invalid_cursor")
    assert gallery.status_code == 400


@pytest.mark.parametrize("payload", [[1, 2], "text", None, 7, {"t": "x"}], ids=repr)
def test_a_cursor_that_is_not_an_object_of_our_fields_is_refused(client, payload):
    response = client.get("/api/media/list", query_string={"cursor": _cursor(payload)})

    assert (response.status_code, response.get_json()["code"]) == (400, "invalid_cursor")


def test_the_real_cursor_still_pages(client):
    real = _cursor(_real_fields(client))

    response = client.get("/api/media/list", query_string={"limit": 1, "cursor": real})

    assert response.status_code == 200 and len(response.get_json()["data"]) == 1


# --- share tokens in the path ------------------------------------------------------------

TOKEN_PATHS = ["/api/shared/{}", "/api/shared/{}/file", "/api/shared/{}/thumbnail", "/s/{}"]


@pytest.mark.parametrize("token", ["a%00b", "%00", "a%2Eb", "a%20b", "%C3%A9t%C3%A9", "a" * 129])
@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_a_token_outside_the_token_alphabet_is_not_found(client, path, token):
    response = client.get(path.format(token))

    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.get_json()["code"] == "not_found"


def test_a_real_token_still_opens_its_link(client):
    media_id = saved_id(save(client))
    token = client.post(f"/api/media/{media_id}/share").get_json()["data"]["token"]

    assert client.get(f"/api/shared/{token}").status_code == 200
    assert client.get(f"/s/{token}").status_code == 200


# --- fixed paths and ids -----------------------------------------------------------------

METHODS = ("GET", "POST", "PATCH", "DELETE")


def _fixed_media_paths(app) -> dict[str, set[str]]:
    """Each fixed path one level under /api/media/, with the methods it answers."""
    paths: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/media/") and not rule.arguments:
            if rule.rule.count("/") == 3:
                paths.setdefault(rule.rule, set()).update(rule.methods & set(METHODS))
    return paths


def test_patch_on_the_save_path_is_a_method_not_allowed(client):
    response = client.patch("/api/media/save", json={"favorite": True})

    assert response.status_code == 405
    assert response.get_json()["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"] and "PATCH" not in response.headers["Allow"]


def test_no_fixed_path_is_taken_for_an_id(app, client):
    answers = {
        (method, path): client.open(path, method=method).status_code
        for path, allowed in _fixed_media_paths(app).items()
        for method in METHODS
        if method not in allowed
    }

    assert len(_fixed_media_paths(app)) >= 8
    assert answers and set(answers.values()) == {405}, answers


@pytest.mark.parametrize(
    "path",
    [
        "/api/media/not-a-uuid",
        "/api/media/12345",
        "/api/media/" + "0" * 36,
        "/api/media/not-a-uuid/restore",
        "/api/media/not-a-uuid/share",
        "/api/media/not-a-uuid/file",
    ],
)
@pytest.mark.parametrize("method", METHODS)
def test_a_path_whose_id_is_not_a_uuid_matches_no_route(client, method, path):
    response = client.open(path, method=method)

    assert response.status_code in (404, 405)
    assert response.get_json()["code"] in ("not_found", "method_not_allowed")


def test_an_id_in_capitals_is_the_same_record(client):
    media_id = saved_id(save(client))

    response = client.get(f"/api/media/{media_id.upper()}")

    assert response.status_code == 200 and response.get_json()["data"]["id"] == media_id
