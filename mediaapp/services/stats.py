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

DAYS = 365
TOP_MODELS = 10

COUNTERS = ("images", "videos", "favorites", "trashed", "missing", "stored_bytes")


def model_counts(owner: Owner) -> list[sa.Row]:
    """The owner's stats_by_model rows with their `live` count, most used model first (ties
    by name, in the database's collation). Owner-scoped; one round trip."""
    live = (StatsByModel.images + StatsByModel.videos).label("live")
    columns = [StatsByModel.model, *(getattr(StatsByModel, name) for name in COUNTERS), live]
    stmt = owner.scope(sa.select(*columns), StatsByModel).order_by(live.desc(), StatsByModel.model)
    return db.session.execute(stmt).all()


def media_stats(owner: Owner, *, today: date | None = None) -> dict[str, Any]:
    """Counts by type, top models, by day for the last 365 days, favorites, trash, files
    not kept and bytes stored. Owner-scoped; reads two rollups, two round trips."""
    today = today or utcnow().date()
    first_day = today - timedelta(days=DAYS - 1)
    models = model_counts(owner)
    totals = {name: sum(getattr(row, name) for row in models) for name in COUNTERS}
    per_day = dict(
        db.session.execute(
            owner.scope(sa.select(StatsByDay.day, StatsByDay.items), StatsByDay).where(
                StatsByDay.day >= first_day
            )
        ).all()
    )
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
    }
