"""Counts that describe an owner's history, read from the rollups the database keeps.

`stats_by_day` and `stats_by_model` (models.StatsByDay, StatsByModel) are kept exact by
triggers on generated_media in every writer's own transaction (migration 0007), so a read
costs at most 365 day rows and one row per model, however long the history.
"""

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..identity import Owner
from ..models import StatsByDay, StatsByModel, utcnow
from ..schemas import amount_to_wire

DAYS = 365
TOP_MODELS = 10

COUNTERS = ("images", "videos", "favorites", "trashed", "missing", "stored_bytes")
AMOUNTS = ("cost_usd", "credits")


def model_counts(owner: Owner) -> list[sa.Row]:
    """The owner's stats_by_model rows with their `live` count, most used model first (ties
    by name, in the database's collation). Owner-scoped; one round trip."""
    live = (StatsByModel.images + StatsByModel.videos).label("live")
    columns = [
        StatsByModel.model,
        *(getattr(StatsByModel, name) for name in (*COUNTERS, *AMOUNTS)),
        live,
    ]
    stmt = owner.scope(sa.select(*columns), StatsByModel).order_by(live.desc(), StatsByModel.model)
    return db.session.execute(stmt).all()


def media_stats(owner: Owner, *, today: date | None = None) -> dict[str, Any]:
    """Counts by type, top models, by day for the last 365 days, favorites, trash, files
    not kept, bytes stored and spend (cost and credits, in total, by model and by day).
    Owner-scoped; reads two rollups, two round trips."""
    today = today or utcnow().date()
    first_day = today - timedelta(days=DAYS - 1)
    models = model_counts(owner)
    totals = {name: sum(getattr(row, name) for row in models) for name in (*COUNTERS, *AMOUNTS)}
    day_rows = db.session.execute(
        owner.scope(
            sa.select(StatsByDay.day, StatsByDay.items, *(getattr(StatsByDay, a) for a in AMOUNTS)),
            StatsByDay,
        )
        .where(StatsByDay.day >= first_day)
        .order_by(StatsByDay.day)
    ).all()
    per_day = {row.day: row.items for row in day_rows}
    days = [
        {"date": d.isoformat(), "count": per_day.get(d, 0)}
        for d in (first_day + timedelta(days=i) for i in range(DAYS))
    ]
    return {
        "total": totals["images"] + totals["videos"],
        "missing": totals["missing"],
        "storageBytes": int(totals["stored_bytes"]),
        "byType": {"image": totals["images"], "video": totals["videos"]},
        "byModel": [
            {"model": row.model, "count": row.live} for row in models[:TOP_MODELS] if row.live
        ],
        "byDay": days,
        "favorites": totals["favorites"],
        "trash": totals["trashed"],
        "spend": spend(totals, models, day_rows),
    }


def _amounts(source: Any) -> dict[str, Any]:
    get = source.get if isinstance(source, dict) else lambda name: getattr(source, name)
    return {"costUsd": amount_to_wire(get("cost_usd")), "credits": amount_to_wire(get("credits"))}


def spend(totals: dict[str, Any], models: list[sa.Row], day_rows: list[sa.Row]) -> dict:
    """What the live items cost: in total, per model (those with any cost, most dollars
    first, then most credits, then by name) and per UTC day of the last 365 with any."""
    priced = [row for row in models if row.cost_usd or row.credits]
    priced.sort(key=lambda row: (-row.cost_usd, -row.credits, row.model))
    return {
        **_amounts(totals),
        "byModel": [{"model": row.model, **_amounts(row)} for row in priced[:TOP_MODELS]],
        "byDay": [
            {"date": row.day.isoformat(), **_amounts(row)}
            for row in day_rows
            if row.cost_usd or row.credits
        ],
    }
