"""Search and filters on GET /api/media/list, the models menu, and the trigram index."""

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.identity import Owner
from mediaapp.services.media import MediaFilters, list_statement
from tests.conftest import image_payload, video_payload


def _ids(client, query):
    body = client.get(f"/api/media/list?{query}").get_json()
    assert body["success"] is True, body
    return [m["prompt"] for m in body["data"]]


def _import(client, items):
    response = client.post("/api/media/import", json={"items": items})
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def history(client):
    now = datetime.now(UTC)
    _import(
        client,
        [
            image_payload(
                prompt="Red FOX in snow",
                model="flux-1-dev",
                requestId="a",
                createdAt=(now - timedelta(days=40)).isoformat(),
            ),
            image_payload(
                prompt="A fox cub at dawn",
                model="sdxl-1.0",
                requestId="b",
                createdAt=(now - timedelta(days=10)).isoformat(),
            ),
            video_payload(
                prompt="Waves over black sand",
                model="veo-3",
                requestId="c",
                createdAt=(now - timedelta(days=2)).isoformat(),
            ),
            image_payload(
                prompt="100% cotton_texture",
                model="flux-1-dev",
                requestId="d",
                createdAt=now.isoformat(),
            ),
        ],
    )
    return now


def test_q_matches_a_case_insensitive_substring_of_the_prompt(client, history):
    assert _ids(client, "q=fox") == ["A fox cub at dawn", "Red FOX in snow"]


def test_q_treats_percent_and_underscore_literally(client, history):
    assert _ids(client, "q=100%25") == ["100% cotton_texture"]
    assert _ids(client, "q=n_t") == ["100% cotton_texture"]
    assert _ids(client, "q=_") == ["100% cotton_texture"]


def test_model_type_and_dates_combine(client, history):
    since = (history - timedelta(days=20)).date().isoformat()

    assert _ids(client, f"model=flux-1-dev&from={since}") == ["100% cotton_texture"]
    assert _ids(client, "type=video&q=sand") == ["Waves over black sand"]


def test_to_is_inclusive_of_the_whole_day(client, history):
    day = (history - timedelta(days=2)).date().isoformat()

    assert _ids(client, f"from={day}&to={day}") == ["Waves over black sand"]


def test_sort_oldest_reverses_the_order_and_pages_by_cursor(client, history):
    first = client.get("/api/media/list?sort=oldest&limit=2").get_json()
    second = client.get(
        f"/api/media/list?sort=oldest&limit=2&cursor={first['pagination']['nextCursor']}"
    ).get_json()

    prompts = [m["prompt"] for m in first["data"] + second["data"]]
    assert prompts == [
        "Red FOX in snow",
        "A fox cub at dawn",
        "Waves over black sand",
        "100% cotton_texture",
    ]


def test_a_search_cursor_is_refused_by_another_search(client, history):
    cursor = client.get("/api/media/list?q=o&limit=1").get_json()["pagination"]["nextCursor"]

    response = client.get(f"/api/media/list?q=fox&limit=1&cursor={cursor}")

    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_cursor"


def test_a_cursor_walk_with_filters_returns_each_match_once(client):
    _import(
        client,
        [image_payload(prompt=f"cat {i}", requestId=f"r{i}") for i in range(9)]
        + [image_payload(prompt=f"dog {i}", requestId=f"s{i}") for i in range(5)],
    )
    seen, cursor = [], ""
    while cursor is not None:
        body = client.get(f"/api/media/list?q=cat&limit=4{cursor and '&cursor=' + cursor}")
        body = body.get_json()
        seen += [m["prompt"] for m in body["data"]]
        cursor = body["pagination"]["nextCursor"]

    assert sorted(seen) == sorted(f"cat {i}" for i in range(9))


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-13-01",
        "to=yesterday",
        "sort=random",
        "favorite=maybe",
        "from=2026-02-01&to=2026-01-01",
        "q=" + "x" * 201,
    ],
)
def test_bad_filters_answer_400(client, query):
    response = client.get(f"/api/media/list?{query}")

    assert response.status_code == 400
    assert response.get_json()["details"]


def test_models_lists_the_owners_models_with_counts(client, history):
    response = client.get("/api/media/models")

    assert response.get_json()["data"] == [
        {"model": "flux-1-dev", "count": 2},
        {"model": "sdxl-1.0", "count": 1},
        {"model": "veo-3", "count": 1},
    ]


def test_models_are_owner_scoped(app, client, history):
    assert app.test_client().get("/api/media/models").get_json()["data"] == []


def test_search_text_past_the_maximum_answers_400_saying_the_maximum(client):
    response = client.get("/api/media/list?q=" + "a" * 10_000)

    assert response.status_code == 400
    assert response.get_json()["details"] == {"q": ["Use at most 200 characters."]}


def test_the_gallery_search_box_holds_no_more_than_the_api_takes(client, history):
    html = client.get("/").get_data(as_text=True)

    assert re.search(r'<input[^>]*name="q"[^>]*maxlength="200"', html)


LONGEST_RARE_QUERY = ("a rare axolotl " * 20)[:200]


@pytest.mark.postgresql_only
@pytest.mark.parametrize("q", ["axolotl", LONGEST_RARE_QUERY])
def test_prompt_search_on_a_large_owner_uses_the_trigram_index(app, q):
    owner = uuid.UUID(int=0xB)
    with app.app_context():
        db.session.execute(
            sa.text("""
            INSERT INTO generated_media (id, owner_id, type, url, prompt, model, settings,
                                         created_at)
            SELECT gen_random_uuid(), :owner, 'image', '/x.png',
                   CASE WHEN g % 5000 = 0 THEN 'a rare axolotl ' || g
                        ELSE 'landscape number ' || g END,
                   'm', '{}'::jsonb, now() - g * interval '1 minute'
            FROM generate_series(1, 60000) AS g
        """),
            {"owner": owner},
        )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE generated_media"))
        db.session.commit()
        stmt = list_statement(Owner(id=owner, is_guest=True), MediaFilters(q=q))
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(r[0] for r in db.session.execute(sa.text(f"EXPLAIN {compiled}")))

    assert "ix_generated_media_prompt_trgm" in plan, plan
