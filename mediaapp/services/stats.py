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
    """The UTC calendar day of a timestamp, on either dialect (a timestamp or 'YYYY-MM-DD')."""
    if db.session.get_bind().dialect.name == "postgresql":
        # date_trunc is far cheaper per row than formatting with to_char.
        return sa.func.date_trunc("day", sa.func.timezone("UTC", column))
    return sa.func.strftime("%Y-%m-%d", column)


def _day_key(value) -> str:
    return value if isinstance(value, str) else value.date().isoformat()


def media_stats(owner: Owner, *, today: date | None = None) -> dict[str, Any]:
    """Counts by type, top models, by day for the last 365 days, favorites and trash.

    Owner-scoped. Each count has the shape of one of the partial indexes (by type, favorites,
    trash, model, recent), so PostgreSQL can answer it from the index; no rows reach Python.
    """
    today = today or utcnow().date()
    first_day = today - timedelta(days=DAYS - 1)
    live = owner.scope(sa.select(GM.id)).where(LIVE)
    count = sa.func.count()

    by_type = {"image": 0, "video": 0}
    by_type.update(
        db.session.execute(
            owner.scope(sa.select(GM.type, count)).where(LIVE).group_by(GM.type)
        ).all()
    )
    favorites, trashed = db.session.execute(
        sa.select(
            sa.select(count)
            .select_from(live.where(GM.favorite == sa.true()).subquery())
            .scalar_subquery(),
            sa.select(count)
            .select_from(owner.scope(sa.select(GM.id)).where(TRASHED).subquery())
            .scalar_subquery(),
        )
    ).one()

    models = db.session.execute(
        owner.scope(sa.select(GM.model, count.label("n")))
        .where(LIVE)
        .group_by(GM.model)
        .order_by(sa.desc("n"), GM.model)
        .limit(TOP_MODELS)
    ).all()

    day = _day(GM.created_at).label("day")
    per_day = {
        _day_key(key): n
        for key, n in db.session.execute(
            owner.scope(sa.select(day, count))
            .where(LIVE, GM.created_at >= day_start(first_day))
            .group_by(day)
        )
    }
    days = [
        {"date": d.isoformat(), "count": per_day.get(d.isoformat(), 0)}
        for d in (first_day + timedelta(days=i) for i in range(DAYS))
    ]
    # The files not kept are a range of their own partial index, and the bytes stored are
    # summed from a covering one, without reading the table.
    missing = db.session.execute(
        sa.select(count).select_from(
            live.where(GM.archive_status.in_(("failed", "expired"))).subquery()
        )
    ).scalar_one()
    storage = db.session.execute(
        owner.scope(sa.select(sa.func.coalesce(sa.func.sum(GM.archive_bytes), 0))).where(
            GM.archive_sha256.is_not(None)  # the shape of ix_generated_media_stored_bytes
        )
    ).scalar_one()
    return {
        "total": sum(by_type.values()),
        "missing": missing,
        "storageBytes": int(storage),
        "byType": by_type,
        "byModel": [{"model": m, "count": n} for m, n in models],
        "byDay": days,
        "favorites": favorites,
        "trash": trashed,
    }
