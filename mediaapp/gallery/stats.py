"""The stats page: totals, a year's heatmap and the top models, drawn on the server."""

from flask import render_template

from ..identity import current_owner
from ..models import utcnow
from ..services import stats as stats_service
from . import bp, charts


@bp.get("/stats")
def stats():
    today = utcnow().date()
    numbers = stats_service.media_stats(current_owner(mint=False), today=today)
    return render_template(
        "gallery/stats.html",
        totals=charts.totals(numbers),
        heatmap=charts.heatmap(numbers["byDay"]),
        models=charts.bar_chart(numbers["byModel"]),
        spend=charts.spend(numbers, today=today),
    )
