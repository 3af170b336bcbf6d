"""Variant stacks: items that differ only by seed share a key; the list groups them
(?stack=variants) and lists one stack's members (?variantOf=)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from mediaapp.extensions import db
from mediaapp.identity import Owner
from mediaapp.models import GeneratedMedia as GM
from mediaapp.schemas import MediaFilters
from mediaapp.services.media import stacks_statement
from mediaapp.sql import dialect_insert
from mediaapp.variants import variant_key
from tests.conftest import guest_owner, image_payload, save, video_payload

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _item(prompt="A lighthouse in a storm", seed=1, **overrides):
    settings = overrides.pop("settings", {})
    payload = image_payload(prompt=prompt, **overrides)
    payload["settings"] = {**payload["settings"], "seed": seed, **settings}
    return payload


def _save(client, prompt="A lighthouse in a storm", seed=1, **overrides) -> str:
    response = save(client, _item(prompt, seed, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]["id"]


def _stacks(client, query=""):
    body = client.get(f"/api/media/list?stack=variants{query}").get_json()
    assert body["success"], body
    return body


def _walk(client, query="", limit=2):
    entries, cursor, pages = [], None, 0
    while True:
        url = f"/api/media/list?stack=variants&limit={limit}{query}"
        body = client.get(url + (f"&cursor={cursor}" if cursor else "")).get_json()
        entries += body["data"]
        pages += 1
        cursor = body["pagination"]["nextCursor"]
        if not cursor:
            return entries, pages


# --- the key ---------------------------------------------------------------------------------


def test_the_key_ignores_the_seed_and_nothing_else():
    settings = {"style": "ink", "resolution": "1024x1024", "seed": 1}
    base = variant_key("image", "a fox", "flux", settings)

    assert variant_key("image", "a fox", "flux", {**settings, "seed": 99}) == base
    assert variant_key("image", "a fox", "flux", {k: settings[k] for k in ("style", "resolution")})
    assert variant_key("image", "a fox", "flux", {**settings, "style": "oil"}) != base
    assert variant_key("image", "a fox!", "flux", settings) != base
    assert variant_key("image", "a fox", "sdxl", settings) != base
    assert variant_key("video", "a fox", "flux", settings) != base
    assert variant_key("image", "a fox", "flux", {**settings, "steps": 30}) != base


def test_the_key_reads_settings_the_same_whatever_their_order_or_number_spelling():
    one = variant_key("image", "p", "m", {"a": 1, "b": 2.0, "seed": 3})

    assert variant_key("image", "p", "m", {"b": 2, "seed": 4, "a": 1.0}) == one


def test_saves_that_differ_only_by_seed_form_one_stack(client):
    ids = [_save(client, seed=seed) for seed in (1, 2, 3)]

    body = _stacks(client)

    assert [(e["id"], e["stackCount"]) for e in body["data"]] == [(ids[-1], 3)]
    assert len(body["data"][0]["stackKey"]) == 32


def test_different_settings_make_different_stacks(client):
    ink = _save(client, settings={"style": "ink"})
    oil = _save(client, settings={"style": "oil"})
    _save(client, seed=7, settings={"style": "ink"})

    body = _stacks(client)

    counts = {e["settings"]["style"]: e["stackCount"] for e in body["data"]}
    assert counts == {"ink": 2, "oil": 1}
    assert ink not in [e["id"] for e in body["data"]] and oil in [e["id"] for e in body["data"]]


def test_items_of_another_type_or_prompt_are_never_in_the_stack(client):
    _save(client, prompt="a")
    _save(client, prompt="b")
    save(client, video_payload(prompt="a"))

    body = _stacks(client)

    assert [e["stackCount"] for e in body["data"]] == [1, 1, 1]


def test_an_ungrouped_list_answers_items_without_stack_fields(client):
    _save(client, seed=1)
    _save(client, seed=2)

    items = client.get("/api/media/list").get_json()["data"]

    assert len(items) == 2 and not {"stackKey", "stackCount"} & set(items[0])


# --- every way in sets the key ------------------------------------------------------------------


def _keys(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(sa.select(GM.variant_key).order_by(GM.created_at)).scalars())


def test_imported_items_that_differ_by_seed_join_the_saved_ones_stack(app, client):
    _save(client, seed=1)
    items = [
        {**_item(seed=seed), "createdAt": (T0 + timedelta(minutes=seed)).isoformat()}
        for seed in (5, 6)
    ]

    client.post("/api/media/import", json={"items": items})

    keys = _keys(app)
    assert len(keys) == 3 and len(set(keys)) == 1
    assert _stacks(client)["data"][0]["stackCount"] == 3


def test_an_upload_joins_the_stack_of_its_saved_variants(client):
    from tests.test_upload import png_bytes, upload

    _save(client, seed=1)
    metadata = _item(seed=2)
    metadata.pop("url")

    response = upload(client, png_bytes(), metadata)

    assert response.status_code == 201
    assert [e["stackCount"] for e in _stacks(client)["data"]] == [2]


def test_a_guests_stack_stays_one_stack_after_registering(client):
    _save(client, seed=1)
    _save(client, seed=2)

    client.post(
        "/api/auth/register",
        json={"email": f"s-{uuid.uuid4().hex[:8]}@example.com", "password": "a long passphrase 9"},
    )

    assert [e["stackCount"] for e in _stacks(client)["data"]] == [2]


def test_an_insert_that_names_no_key_gets_it_from_the_model(app, client):
    _save(client, seed=1)
    owner = guest_owner(app, client)
    row = {**_item(seed=2), "id": uuid.uuid4(), "owner_id": owner.id, "created_at": T0}
    row.pop("requestId")

    with app.app_context():
        db.session.execute(dialect_insert(GM).values(row))
        db.session.commit()

    assert len(set(_keys(app))) == 1


def test_the_demo_history_comes_in_stacks(client):
    client.get("/")

    client.post("/demo")

    entries = _stacks(client, "&limit=100")["data"]
    total = client.get("/api/media/list?limit=100").get_json()["data"]
    assert len(entries) < len(total)
    assert sum(e["stackCount"] for e in entries) == len(total)


# --- grouped paging ----------------------------------------------------------------------------


@pytest.fixture
def interleaved(client):
    """Five stacks of sizes 3, 1, 2, 4 and 1, their members saved interleaved in time;
    {prompt: [ids oldest first]}."""
    order = ["s0", "s1", "s0", "s2", "s3", "s0", "s3", "s2", "s3", "s4", "s3"]
    stacks: dict[str, list[str]] = {}
    for n, prompt in enumerate(order):
        stacks.setdefault(prompt, []).append(_save(client, prompt=prompt, seed=n))
    return stacks


def test_walking_grouped_pages_gives_each_stack_once_newest_first_with_its_count(
    client, interleaved
):
    entries, pages = _walk(client, limit=2)

    assert pages == 3
    assert [(e["prompt"], e["stackCount"]) for e in entries] == [
        ("s3", 4),
        ("s4", 1),
        ("s2", 2),
        ("s0", 3),
        ("s1", 1),
    ]
    assert [e["id"] for e in entries] == [interleaved[e["prompt"]][-1] for e in entries]


def test_grouped_pages_by_offset_agree_with_the_cursor_walk(client, interleaved):
    walked, _ = _walk(client, limit=2)

    by_offset = [
        e["prompt"]
        for offset in (0, 2, 4)
        for e in _stacks(client, f"&limit=2&offset={offset}")["data"]
    ]

    assert by_offset == [e["prompt"] for e in walked]


def test_grouped_pages_oldest_first_show_each_stack_by_its_oldest_item(client, interleaved):
    entries, _ = _walk(client, "&sort=oldest", limit=2)

    assert [(e["prompt"], e["stackCount"]) for e in entries] == [
        ("s0", 3),
        ("s1", 1),
        ("s2", 2),
        ("s3", 4),
        ("s4", 1),
    ]
    assert [e["id"] for e in entries] == [interleaved[e["prompt"]][0] for e in entries]


def test_a_grouped_cursor_is_refused_by_the_ungrouped_list(client, interleaved):
    cursor = _stacks(client, "&limit=2")["pagination"]["nextCursor"]

    response = client.get(f"/api/media/list?limit=2&cursor={cursor}")

    assert response.status_code == 400
    assert response.get_json()["code"] == "invalid_cursor"


# --- filters and the trash ---------------------------------------------------------------------


def test_filters_choose_the_members_before_grouping(client):
    first = _save(client, seed=1)
    _save(client, seed=2)
    _save(client, seed=3)
    client.patch(f"/api/media/{first}", json={"favorite": True})

    body = _stacks(client, "&favorite=true")

    assert [(e["id"], e["stackCount"]) for e in body["data"]] == [(first, 1)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("&q=lighthouse", [("A lighthouse", 2)]), ("&type=video", [("A wave", 1)]), ("&model=x", [])],
)
def test_search_type_and_model_filters_combine_with_the_grouping(client, query, expected):
    _save(client, prompt="A lighthouse", seed=1)
    _save(client, prompt="A lighthouse", seed=2)
    _save(client, prompt="A meadow", seed=1)
    save(client, video_payload(prompt="A wave"))

    body = _stacks(client, query)

    assert [(e["prompt"], e["stackCount"]) for e in body["data"]] == expected


def test_trashed_members_leave_the_stack_and_its_count(client):
    older = _save(client, seed=1)
    newer = _save(client, seed=2)

    client.delete(f"/api/media/{newer}")

    assert [(e["id"], e["stackCount"]) for e in _stacks(client)["data"]] == [(older, 1)]


def test_a_stack_whose_members_are_all_trashed_is_gone(client):
    ids = [_save(client, seed=s) for s in (1, 2)]
    client.post("/api/media/bulk", json={"action": "delete", "ids": ids})

    body = _stacks(client)

    assert body["data"] == []


# --- members -----------------------------------------------------------------------------------


def test_members_are_listed_by_stack_key_newest_first(client, interleaved):
    key = _stacks(client, "&limit=1")["data"][0]["stackKey"]

    body = client.get(f"/api/media/list?variantOf={key}").get_json()

    assert [m["id"] for m in body["data"]] == interleaved["s3"][::-1]


def test_members_are_listed_by_the_id_of_any_member(client, interleaved):
    oldest = interleaved["s0"][0]

    body = client.get(f"/api/media/list?variantOf={oldest}&limit=2").get_json()

    assert [m["id"] for m in body["data"]] == interleaved["s0"][:0:-1]
    assert body["pagination"]["hasMore"] is True


def test_members_of_a_trashed_item_are_its_live_variants(client):
    kept = _save(client, seed=1)
    trashed = _save(client, seed=2)
    client.delete(f"/api/media/{trashed}")

    body = client.get(f"/api/media/list?variantOf={trashed}").get_json()

    assert [m["id"] for m in body["data"]] == [kept]


def test_members_combine_with_the_filters(client):
    first = _save(client, seed=1)
    _save(client, seed=2)
    client.patch(f"/api/media/{first}", json={"favorite": True})

    body = client.get(f"/api/media/list?variantOf={first}&favorite=false").get_json()

    assert len(body["data"]) == 1 and body["data"][0]["id"] != first


@pytest.mark.parametrize(
    "value", ["abc", "g" * 32, "A" * 32, "0" * 31, "not-a-uuid-at-all-0000000000000000"]
)
def test_a_variant_of_that_is_neither_a_key_nor_an_id_is_refused(client, value):
    response = client.get(f"/api/media/list?variantOf={value}")

    assert response.status_code == 400
    assert "variantOf" in response.get_json()["details"]


def test_an_unknown_variant_of_id_lists_nothing(client):
    _save(client)

    body = client.get(f"/api/media/list?variantOf={uuid.uuid4()}").get_json()

    assert body["data"] == []


# --- owners ------------------------------------------------------------------------------------


def test_another_owners_identical_items_are_not_in_my_stack(app, client):
    mine = _save(client, seed=1)
    other = app.test_client()
    _save(other, seed=2)
    _save(other, seed=3)

    body = _stacks(client)

    assert [(e["id"], e["stackCount"]) for e in body["data"]] == [(mine, 1)]


def test_another_owners_item_id_lists_none_of_their_stack(app, client):
    _save(client, seed=1)
    other = app.test_client()
    theirs = _save(other, seed=2)

    body = client.get(f"/api/media/list?variantOf={theirs}").get_json()

    assert body["data"] == []


def test_a_stack_key_lists_only_the_callers_members(app, client):
    mine = _save(client, seed=1)
    other = app.test_client()
    _save(other, seed=2)
    key = _stacks(client)["data"][0]["stackKey"]

    body = other.get(f"/api/media/list?variantOf={key}").get_json()

    assert len(body["data"]) == 1 and body["data"][0]["id"] != mine


# --- the plan on PostgreSQL --------------------------------------------------------------------


@pytest.fixture
def stacked_table(app):
    """One guest with 20,000 items in 5,000 stacks of four (members far apart in time) among
    other owners' 20,000, analysed."""
    owner = uuid.UUID(int=0xB)
    with app.app_context():
        db.session.execute(
            sa.text("""
            INSERT INTO generated_media (id, owner_id, type, url, prompt, model, settings,
                                         created_at, variant_key)
            SELECT gen_random_uuid(),
                   CASE WHEN g % 2 = 0 THEN :owner
                        ELSE lpad((g % 200)::text, 32, '0')::uuid END,
                   'image', '/x.png', 'prompt ' || (g / 2) % 5000, 'm', '{}'::jsonb,
                   :start + g * interval '1 minute', md5(((g / 2) % 5000)::text)
            FROM generate_series(1, 40000) AS g
        """),
            {"owner": owner, "start": T0},
        )
        db.session.commit()
        db.session.execute(sa.text("ANALYZE generated_media"))
        db.session.commit()
    return owner


def _stack_plan(app, owner: Owner, filters: MediaFilters, after=None) -> str:
    stmt = stacks_statement(owner, filters, after=after)
    with app.app_context():
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        rows = db.session.execute(sa.text(f"EXPLAIN {compiled}")).all()
    return "\n".join(r[0] for r in rows)


@pytest.mark.postgresql_only
@pytest.mark.parametrize("deep", [False, True], ids=["first-page", "cursor-page"])
def test_the_grouped_query_walks_the_keyset_index_and_probes_the_stack_index(
    app, stacked_table, deep
):
    after = (T0 + timedelta(days=10), uuid.uuid4()) if deep else None

    plan = _stack_plan(app, Owner(id=stacked_table, is_guest=True), MediaFilters(), after)

    assert "ix_generated_media_recent" in plan, plan
    assert "Anti Join" in plan and "ix_generated_media_variant_recent" in plan, plan
    # The only sort is of the page's own rows, above the limit.
    assert "Seq Scan" not in plan and plan.count("Sort") <= 1, plan
