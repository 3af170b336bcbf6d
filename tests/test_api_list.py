"""GET /api/media/list: newest first, offset and cursor pagination, filters, query plans."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.identity import Owner
from mediaapp.models import GeneratedMedia
from mediaapp.services.media import MediaFilters, list_statement
from tests.conftest import guest_owner, image_payload, save, video_payload


def _save_many(client, n, **overrides):
    return [
        save(client, image_payload(prompt=f"item {i}", **overrides)).get_json()["data"]["id"]
        for i in range(n)
    ]


def _walk(client, query=""):
    ids, cursor, pages = [], None, 0
    while True:
        url = f"/api/media/list?limit=7{query}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url).get_json()
        ids += [m["id"] for m in body["data"]]
        pages += 1
        cursor = body["pagination"]["nextCursor"]
        assert body["pagination"]["hasMore"] is (cursor is not None)
        if not cursor:
            return ids, pages


def test_list_answers_newest_first_with_pagination_metadata(client):
    ids = _save_many(client, 3)

    body = client.get("/api/media/list").get_json()

    assert body["success"] is True
    assert [m["id"] for m in body["data"]] == ids[::-1]
    assert body["pagination"] == {"limit": 50, "offset": 0, "hasMore": False, "nextCursor": None}


def test_walking_every_page_by_cursor_returns_each_record_once_in_order(client):
    ids = _save_many(client, 30)

    walked, pages = _walk(client)

    assert walked == ids[::-1]
    assert pages == 5


def test_a_cursor_walk_is_stable_while_new_records_arrive(client):
    ids = _save_many(client, 20)
    first = client.get("/api/media/list?limit=7").get_json()
    seen = [m["id"] for m in first["data"]]
    cursor = first["pagination"]["nextCursor"]

    while cursor:
        save(client, image_payload(prompt="arrived during the walk"))
        body = client.get(f"/api/media/list?limit=7&cursor={cursor}").get_json()
        seen += [m["id"] for m in body["data"]]
        cursor = body["pagination"]["nextCursor"]

    assert seen == ids[::-1]


def test_records_with_the_same_timestamp_are_paged_without_loss_or_repeats(app, client):
    client.get("/api/media/list")
    owner = guest_owner(app, client)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    with app.app_context():
        db.session.execute(
            sa.insert(GeneratedMedia),
            [
                {
                    "id": uuid.uuid4(),
                    "owner_id": owner.id,
                    "type": "image",
                    "url": "/x.png",
                    "prompt": f"tie {i}",
                    "model": "m",
                    "settings": {},
                    "created_at": moment,
                }
                for i in range(15)
            ],
        )
        db.session.commit()

    walked, _ = _walk(client)

    assert len(walked) == 15 and len(set(walked)) == 15


def test_offset_pagination_matches_the_seed(client):
    ids = _save_many(client, 12)[::-1]

    body = client.get("/api/media/list?limit=5&offset=5").get_json()

    assert [m["id"] for m in body["data"]] == ids[5:10]
    assert body["pagination"]["offset"] == 5 and body["pagination"]["hasMore"] is True


def test_offset_past_the_end_answers_an_empty_page(client):
    _save_many(client, 3)

    body = client.get("/api/media/list?offset=10").get_json()

    assert body["data"] == [] and body["pagination"]["hasMore"] is False


def test_the_type_filter_returns_only_that_type(client):
    save(client, video_payload())
    _save_many(client, 2)

    body = client.get("/api/media/list?type=video").get_json()

    assert [m["type"] for m in body["data"]] == ["video"]


def test_a_cursor_from_one_type_is_refused_by_another(client):
    _save_many(client, 4)
    cursor = client.get("/api/media/list?limit=2&type=image").get_json()["pagination"]["nextCursor"]

    response = client.get(f"/api/media/list?limit=2&cursor={cursor}")

    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_cursor"


BAD_QUERIES = {
    "limit zero": "limit=0",
    "limit over 100": "limit=101",
    "limit not a number": "limit=ten",
    "negative offset": "offset=-1",
    "huge offset": "offset=99999999999999999999",
    "unknown type": "type=audio",
    "cursor garbage": "cursor=%%%",
    "cursor not base64 json": "cursor=bm90IGpzb24",
    "cursor with offset": "cursor=abc&offset=5",
}


@pytest.mark.parametrize("query", BAD_QUERIES.values(), ids=BAD_QUERIES.keys())
def test_bad_list_arguments_answer_400_with_the_envelope(client, query):
    response = client.get(f"/api/media/list?{query}")

    assert response.status_code == 400
    body = response.get_json()
    assert body["success"] is False and body["details"]


def _plan(app, owner: Owner, type_filter: bool) -> str:
    """EXPLAIN of the exact statement list_media runs for a cursor page."""
    filters = MediaFilters(type="image" if type_filter else None)
    stmt = list_statement(owner, filters, after=(datetime.now(UTC), uuid.uuid4()))
    with app.app_context():
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        rows = db.session.execute(sa.text(f"EXPLAIN {compiled}")).all()
    return "\n".join(r[0] for r in rows)


@pytest.fixture
def crowded_table(app):
    """One guest with 20,000 items among 200 other owners, analysed."""
    owner = uuid.UUID(int=0xA)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with app.app_context():
        db.session.execute(
            sa.text("""
            INSERT INTO generated_media (id, owner_id, type, url, prompt, model, settings,
                                         created_at)
            SELECT gen_random_uuid(),
                   CASE WHEN g % 2 = 0 THEN :owner
                        ELSE lpad((g % 200)::text, 32, '0')::uuid END,
                   (CASE WHEN g % 3 = 0 THEN 'video' ELSE 'image' END)::media_type,
                   '/x.png', 'prompt ' || g, 'm', '{}'::jsonb,
                   :start + g * interval '1 minute'
            FROM generate_series(1, 40000) AS g
        """),
            {"owner": owner, "start": start},
        )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE generated_media"))
        db.session.commit()
    return owner


@pytest.mark.postgresql_only
@pytest.mark.parametrize("type_filter", [False, True], ids=["all", "by-type"])
def test_the_list_query_is_a_keyset_index_scan_without_a_sort(app, crowded_table, type_filter):
    plan = _plan(app, Owner(id=crowded_table, is_guest=True), type_filter)

    expected = "ix_generated_media_type_recent" if type_filter else "ix_generated_media_recent"
    assert expected in plan, plan
    assert "Sort" not in plan, plan


@pytest.mark.postgresql_only
def test_an_accounts_list_query_uses_the_same_keyset_index(app, crowded_table):
    with app.app_context():
        db.session.execute(
            sa.text(
                "INSERT INTO users (id, email, email_key, password_hash) "
                "VALUES (:id, 'x@example.com', 'k', 'h')"
            ),
            {"id": uuid.UUID(int=1)},
        )
        db.session.commit()

    plan = _plan(app, Owner.account(uuid.UUID(int=1)), False)

    assert "ix_generated_media_recent" in plan and "Sort" not in plan, plan


def test_created_at_is_utc_iso_8601(client):
    before = datetime.now(UTC) - timedelta(seconds=5)

    record = save(client).get_json()["data"]

    created = datetime.fromisoformat(record["createdAt"].replace("Z", "+00:00"))
    assert created.tzinfo is not None and created >= before


# --- the unfiltered page's prebuilt statement ----------------------------------------------

PLAIN_SHAPES = [
    {},
    {"offset": 3},
    {"filters": MediaFilters(sort="oldest")},
    {"filters": MediaFilters(sort="oldest"), "offset": 2},
    {"filters": MediaFilters(trashed=True)},
]


@pytest.mark.parametrize("with_cursor", [False, True], ids=["first", "cursor"])
@pytest.mark.parametrize("shape", PLAIN_SHAPES, ids=lambda s: "-".join(map(str, s.values())))
def test_an_unfiltered_page_has_the_rows_and_sql_of_the_general_statement(
    app, client, shape, with_cursor
):
    import re

    from mediaapp.services import media as media_service

    ids = _save_many(client, 12)  # 8 live, 4 in the trash
    for media_id in ids[:4]:
        assert client.delete(f"/api/media/{media_id}").status_code == 200
    owner = guest_owner(app, client)
    filters = shape.get("filters", MediaFilters())
    offset = shape.get("offset", 0)
    with app.app_context():
        after = None
        if with_cursor:
            first = media_service.list_media(owner, filters, limit=2)
            after = media_service.decode_cursor(first.next_cursor, filters)
        fast = media_service.list_media(owner, filters, limit=2, offset=offset, cursor=None)
        if after:
            cursor = media_service.encode_cursor(first.items[-1], filters)
            fast = media_service.list_media(owner, filters, limit=2, offset=offset, cursor=cursor)
        general = media_service.fetch_rows(
            list_statement(owner, filters, limit=2, offset=offset, after=after)
        )
        ascending = filters.sort == "oldest" and not filters.trashed
        prebuilt = media_service._plain_page_statement(
            filters.trashed, ascending, after is not None, bool(offset)
        )
        general_sql = str(
            list_statement(owner, filters, offset=offset, after=after).compile(db.engine)
        )
        prebuilt_sql = str(prebuilt.compile(db.engine))

    assert fast.items == general[:2] and len(fast.items) == 2
    assert fast.has_more is (len(general) > 2)

    def shape_of(sql: str) -> str:  # parameter names and casts aside
        return re.sub(r"%\(\w+\)s|\?|:\w+|CAST\((\S+) AS \w+\)", "$", sql)

    assert shape_of(prebuilt_sql) == shape_of(general_sql)
