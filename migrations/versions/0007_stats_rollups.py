"""keep each owner's stats in rollups that triggers hold exact

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

The stats (GET /api/media/stats and the stats page) counted an owner's whole history on every
read: 80-170 ms for 200,000 items. Two rollups now hold the same numbers, each keyed by
owner_id first:

- `stats_by_day` (owner_id, day): live items per UTC day of created_at, for the heatmap;
- `stats_by_model` (owner_id, model): live images and videos, live favorites, trashed items,
  live items whose file was not kept, and the bytes of kept copies (trash included), per
  model; summed over the owner's models they are the headline totals.

A read is then at most 365 day rows plus one row per model, whatever the history's length.
Triggers on generated_media keep both exact on every write, whichever code path makes it
(save, import, upload, the demo, favorites, trash, restore, purge, bulk actions, adopting a
guest's history, the archive job, an account's deletion cascading to its rows), in the
writer's own transaction. On PostgreSQL they are statement triggers over the transition
tables, so an import of 1,000 items or a purge applies one grouped change per key, in key
order (concurrent writers lock rollup rows in the same order); SQLite has row triggers only.
The rollups are filled from the existing rows here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLE = "generated_media"

# When one generated_media row ({r}) counts in each counter of its stats_by_model row.
MODEL_COUNTERS = {
    "images": "{r}.deleted_at IS NULL AND {r}.type = 'image'",
    "videos": "{r}.deleted_at IS NULL AND {r}.type = 'video'",
    "favorites": "{r}.deleted_at IS NULL AND {r}.favorite",
    "trashed": "{r}.deleted_at IS NOT NULL",
    "missing": "{r}.deleted_at IS NULL AND {r}.archive_status IN ('failed', 'expired')",
}
# The bytes it adds to stored_bytes: its kept copy's, in the trash too (they are still kept).
STORED_BYTES = (
    "CASE WHEN {r}.archive_sha256 IS NOT NULL THEN coalesce({r}.archive_bytes, 0) ELSE 0 END"
)
COUNTERS = (*MODEL_COUNTERS, "stored_bytes")
# The columns a change of which can move a count.
WATCHED = (
    "owner_id",
    "created_at",
    "model",
    "type",
    "favorite",
    "deleted_at",
    "archive_status",
    "archive_sha256",
    "archive_bytes",
)


def _tables() -> None:
    op.create_table(
        "stats_by_day",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "day", name="pk_stats_by_day"),
    )
    op.create_table(
        "stats_by_model",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in MODEL_COUNTERS),
        sa.Column("stored_bytes", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "model", name="pk_stats_by_model"),
    )


# --- PostgreSQL: statement triggers over transition tables -------------------------------

PG_DAY = "(r.created_at AT TIME ZONE 'UTC')::date"


def _pg_counter(expression: str) -> str:
    return f"sum(CASE WHEN {expression.format(r='r')} THEN r.sign ELSE 0 END)"


def _pg_changes(event: str) -> str:
    """The changed rows of one statement, each with +1 (it counts now) or -1 (it did)."""
    columns = ", ".join(WATCHED)
    new = f"SELECT {columns}, 1 AS sign FROM new_rows"
    old = f"SELECT {columns}, -1 AS sign FROM old_rows"
    return {"INSERT": new, "DELETE": old, "UPDATE": f"{new} UNION ALL {old}"}[event]


def _pg_function(event: str) -> str:
    changes = _pg_changes(event)
    counters = [_pg_counter(e) for e in MODEL_COUNTERS.values()]
    counters.append(f"sum({STORED_BYTES.format(r='r')} * r.sign)")
    any_change = " OR ".join(f"{c} <> 0" for c in counters)
    add = ", ".join(f"{name} = s.{name} + EXCLUDED.{name}" for name in COUNTERS)
    all_zero = " AND ".join(f"s.{name} = 0" for name in COUNTERS)
    cleanup = ""
    if event != "INSERT":  # a count that fell to zero leaves no row behind
        cleanup = f"""
      DELETE FROM stats_by_day s USING (SELECT DISTINCT r.owner_id, {PG_DAY} AS day
                                        FROM ({changes}) r) c
      WHERE s.owner_id = c.owner_id AND s.day = c.day AND s.items = 0;
      DELETE FROM stats_by_model s USING (SELECT DISTINCT r.owner_id, r.model
                                          FROM ({changes}) r) c
      WHERE s.owner_id = c.owner_id AND s.model = c.model AND {all_zero};"""
    return f"""
    CREATE FUNCTION stats_rollup_{event.lower()}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO stats_by_day AS s (owner_id, day, items)
      SELECT r.owner_id, {PG_DAY}, sum(r.sign) FROM ({changes}) r
      WHERE r.deleted_at IS NULL
      GROUP BY 1, 2 HAVING sum(r.sign) <> 0 ORDER BY 1, 2
      ON CONFLICT (owner_id, day) DO UPDATE SET items = s.items + EXCLUDED.items;
      INSERT INTO stats_by_model AS s (owner_id, model, {", ".join(COUNTERS)})
      SELECT r.owner_id, r.model, {", ".join(counters)} FROM ({changes}) r
      GROUP BY 1, 2 HAVING {any_change} ORDER BY 1, 2
      ON CONFLICT (owner_id, model) DO UPDATE SET {add};{cleanup}
      RETURN NULL;
    END $$"""


def _pg_trigger(event: str) -> str:
    tables = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }[event]
    return (
        f"CREATE TRIGGER stats_rollup_{event.lower()} AFTER {event} ON {TABLE} "
        f"REFERENCING {tables} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION stats_rollup_{event.lower()}()"
    )


# --- SQLite: row triggers -----------------------------------------------------------------


# SQLite's date() is NULL past year 9999 or before year 0: a row stored with such a date
# (only a raw write can make one) counts on the nearest day the app reads it as.
SQLITE_DAY = (
    "COALESCE(date({r}.created_at), "
    "CASE WHEN {r}.created_at < '0' THEN '1900-01-01' ELSE '9999-12-30' END)"
)


def _sqlite_apply(row: str, sign: int) -> list[str]:
    """Add (sign 1) or take away (-1) one row's counts; `row` is NEW or OLD."""
    day = SQLITE_DAY.format(r=row)

    values = [
        f"(CASE WHEN {e.format(r=row)} THEN {sign} ELSE 0 END)" for e in MODEL_COUNTERS.values()
    ]
    values.append(f"({STORED_BYTES.format(r=row)} * {sign})")
    add = ", ".join(f"{name} = {name} + excluded.{name}" for name in COUNTERS)
    statements = [
        # The WHERE is also what lets SQLite parse ON CONFLICT after a SELECT.
        f"INSERT INTO stats_by_day (owner_id, day, items) "
        f"SELECT {row}.owner_id, {day}, {sign} WHERE {row}.deleted_at IS NULL "
        f"ON CONFLICT (owner_id, day) DO UPDATE SET items = items + excluded.items",
        f"INSERT INTO stats_by_model (owner_id, model, {', '.join(COUNTERS)}) "
        f"VALUES ({row}.owner_id, {row}.model, {', '.join(values)}) "
        f"ON CONFLICT (owner_id, model) DO UPDATE SET {add}",
    ]
    if sign < 0:
        all_zero = " AND ".join(f"{name} = 0" for name in COUNTERS)
        statements += [
            f"DELETE FROM stats_by_day WHERE owner_id = {row}.owner_id "
            f"AND day = {day} AND items = 0",
            f"DELETE FROM stats_by_model WHERE owner_id = {row}.owner_id "
            f"AND model = {row}.model AND {all_zero}",
        ]
    return statements


def _sqlite_trigger(event: str) -> str:
    body = {
        "INSERT": _sqlite_apply("NEW", 1),
        "DELETE": _sqlite_apply("OLD", -1),
        "UPDATE": _sqlite_apply("OLD", -1) + _sqlite_apply("NEW", 1),
    }[event]
    when = ""
    if event == "UPDATE":  # an archive job's other columns, say, move no count
        when = "WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED) + " "
    return (
        f"CREATE TRIGGER stats_rollup_{event.lower()} AFTER {event} ON {TABLE} {when}"
        f"BEGIN {'; '.join(body)}; END"
    )


# --- filling the rollups from the rows there are -------------------------------------------


def _backfill(day: str) -> None:
    op.execute(
        f"INSERT INTO stats_by_day (owner_id, day, items) "
        f"SELECT r.owner_id, {day}, count(*) FROM {TABLE} r WHERE r.deleted_at IS NULL "
        f"GROUP BY 1, 2"
    )
    counters = [
        f"sum(CASE WHEN {e.format(r='r')} THEN 1 ELSE 0 END)" for e in MODEL_COUNTERS.values()
    ]
    counters.append(f"sum({STORED_BYTES.format(r='r')})")
    op.execute(
        f"INSERT INTO stats_by_model (owner_id, model, {', '.join(COUNTERS)}) "
        f"SELECT r.owner_id, r.model, {', '.join(counters)} FROM {TABLE} r GROUP BY 1, 2"
    )


EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    _tables()
    # Triggers first: creating them locks generated_media against writes until this
    # migration commits (PostgreSQL), so the backfill below sees every row and misses none.
    if op.get_bind().dialect.name == "postgresql":
        for event in EVENTS:
            op.execute(_pg_function(event))
            op.execute(_pg_trigger(event))
        _backfill(PG_DAY)
    else:
        for event in EVENTS:
            op.execute(_sqlite_trigger(event))
        _backfill(SQLITE_DAY.format(r="r"))


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for event in EVENTS:
        op.execute(
            f"DROP TRIGGER stats_rollup_{event.lower()}" + (f" ON {TABLE}" if postgresql else "")
        )
        if postgresql:
            op.execute(f"DROP FUNCTION stats_rollup_{event.lower()}()")
    op.drop_table("stats_by_model")
    op.drop_table("stats_by_day")
