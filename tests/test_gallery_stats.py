"""The stats page: totals as text, a 365-day heatmap and a top-models chart in SVG."""

import re
from datetime import UTC, date, datetime, timedelta

from mediaapp.gallery import charts
from tests.conftest import image_payload, save, video_payload

HEATMAP = re.compile(r'<svg class="heatmap".*?</svg>', re.S)
DAY_CELL = re.compile(
    r'<rect class="heat-cell heat-(\d)" x="(\d+)" y="(\d+)"[^>]*'
    r'data-date="([\d-]+)" data-count="(\d+)"><title>([^<]+)</title></rect>'
)


def seed_history(client) -> datetime:
    """3 flux images (2 today, 1 three days ago), 1 veo video today, 1 favorite, 1 trashed."""
    now = datetime.now(UTC)
    items = [
        image_payload(model="flux", createdAt=(now - timedelta(days=d)).isoformat())
        for d in (0, 0, 3)
    ] + [video_payload(model="veo", createdAt=now.isoformat())]
    assert client.post("/api/media/import", json={"items": items}).status_code == 200
    first = client.get("/api/media/list").get_json()["data"][0]["id"]
    client.patch(f"/api/media/{first}", json={"favorite": True})
    client.delete(f"/api/media/{save(client).get_json()['data']['id']}")
    return now


def stat(html: str, key: str) -> str:
    return re.search(rf'id="stat-{key}">([^<]+)<', html).group(1)


def test_the_stats_page_shows_the_totals_as_text(client):
    seed_history(client)

    html = client.get("/stats").get_data(as_text=True)

    assert [stat(html, k) for k in ("total", "image", "video", "favorites", "trash")] == [
        "4",
        "3",
        "1",
        "1",
        "1",
    ]


def test_the_heatmap_has_365_day_cells_each_with_its_date_and_count(client):
    now = seed_history(client)

    svg = HEATMAP.search(client.get("/stats").get_data(as_text=True)).group(0)

    cells = DAY_CELL.findall(svg)
    assert len(cells) == 365
    by_date = {cell[3]: cell for cell in cells}
    today = by_date[now.date().isoformat()]
    assert today[4] == "3" and today[5].startswith("3 items on ")
    assert today[0] == "4"  # the busiest day has the strongest colour
    assert by_date[(now - timedelta(days=3)).date().isoformat()][4] == "1"
    assert by_date[(now - timedelta(days=1)).date().isoformat()][0] == "0"


def test_the_heatmap_is_53_weeks_of_7_days_with_month_labels(client):
    svg = HEATMAP.search(client.get("/stats").get_data(as_text=True)).group(0)

    cells = DAY_CELL.findall(svg)
    assert len({x for _, x, *_ in cells}) == 53
    assert len({y for _, _, y, *_ in cells}) == 7
    assert len(re.findall(r'<text class="heatmap__month"', svg)) >= 11


def test_the_heatmap_numbers_are_in_a_table_too(client):
    now = seed_history(client)

    html = client.get("/stats").get_data(as_text=True)

    table = re.search(r'<table class="data-table__table">.*?</table>', html, re.S).group(0)
    rows = re.findall(r'<time datetime="([\d-]+)">[^<]+</time></th><td>(\d+)</td>', table)
    assert rows == [
        (now.date().isoformat(), "3"),
        ((now - timedelta(days=3)).date().isoformat(), "1"),
    ]
    assert "4 items on 2 days" in html


def test_the_top_models_chart_draws_a_bar_per_model_scaled_to_the_first(client):
    seed_history(client)

    html = client.get("/stats").get_data(as_text=True)

    bars = re.findall(r'<rect class="bars__bar" x="0" y="\d+" width="([\d.]+)%"', html)
    assert bars == ["100.0", "33.33"]
    assert re.search(r'<th scope="row">flux</th><td>3</td><td>75.0%</td>', html)
    assert re.search(r'<th scope="row">veo</th><td>1</td><td>25.0%</td>', html)


def test_an_empty_history_shows_zeros_and_an_empty_calendar(client):
    html = client.get("/stats").get_data(as_text=True)

    assert stat(html, "total") == "0"
    assert "Nothing was generated in these 365 days." in html
    assert "No models yet" in html
    assert {cell[0] for cell in DAY_CELL.findall(html)} == {"0"}


def test_stats_are_owner_scoped(app, client):
    seed_history(client)

    html = app.test_client().get("/stats").get_data(as_text=True)

    assert stat(html, "total") == "0"


def test_heat_levels_split_the_busiest_days_count_in_four():
    levels = [charts.level_of(n, 8) for n in (0, 1, 2, 3, 4, 6, 8)]

    assert levels == [0, 1, 1, 2, 2, 3, 4]


def test_the_legend_names_the_counts_of_each_level():
    legend = charts.level_ranges(8)

    assert [step["text"] for step in legend] == [
        "No items",
        "1–2 items",
        "3–4 items",
        "5–6 items",
        "7–8 items",
    ]


def test_a_calendar_starting_midweek_still_fills_53_columns():
    first = date(2025, 1, 1)  # a Wednesday
    days = [{"date": (first + timedelta(days=i)).isoformat(), "count": 0} for i in range(365)]

    heatmap = charts.heatmap(days)

    assert heatmap.cells[0].y == heatmap.cells[7].y  # same weekday, one column on
    assert len({cell.x for cell in heatmap.cells}) == 53
    assert heatmap.months[0]["text"] == "Jan"


def test_the_legend_leaves_out_levels_a_small_peak_cannot_reach():
    legend = charts.level_ranges(2)

    assert legend == [
        {"level": 0, "text": "No items"},
        {"level": 2, "text": "1 item"},
        {"level": 4, "text": "2 items"},
    ]
    assert {charts.level_of(n, 2) for n in (1, 2)} == {2, 4}


def test_the_stats_page_shows_the_spend_in_total_by_model_and_by_day(client):
    now = datetime.now(UTC)
    items = [
        image_payload(model="flux", costUsd=0.5, createdAt=now.isoformat()),
        image_payload(model="flux", costUsd=0.0023, createdAt=now.isoformat()),
        video_payload(model="veo", costUsd=2, credits=3, createdAt=now.isoformat()),
    ]
    client.post("/api/media/import", json={"items": items})

    html = client.get("/stats").get_data(as_text=True)

    assert re.search(r'id="spend-total">\$2\.5023 and 3 credits<', html)
    assert re.findall(r'class="spend-model-value">([^<]+)<', html) == [
        "$2.00 and 3 credits",
        "$0.5023",
    ]
    assert f"$2.5023 and 3 credits on {charts.day_label(now.date())}" in html


def test_the_stats_page_says_how_to_record_costs_when_there_are_none(client):
    save(client)

    html = client.get("/stats").get_data(as_text=True)

    assert "No costs yet" in html and "spend-days" not in html


def test_the_detail_page_says_what_the_generation_cost_and_took(client):
    item = save(
        client,
        image_payload(provider="replicate", costUsd=0.0023, credits=1.5, durationMs=3210),
    ).get_json()["data"]

    html = client.get(f"/media/{item['id']}").get_data(as_text=True)

    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))
    assert facts["Provider"] == "replicate" and facts["Cost"] == "$0.0023"
    assert facts["Credits"] == "1.5 credits" and facts["Ran for"] == "3.2 s"


def test_the_detail_page_leaves_out_costs_never_sent(client):
    item = save(client).get_json()["data"]

    html = client.get(f"/media/{item['id']}").get_data(as_text=True)

    assert "<dt>Cost</dt>" not in html and "<dt>Provider</dt>" not in html
