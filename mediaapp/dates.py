"""The calendar mediaapp keeps dates in, and reading stored dates that fall outside it.

Every date that comes in (an imported `createdAt`, a date filter, a cursor) is converted to
UTC and held between EARLIEST and LATEST by the schema fields in schemas.py. The bounds keep a
day of headroom inside the calendar Python can represent (years 1 to 9999), so any date mediaapp
stores can still be shown in another time zone (±14 h) and "the day after" still exists.

A row written before these bounds (or by hand) may still hold a date Python cannot represent,
such as year 10000 in UTC. Reading it must never break the owner's views, so the drivers hand
such values back clamped to the bounds instead of raising.
"""

from datetime import UTC, date, datetime, time

EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(9999, 12, 30)
EARLIEST = datetime.combine(EARLIEST_DAY, time.min, tzinfo=UTC)
LATEST = datetime.combine(LATEST_DAY, time.max, tzinfo=UTC)
BOUNDS_TEXT = f"between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()} (UTC)"

# PostgreSQL's type OIDs for the values psycopg2 turns into date and datetime objects.
_DATE_OID, _TIMESTAMP_OID, _TIMESTAMPTZ_OID = 1082, 1114, 1184


def _is_before_the_calendar(text: str) -> bool:
    """Whether an unrepresentable date as text lies before year 1 (BC, or -infinity)."""
    text = text.strip()
    return text.endswith(" BC") or text.startswith("-")


def register_tolerant_dates(dbapi_connection) -> None:
    """Make a psycopg2 connection read dates past year 9999 or before year 1 as the bounds.

    psycopg2 raises ValueError for them (PostgreSQL keeps years up to 294276), which would
    fail every query that reads such a row: the owner's list, gallery, stats and deletes.
    """
    import psycopg2.extensions as ext

    def tolerant(name: str, oid: int, parse, low, high):
        def cast(value: str | None, cursor):
            if value is None:
                return None
            try:
                return parse(value, cursor)
            except ValueError:
                return low if _is_before_the_calendar(value) else high

        ext.register_type(ext.new_type((oid,), name, cast), dbapi_connection)

    naive_low, naive_high = EARLIEST.replace(tzinfo=None), LATEST.replace(tzinfo=None)
    tolerant("TOLERANT_DATE", _DATE_OID, ext.PYDATE, EARLIEST_DAY, LATEST_DAY)
    tolerant("TOLERANT_TIMESTAMP", _TIMESTAMP_OID, ext.PYDATETIME, naive_low, naive_high)
    tolerant("TOLERANT_TIMESTAMPTZ", _TIMESTAMPTZ_OID, ext.PYDATETIMETZ, EARLIEST, LATEST)


def tolerant_sqlite_reader(parse):
    """Wrap the reading of a SQLite timestamp (parse: text to an aware UTC datetime): stored
    text it cannot read becomes a bound, since SQLite keeps whatever text it was given."""

    def read(value):
        try:
            return parse(value)
        except ValueError:
            year = value.split("-", 1)[0] if isinstance(value, str) else ""
            before = not year.isdigit() or int(year) < EARLIEST.year
            return EARLIEST if before else LATEST

    return read
