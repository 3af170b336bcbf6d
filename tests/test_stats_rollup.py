"""The stats rollups stay exact: after every kind of write they equal a full recount.

`stats_by_day` and `stats_by_model` are kept by database triggers (migration 0007). Each test
makes one kind of change through the app (or the database, for an account's deletion), then
recounts every row of generated_media in Python, independently of the triggers' SQL, and
compares: the rollup tables row for row, for every owner, and each owner's GET
/api/media/stats with the numbers the recount gives. The items carry costs (costUsd,
credits: exact decimals), so the spend sums are checked after every kind of write too.
"""

import io
import json
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import flask_migrate
import pytest
import sqlalchemy as sa
from PIL import Image

from mediaapp import create_app, jobs
from mediaapp.extensions import db
from mediaapp.models import GeneratedMedia as GM
from mediaapp.models import StatsByDay, StatsByModel
from mediaapp.schemas import amount_to_wire
from tests.conftest import BASE_CONFIG, empty_database_url, image_payload, save, video_payload
from tests.helpers import saved_id

PASSWORD = "a long enough password"


def _rows(app) -> list:
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                GM.owner_id,
                GM.created_at,
                GM.model,
                GM.type,
                GM.favorite,
                GM.deleted_at,
                GM.archive_status,
                GM.archive_sha256,
                GM.archive_bytes,
                GM.cost_usd,
                GM.credits,
            )
        ).all()
        db.session.commit()
    return rows


def recounted_rollups(app) -> tuple[dict, dict]:
    """What the rollup tables must hold, counted from every media row: ({(owner, day): n},
    {(owner, model): {counter: n}}), with no entry where everything is zero."""
    days: dict = defaultdict(Counter)
    models: dict = defaultdict(Counter)
    for r in _rows(app):
        live = r.deleted_at is None
        if live:
            day = days[(r.owner_id, r.created_at.astimezone(UTC).date())]
            day["items"] += 1
            day["cost_usd"] += r.cost_usd or Decimal(0)
            day["credits"] += r.credits or Decimal(0)
        counts = models[(r.owner_id, r.model)]
        counts["images"] += live and r.type == "image"
        counts["videos"] += live and r.type == "video"
        counts["favorites"] += live and r.favorite
        counts["trashed"] += not live
        counts["missing"] += live and r.archive_status in ("failed", "expired")
        counts["stored_bytes"] += (r.archive_bytes or 0) if r.archive_sha256 else 0
        counts["cost_usd"] += (r.cost_usd or Decimal(0)) if live else Decimal(0)
        counts["credits"] += (r.credits or Decimal(0)) if live else Decimal(0)
    counters = (*MODEL_COUNTERS, *AMOUNTS)
    models = {
        key: {name: counts[name] for name in counters}
        for key, counts in models.items()
        if any(counts.values())
    }
    days = {key: {name: day[name] for name in DAY_COUNTERS} for key, day in days.items()}
    return days, models


MODEL_COUNTERS = ("images", "videos", "favorites", "trashed", "missing", "stored_bytes")
AMOUNTS = ("cost_usd", "credits")
DAY_COUNTERS = ("items", *AMOUNTS)


def stored_rollups(app) -> tuple[dict, dict]:
    with app.app_context():
        days = {
            (r.owner_id, r.day): {name: getattr(r, name) for name in DAY_COUNTERS}
            for r in db.session.execute(sa.select(StatsByDay)).scalars()
        }
        models = {
            (r.owner_id, r.model): {name: getattr(r, name) for name in (*MODEL_COUNTERS, *AMOUNTS)}
            for r in db.session.execute(sa.select(StatsByModel)).scalars()
        }
        db.session.commit()
    return days, models


def recounted_stats(app, owner_id: uuid.UUID) -> dict:
    """GET /api/media/stats as a full recount of the owner's rows gives it."""
    today = datetime.now(UTC).date()
    first_day = today - timedelta(days=364)
    rows = [r for r in _rows(app) if r.owner_id == owner_id]
    live = [r for r in rows if r.deleted_at is None]
    per_model = Counter(r.model for r in live)
    per_day = Counter(r.created_at.astimezone(UTC).date() for r in live)
    top = sorted(per_model.items(), key=lambda item: (-item[1], item[0]))[:10]
    return {
        "spend": recounted_spend(live, first_day),
        "total": len(live),
        "byType": {t: sum(r.type == t for r in live) for t in ("image", "video")},
        "favorites": sum(bool(r.favorite) for r in live),
        "trash": len(rows) - len(live),
        "missing": sum(r.archive_status in ("failed", "expired") for r in live),
        "storageBytes": sum(r.archive_bytes or 0 for r in rows if r.archive_sha256),
        "byModel": [{"model": m, "count": n} for m, n in top],
        "byDay": [
            {"date": d.isoformat(), "count": per_day.get(d, 0)}
            for d in (first_day + timedelta(days=i) for i in range(365))
        ],
    }


def recounted_spend(live: list, first_day: date) -> dict:
    """The stats' `spend` as a recount of the owner's live rows gives it."""

    def amounts(rows) -> dict:
        return {
            "costUsd": amount_to_wire(sum((r.cost_usd or Decimal(0) for r in rows), Decimal(0))),
            "credits": amount_to_wire(sum((r.credits or Decimal(0) for r in rows), Decimal(0))),
        }

    by_model, by_day = defaultdict(list), defaultdict(list)
    for r in live:
        by_model[r.model].append(r)
        by_day[r.created_at.astimezone(UTC).date()].append(r)
    models = [
        (
            sum((r.cost_usd or 0 for r in rows), Decimal(0)),
            sum((r.credits or 0 for r in rows), 0),
            m,
        )
        for m, rows in by_model.items()
    ]
    models = sorted((m for m in models if m[0] or m[1]), key=lambda m: (-m[0], -m[1], m[2]))
    days = sorted(
        d
        for d, rows in by_day.items()
        if d >= first_day and any(r.cost_usd or r.credits for r in rows)
    )
    return {
        **amounts(live),
        "byModel": [{"model": m, **amounts(by_model[m])} for _, _, m in models[:10]],
        "byDay": [{"date": d.isoformat(), **amounts(by_day[d])} for d in days],
    }


def owner_of(client, app) -> uuid.UUID:
    """The owner_id behind a client (guest or account), from one of its saved records."""
    media_id = saved_id(save(client, image_payload(model="probe")))
    with app.app_context():
        owner_id = db.session.execute(
            sa.select(GM.owner_id).where(GM.id == uuid.UUID(media_id))
        ).scalar_one()
        db.session.execute(sa.delete(GM).where(GM.owner_id == owner_id, GM.model == "probe"))
        db.session.commit()
    return owner_id


def assert_exact(app, *clients) -> None:
    """The rollups equal the recount for every owner, and each client's stats answer too."""
    assert stored_rollups(app) == recounted_rollups(app)
    for client, owner_id in clients:
        assert client.get("/api/media/stats").get_json()["data"] == recounted_stats(app, owner_id)


@pytest.fixture
def person(app, client):
    """A client with a few items over three days and two models, and its owner_id."""
    now = datetime.now(UTC)
    items = [
        image_payload(model="flux", createdAt=(now - timedelta(days=d)).isoformat(), **cost)
        for d, cost in (
            (0, {"costUsd": 0.1, "provider": "replicate"}),
            (0, {"costUsd": 0.2, "credits": 3}),
            (2, {}),
        )
    ] + [
        video_payload(
            model="veo", createdAt=(now - timedelta(days=2)).isoformat(), costUsd=1.0000000003
        )
    ]
    client.post("/api/media/import", json={"items": items})
    return client, owner_of(client, app)


def ids(client) -> list[str]:
    return [m["id"] for m in client.get("/api/media/list").get_json()["data"]]


def test_saving_counts_the_item_and_a_replay_counts_nothing_more(app, person):
    client, _ = person
    payload = image_payload(model="new-model")

    save(client, payload)
    save(client, payload)

    assert_exact(app, person)
    stats = client.get("/api/media/stats").get_json()["data"]
    assert stats["total"] == 5 and {"model": "new-model", "count": 1} in stats["byModel"]


def test_favoriting_and_unfavoriting_move_the_favorites_count(app, person):
    client, _ = person
    first, second = ids(client)[:2]

    client.patch(f"/api/media/{first}", json={"favorite": True})
    client.patch(f"/api/media/{second}", json={"favorite": True})
    client.patch(f"/api/media/{second}", json={"favorite": False})

    assert_exact(app, person)
    assert client.get("/api/media/stats").get_json()["data"]["favorites"] == 1


def test_trashing_moves_an_item_from_its_day_and_model_to_the_trash(app, person):
    client, _ = person
    video = next(m["id"] for m in client.get("/api/media/list?type=video").get_json()["data"])

    client.delete(f"/api/media/{video}")

    assert_exact(app, person)
    stats = client.get("/api/media/stats").get_json()["data"]
    assert stats["trash"] == 1 and stats["byType"]["video"] == 0
    assert [m["model"] for m in stats["byModel"]] == ["flux"]


def test_restoring_puts_it_back_where_it_was_counted(app, person):
    client, _ = person
    media_id = ids(client)[0]
    client.patch(f"/api/media/{media_id}", json={"favorite": True})
    client.delete(f"/api/media/{media_id}")

    client.post(f"/api/media/{media_id}/restore")

    assert_exact(app, person)
    stats = client.get("/api/media/stats").get_json()["data"]
    assert stats["trash"] == 0 and stats["favorites"] == 1 and stats["total"] == 4


def test_deleting_for_good_and_emptying_the_trash_leave_no_count_behind(app, person):
    client, _ = person
    first, second, *_ = ids(client)
    client.delete(f"/api/media/{second}")

    client.delete(f"/api/media/{first}?permanent=true")
    client.post("/api/media/trash/empty")

    assert_exact(app, person)
    assert client.get("/api/media/stats").get_json()["data"]["total"] == 2


def test_the_daily_purge_takes_old_trash_out_of_every_owners_counts(app, runner, person):
    client, _ = person
    other = app.test_client()
    other_owner = owner_of(other, app)
    for trashed in (ids(client)[0], saved_id(save(other))):
        for c in (client, other):
            c.delete(f"/api/media/{trashed}")
    with app.app_context():
        db.session.execute(sa.update(GM).values(deleted_at=datetime.now(UTC) - timedelta(days=40)))
        db.session.execute(sa.update(GM).where(GM.model == "veo").values(deleted_at=None))
        db.session.commit()

    runner.invoke(args=["media", "purge-trash", "--older-than", "30"])

    assert_exact(app, person, (other, other_owner))
    stats = client.get("/api/media/stats").get_json()["data"]
    assert stats["trash"] == 0 and stats["total"] == 1


@pytest.mark.parametrize("action", ["delete", "favorite", "purge"])
def test_bulk_actions_keep_the_counts_exact(app, person, action):
    client, _ = person
    chosen = ids(client)[:3]

    client.post("/api/media/bulk", json={"action": action, "ids": chosen})

    assert_exact(app, person)


def test_bulk_restore_and_unfavorite_keep_the_counts_exact(app, person):
    client, _ = person
    chosen = ids(client)
    client.post("/api/media/bulk", json={"action": "favorite", "ids": chosen})
    client.post("/api/media/bulk", json={"action": "delete", "ids": chosen[:2]})

    client.post("/api/media/bulk", json={"action": "restore", "ids": chosen[:1]})
    client.post("/api/media/bulk", json={"action": "unfavorite", "ids": chosen[1:3]})

    assert_exact(app, person)


def test_pruning_keeps_the_counts_exact(app, person):
    client, _ = person
    client.patch(f"/api/media/{ids(client)[0]}", json={"favorite": True})

    client.post("/api/media/prune", json={"confirm": True})

    assert_exact(app, person)
    stats = client.get("/api/media/stats").get_json()["data"]
    assert stats["total"] == 1 and stats["trash"] == 3


def test_an_import_counts_each_item_on_its_own_day_and_a_second_import_adds_nothing(app, client):
    now = datetime.now(UTC)
    items = [
        image_payload(model=f"m{d % 3}", createdAt=(now - timedelta(days=d, hours=d)).isoformat())
        for d in range(0, 400, 7)  # reaching back past the 365 days the heatmap shows
    ]
    items.append(
        image_payload(
            model="m9", url="https://cdn.example.com/9.png", requestId=None, favorite=True
        )
    )
    owner_id = owner_of(client, app)

    client.post("/api/media/import", json={"items": items})
    client.post("/api/media/import", json={"items": items})

    assert_exact(app, (client, owner_id))
    stats = client.get("/api/media/stats").get_json()["data"]
    assert stats["total"] == len(items) and stats["favorites"] == 1


def test_adopting_a_guests_history_moves_its_counts_to_the_account(app):
    account = app.test_client()
    account.post("/api/auth/register", json={"email": "a@example.com", "password": PASSWORD})
    account_owner = owner_of(account, app)
    same = image_payload(model="flux", costUsd=0.3)
    clash = image_payload(model="flux", costUsd=0.7, credits=2.5)
    save(account, same)
    save(account, clash)
    guest = app.test_client()
    guest_owner = owner_of(guest, app)
    save(guest, same)  # the same media: merges into the account's
    save(guest, {**clash, "url": "https://cdn.example.com/another.png"})  # kept beside it
    guest.delete(f"/api/media/{saved_id(save(guest, video_payload(model='veo', costUsd=9)))}")

    guest.post("/api/auth/login", json={"email": "a@example.com", "password": PASSWORD})

    assert_exact(app, (guest, account_owner))
    stats = guest.get("/api/media/stats").get_json()["data"]
    assert stats["total"] == 3 and stats["trash"] == 1
    days, models = stored_rollups(app)
    assert not any(owner == guest_owner for owner, _ in [*days, *models])


def test_deleting_an_account_takes_its_counts_with_it(app):
    account = app.test_client()
    account.post("/api/auth/register", json={"email": "b@example.com", "password": PASSWORD})
    save(account, image_payload(costUsd=0.05))
    save(account, video_payload(credits=12))

    with app.app_context():
        db.session.execute(sa.text("DELETE FROM users"))  # cascades to generated_media
        db.session.commit()

    assert stored_rollups(app) == ({}, {}) == recounted_rollups(app)


def png(color=(40, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return out.getvalue()


def test_kept_copies_add_their_bytes_and_failed_ones_count_as_missing(app, client):
    owner_id = owner_of(client, app)
    metadata = image_payload(model="uploaded")
    metadata.pop("url")
    upload = {"file": (io.BytesIO(png()), "a.png"), "metadata": json.dumps(metadata)}
    client.post("/api/media/upload", data=upload, content_type="multipart/form-data")
    save(client, image_payload(url="http://127.0.0.1:9/refused.png"))  # a private address
    trashed = saved_id(save(client, image_payload(url="http://127.0.0.1:9/also-refused.png")))
    client.delete(f"/api/media/{trashed}")

    with app.app_context():
        jobs.run_due()

    assert_exact(app, (client, owner_id))
    stats = client.get("/api/media/stats").get_json()["data"]
    assert stats["missing"] == 1 and stats["storageBytes"] == len(png())


def test_the_demo_history_archived_from_the_static_folder_is_counted_exactly(app, client):
    client.post("/demo")
    owner_id = owner_of(client, app)

    with app.app_context():
        jobs.run_due()

    assert_exact(app, (client, owner_id))
    assert client.get("/api/media/stats").get_json()["data"]["storageBytes"] > 0


def test_the_models_list_reads_the_same_counts(app, person):
    client, _ = person
    client.delete(f"/api/media/{ids(client)[0]}")

    models = client.get("/api/media/models").get_json()["data"]

    assert models == recounted_stats(app, person[1])["byModel"]


# --- the migration fills the rollups from the rows already there -----------------------------


@pytest.fixture
def at_0005(database_url, tmp_path):
    url = empty_database_url(database_url, tmp_path, "rollups")
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="0005")
    return app


OLD_COLUMNS = (
    "owner_id",
    "id",
    "type",
    "url",
    "prompt",
    "model",
    "settings",
    "created_at",
    "favorite",
    "deleted_at",
    "archive_status",
    "archive_sha256",
    "archive_bytes",
)


def test_upgrading_fills_the_rollups_from_the_existing_history(at_0005):
    owners = [uuid.uuid4(), uuid.uuid4()]
    base = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    with at_0005.app_context():
        # The columns of revision 0005 only (later ones, with their Python defaults, are not
        # there yet).
        old_table = sa.table(
            "generated_media",
            *(sa.column(name, GM.__table__.c[name].type) for name in OLD_COLUMNS),
        )
        db.session.execute(
            sa.insert(old_table),
            [
                {
                    "owner_id": owners[i % 2],
                    "id": uuid.uuid4(),
                    "type": "video" if i % 3 == 0 else "image",
                    "url": f"/x/{i}.png",
                    "prompt": "p",
                    "model": f"model-{i % 4}",
                    "settings": {},
                    "created_at": base - timedelta(minutes=40 * i),  # across midnight UTC
                    "favorite": i % 5 == 0,
                    "deleted_at": base if i % 7 == 0 else None,
                    "archive_status": ("stored", "failed", "pending")[i % 3],
                    "archive_sha256": f"{i:064x}" if i % 3 == 0 else None,
                    "archive_bytes": 1000 + i if i % 3 == 0 else None,
                }
                for i in range(60)
            ],
        )
        db.session.commit()

        flask_migrate.upgrade()

    days, models = stored_rollups(at_0005)
    assert (days, models) == recounted_rollups(at_0005)
    assert {day for _, day in days} == {date(2026, 11, 30), date(2026, 11, 29)}
