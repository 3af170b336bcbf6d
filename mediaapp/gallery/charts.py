"""Geometry for the stats page's server-rendered SVG charts; templates only loop over it."""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

CELL = 12  # side of one day's square, in SVG user units
GAP = 3
STEP = CELL + GAP
LEFT = 30  # room for the weekday labels
TOP = 20  # room for the month labels
LEVELS = 4  # non-empty intensity levels; level 0 means "nothing that day"
WEEKDAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}  # every other row, as calendars do
BAR_ROW = 44  # height of one model's row: its label line and its bar
BAR_HEIGHT = 12
MODEL_LABEL_CHARS = 40


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    day: date
    count: int
    level: int
    date_text: str
    label: str  # "3 items on Mon 3 Mar 2025", the cell's <title>


@dataclass(frozen=True)
class Heatmap:
    cells: list[HeatCell]
    months: list[dict[str, Any]]
    weekdays: list[dict[str, Any]]
    legend: list[dict[str, Any]]
    width: int
    height: int
    total: int
    active_days: int
    summary: str
    cell: int = CELL


@dataclass(frozen=True)
class Bar:
    model: str
    label: str  # the model's name, shortened to fit
    count: int
    count_text: str
    percent: float  # of the widest bar, which is the most used model
    share: float  # of all items the top models account for
    text_y: int
    bar_y: int


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    bar_height: int = BAR_HEIGHT
    bar_radius: int = BAR_HEIGHT // 2


def day_label(day: date) -> str:
    """'Mon 3 Mar 2025', the same in every locale the server runs in."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def items_label(count: int) -> str:
    return f"{count:,} item{'' if count == 1 else 's'}" if count else "No items"


def totals(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """The headline numbers of media_stats, labelled, with their text for the page."""
    numbers = (
        ("total", "Items", stats["total"]),
        ("image", "Images", stats["byType"]["image"]),
        ("video", "Videos", stats["byType"]["video"]),
        ("favorites", "Favorites", stats["favorites"]),
        ("trash", "In the trash", stats["trash"]),
        ("missing", "Files not kept", stats["missing"]),
    )
    cards = [{"key": k, "label": label, "value": v, "text": f"{v:,}"} for k, label, v in numbers]
    stored = stats["storageBytes"]
    cards.append(
        {"key": "storage", "label": "Stored", "value": stored, "text": readable_bytes(stored)}
    )
    return cards


def readable_bytes(n: int) -> str:
    """1,536 bytes as "1.5 KB"; decimal units, as file managers show sizes."""
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:,} bytes" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return ""


def level_of(count: int, peak: int) -> int:
    """0 for an empty day; otherwise 1..LEVELS by the share of the busiest day's count."""
    if count <= 0 or peak <= 0:
        return 0
    return max(1, min(LEVELS, math.ceil(LEVELS * count / peak)))


def level_ranges(peak: int) -> list[dict[str, Any]]:
    """The legend: each level in use with the counts it stands for (e.g. '4–6 items').

    A small peak leaves some levels without any count (peak 2 uses levels 2 and 4 only):
    those are left out rather than shown with a range that cannot happen.
    """
    legend = [{"level": 0, "text": "No items"}]
    for level in range(1, LEVELS + 1):
        low = max(1, math.floor(peak * (level - 1) / LEVELS) + 1)
        high = math.floor(peak * level / LEVELS)
        if high < low:
            continue
        text = items_label(low) if low == high else f"{low:,}–{high:,} items"
        legend.append({"level": level, "text": text})
    return legend


def heatmap(by_day: list[dict[str, Any]]) -> Heatmap:
    """A calendar of weeks (columns, Monday on top) for stats' `byDay` list, oldest first."""
    days = [(date.fromisoformat(d["date"]), int(d["count"])) for d in by_day]
    if not days:
        raise ValueError("heatmap needs at least one day")
    first_day, last_day = days[0][0], days[-1][0]
    first_monday = first_day - timedelta(days=first_day.weekday())
    peak = max(count for _, count in days)
    cells = []
    for day, count in days:
        column = (day - first_monday).days // 7
        cells.append(
            HeatCell(
                x=LEFT + column * STEP,
                y=TOP + day.weekday() * STEP,
                day=day,
                count=count,
                level=level_of(count, peak),
                date_text=day_label(day),
                label=f"{items_label(count)} on {day_label(day)}",
            )
        )
    columns = (last_day - first_monday).days // 7 + 1

    # A month is named above the first week that starts in it; a label crowded by the next
    # one (the partial month the year begins with) or by the right edge is left out.
    labels, previous = [], None
    for column in range(columns):
        start = max(first_monday + timedelta(weeks=column), first_day)
        if (start.year, start.month) != previous:
            labels.append({"column": column, "x": LEFT + column * STEP, "text": f"{start:%b}"})
            previous = (start.year, start.month)
    months = [
        label
        for i, label in enumerate(labels)
        if (i + 1 == len(labels) or labels[i + 1]["column"] - label["column"] >= 3)
        and label["column"] <= columns - 2
    ]
    weekdays = [
        {"y": TOP + row * STEP + CELL - 2, "text": text} for row, text in WEEKDAY_LABELS.items()
    ]
    active = [cell for cell in cells if cell.count]
    total = sum(cell.count for cell in cells)
    summary = "Nothing was generated in these 365 days"
    if active:
        busiest = max(active, key=lambda c: (c.count, c.day))
        summary = (
            f"{items_label(total)} on {len(active)} day{'' if len(active) == 1 else 's'}; "
            f"the busiest was {busiest.date_text}, with {items_label(busiest.count)}"
        )
    return Heatmap(
        cells=cells,
        months=months,
        weekdays=weekdays,
        legend=level_ranges(peak),
        width=LEFT + columns * STEP - GAP,
        height=TOP + 7 * STEP - GAP,
        total=total,
        active_days=len(active),
        summary=summary + ".",
    )


def bar_chart(by_model: list[dict[str, Any]]) -> BarChart:
    """Horizontal bars for stats' `byModel` list (most used first), scaled to the first."""
    peak = max((int(m["count"]) for m in by_model), default=0)
    total = sum(int(m["count"]) for m in by_model)
    bars = []
    for row, item in enumerate(by_model):
        count = int(item["count"])
        model = str(item["model"])
        label = model if len(model) <= MODEL_LABEL_CHARS else model[: MODEL_LABEL_CHARS - 1] + "…"
        bars.append(
            Bar(
                model=model,
                label=label,
                count=count,
                count_text=f"{count:,}",
                percent=round(100 * count / peak, 2) if peak else 0,
                share=round(100 * count / total, 1) if total else 0,
                text_y=row * BAR_ROW + 15,
                bar_y=row * BAR_ROW + 22,
            )
        )
    return BarChart(bars=bars, height=len(bars) * BAR_ROW)


# --- spend ---------------------------------------------------------------------------------

SPEND_DAYS = 30  # the daily columns show the last month
COLUMN_WIDTH = 100 / SPEND_DAYS  # percent of the chart's width per day
COLUMN_HEIGHT = 120


def money(value: float | int) -> str:
    """US dollars as people read them, to the digit the amount has (up to a millionth):
    "$2.50", "$1,234.00", "$0.0023", so a cheap generation does not read as free."""
    whole, _, cents = f"{value:,.6f}".partition(".")
    cents = cents.rstrip("0").ljust(2, "0")
    return f"${whole}.{cents}"


def credits_text(value: float | int) -> str:
    number = f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{number} credit{'' if value == 1 else 's'}"


def spend_text(cost_usd: float | int, credits: float | int) -> str:
    """ "$2.50", "4 credits", "$2.50 and 4 credits" or "Nothing"."""
    parts = [money(cost_usd)] if cost_usd else []
    parts += [credits_text(credits)] if credits else []
    return " and ".join(parts) or "Nothing"


@dataclass(frozen=True)
class SpendColumn:
    x: float  # percent
    y: int
    height: int
    date_text: str
    text: str  # what it cost that day, for its <title> and the table


@dataclass(frozen=True)
class Spend:
    total_text: str
    has_any: bool
    unit: str  # what the bars and the columns measure: "US dollars" or "credits"
    bars: BarChart
    columns: list[SpendColumn]
    days_summary: str
    column_width: float = COLUMN_WIDTH
    chart_height: int = COLUMN_HEIGHT


def spend(stats: dict[str, Any], *, today: date) -> Spend:
    """The stats' `spend`: its total, bars per model and a column per day of the last 30,
    measured in dollars, or in credits when no item has a dollar cost."""
    numbers = stats["spend"]
    in_dollars = bool(numbers["costUsd"]) or not numbers["credits"]
    key = "costUsd" if in_dollars else "credits"
    by_model = [m for m in numbers["byModel"] if m[key]]
    peak = max((m[key] for m in by_model), default=0)
    total = sum(m[key] for m in by_model)
    bars = [
        Bar(
            model=item["model"],
            label=item["model"]
            if len(item["model"]) <= MODEL_LABEL_CHARS
            else item["model"][: MODEL_LABEL_CHARS - 1] + "…",
            count=0,
            count_text=spend_text(item["costUsd"], item["credits"]),
            percent=round(100 * item[key] / peak, 2) if peak else 0,
            share=round(100 * item[key] / total, 1) if total else 0,
            text_y=row * BAR_ROW + 15,
            bar_y=row * BAR_ROW + 22,
        )
        for row, item in enumerate(by_model)
    ]
    first_day = today - timedelta(days=SPEND_DAYS - 1)
    per_day = {d["date"]: d for d in numbers["byDay"]}
    day_values = [
        (first_day + timedelta(days=i), per_day.get((first_day + timedelta(days=i)).isoformat()))
        for i in range(SPEND_DAYS)
    ]
    day_peak = max((d[key] for _, d in day_values if d), default=0)
    columns = []
    for i, (day, item) in enumerate(day_values):
        value = item[key] if item else 0
        height = round(COLUMN_HEIGHT * value / day_peak) if day_peak else 0
        if value and height < 2:
            height = 2  # a day with a cost stays visible
        columns.append(
            SpendColumn(
                x=round(i * COLUMN_WIDTH, 3),
                y=COLUMN_HEIGHT - height,
                height=height,
                date_text=day_label(day),
                text=spend_text(item["costUsd"], item["credits"]) if item else "Nothing",
            )
        )
    spent_days = [c for c in columns if c.height]
    return Spend(
        total_text=spend_text(numbers["costUsd"], numbers["credits"]),
        has_any=bool(numbers["costUsd"] or numbers["credits"]),
        unit="US dollars" if in_dollars else "credits",
        bars=BarChart(bars=bars, height=len(bars) * BAR_ROW),
        columns=columns,
        days_summary=(
            f"Costs on {len(spent_days)} of the last {SPEND_DAYS} days"
            if spent_days
            else f"No costs in the last {SPEND_DAYS} days"
        )
        + ", in UTC days.",
    )
