"""Counts that describe an owner's history, computed in SQL."""

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from ..extensions import db
from ..identity import Owner
from ..models import GeneratedMedia as GM
from ..models import utcnow
from .media import LIVE, TRASHED, day_start

DAYS = 365
TOP_MODELS = 10


def _day(column):
    """The UTC calendar day of a timestamp, as text 'YYYY-MM-DD', on either dialect."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM-DD")
    return sa.func.strftime("%Y-%m-%d", column)


def media_stats(owner: Owner, *, today: date | None = None) -> dict[str, Any]:
    """Counts by type, top models, by day for the last 365 days, favorites and trash.

    Owner-scoped; four grouped queries over the owner's index ranges, no rows in Python.
    """
    today = today or utcnow().date()
    first_day = today - timedelta(days=DAYS - 1)
    scoped = owner.scope(
        sa.select(GM.type, GM.favorite, TRASHED.label("trashed"), sa.func.count()).group_by(
            GM.type, GM.favorite, "trashed"
        )
    )
    by_type = {"image": 0, "video": 0}
    favorites = trashed = 0
    for media_type, favorite, is_trashed, count in db.session.execute(scoped):
        if is_trashed:
            trashed += count
            continue
        by_type[media_type] += count
        favorites += count if favorite else 0

    models = db.session.execute(
        owner.scope(sa.select(GM.model, sa.func.count().label("n")))
        .where(LIVE)
        .group_by(GM.model)
        .order_by(sa.desc("n"), GM.model)
        .limit(TOP_MODELS)
    ).all()

    day = _day(GM.created_at).label("day")
    per_day = dict(
        db.session.execute(
            owner.scope(sa.select(day, sa.func.count()))
            .where(LIVE, GM.created_at >= day_start(first_day))
            .group_by(day)
        ).all()
    )
    days = [
        {"date": d.isoformat(), "count": per_day.get(d.isoformat(), 0)}
        for d in (first_day + timedelta(days=i) for i in range(DAYS))
    ]
    return {
        "total": sum(by_type.values()),
        "byType": by_type,
        "byModel": [{"model": m, "count": n} for m, n in models],
        "byDay": days,
        "favorites": favorites,
        "trash": trashed,
    }
