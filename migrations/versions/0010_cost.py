"""record what a generation cost, and keep spend by day and by model in the rollups

Revision ID: cost
Revises: stacks
Create Date: 2026-12-01

generated_media gains four optional columns a generator may send with a save or an import:
`provider` (who ran it), `cost_usd` and `credits` (exact decimals) and `duration_ms`.

The stats rollups of 0007 (`stats_by_day`, `stats_by_model`) gain `cost_usd` and `credits`:
the summed cost of the live items of that day or model, so spend is read in constant time
like every other stat. 0007's triggers are replaced by the same triggers with the two sums
added (and the two columns watched); nothing needs filling, since no row had a cost before.

Amounts are NUMERIC(28, 10) on PostgreSQL. SQLite's NUMERIC would keep them as floats, so
there they are integers counting 10^-10 units (models.ExactAmount), which sum exactly too.
"""

import sqlalchemy as sa
from alembic import op

revision = "cost"
down_revision = "stacks"
branch_labels = None
depends_on = None

TABLE = "generated_media"
SCALE = 10

# 0007's counters, unchanged: when one generated_media row ({r}) counts in stats_by_model.
MODEL_COUNTERS = {
    "images": "{r}.deleted_at IS NULL AND {r}.type = 'image'",
    "videos": "{r}.deleted_at IS NULL AND {r}.type = 'video'",
    "favorites": "{r}.deleted_at IS NULL AND {r}.favorite",
    "trashed": "{r}.deleted_at IS NOT NULL",
    "missing": "{r}.deleted_at IS NULL AND {r}.archive_status IN ('failed', 'expired')",
}
STORED_BYTES = (
    "CASE WHEN {r}.archive_sha256 IS NOT NULL THEN coalesce({r}.archive_bytes, 0) ELSE 0 END"
)
WATCHED_0007 = (
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
# What this revision adds: the amounts a live row adds to both rollups.
AMOUNTS = ("cost_usd", "credits")


class Shape:
    """The rollups' shape at one revision: which sums each rollup keeps from a row ({r}),
    and which columns move them. 0007's triggers are Shape(with_amounts=False)."""

    def __init__(self, *, with_amounts: bool):
        amounts = AMOUNTS if with_amounts else ()
        live = "CASE WHEN {{r}}.deleted_at IS NULL THEN coalesce({{r}}.{name}, 0) ELSE 0 END"
        # stats_by_model: name -> the value one row adds (its sign multiplies it).
        self.model = {
            **{name: f"CASE WHEN {e} THEN 1 ELSE 0 END" for name, e in MODEL_COUNTERS.items()},
            "stored_bytes": STORED_BYTES,
            **{name: live.format(name=name) for name in amounts},
        }
        # stats_by_day counts live rows only (the WHERE), so its sums need no CASE.
        self.day = {"items": "1", **{name: f"coalesce({{r}}.{name}, 0)" for name in amounts}}
        self.watched = (*WATCHED_0007, *amounts)


# --- PostgreSQL: statement triggers over transition tables -------------------------------

PG_DAY = "(r.created_at AT TIME ZONE 'UTC')::date"
EVENTS = ("INSERT", "UPDATE", "DELETE")


def _pg_changes(shape: Shape, event: str) -> str:
    """The changed rows of one statement, each with +1 (it counts now) or -1 (it did)."""
    columns = ", ".join(shape.watched)
    new = f"SELECT {columns}, 1 AS sign FROM new_rows"
    old = f"SELECT {columns}, -1 AS sign FROM old_rows"
    return {"INSERT": new, "DELETE": old, "UPDATE": f"{new} UNION ALL {old}"}[event]


def _pg_sums(values: dict[str, str]) -> list[str]:
    return [f"sum(({e.format(r='r')}) * r.sign)" for e in values.values()]


def _pg_function(shape: Shape, event: str) -> str:
    changes = _pg_changes(shape, event)
    day_sums, model_sums = _pg_sums(shape.day), _pg_sums(shape.model)

    def upsert(table: str, key: str, names, sums) -> str:
        add = ", ".join(f"{name} = s.{name} + EXCLUDED.{name}" for name in names)
        any_change = " OR ".join(f"{s} <> 0" for s in sums)
        where = "WHERE r.deleted_at IS NULL " if table == "stats_by_day" else ""
        return (
            f"INSERT INTO {table} AS s (owner_id, {key}, {', '.join(names)}) "
            f"SELECT r.owner_id, {PG_DAY if key == 'day' else 'r.model'}, {', '.join(sums)} "
            f"FROM ({changes}) r {where}GROUP BY 1, 2 HAVING {any_change} ORDER BY 1, 2 "
            f"ON CONFLICT (owner_id, {key}) DO UPDATE SET {add};"
        )

    def cleanup(table: str, key: str, names, source: str) -> str:
        all_zero = " AND ".join(f"s.{name} = 0" for name in names)
        return (
            f"DELETE FROM {table} s USING (SELECT DISTINCT r.owner_id, {source} AS {key} "
            f"FROM ({changes}) r) c WHERE s.owner_id = c.owner_id AND s.{key} = c.{key} "
            f"AND {all_zero};"
        )

    body = [
        upsert("stats_by_day", "day", shape.day, day_sums),
        upsert("stats_by_model", "model", shape.model, model_sums),
    ]
    if event != "INSERT":  # a count that fell to zero leaves no row behind
        body += [
            cleanup("stats_by_day", "day", shape.day, PG_DAY),
            cleanup("stats_by_model", "model", shape.model, "r.model"),
        ]
    statements = "\n      ".join(body)
    return f"""
    CREATE FUNCTION stats_rollup_{event.lower()}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      {statements}
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

SQLITE_DAY = (
    "COALESCE(date({r}.created_at), "
    "CASE WHEN {r}.created_at < '0' THEN '1900-01-01' ELSE '9999-12-30' END)"
)


def _sqlite_apply(shape: Shape, row: str, sign: int) -> list[str]:
    """Add (sign 1) or take away (-1) one row's counts; `row` is NEW or OLD."""
    day = SQLITE_DAY.format(r=row)
    day_values = [f"(({e.format(r=row)}) * {sign})" for e in shape.day.values()]
    model_values = [f"(({e.format(r=row)}) * {sign})" for e in shape.model.values()]

    def add(names) -> str:
        return ", ".join(f"{name} = {name} + excluded.{name}" for name in names)

    statements = [
        # The WHERE is also what lets SQLite parse ON CONFLICT after a SELECT.
        f"INSERT INTO stats_by_day (owner_id, day, {', '.join(shape.day)}) "
        f"SELECT {row}.owner_id, {day}, {', '.join(day_values)} WHERE {row}.deleted_at IS NULL "
        f"ON CONFLICT (owner_id, day) DO UPDATE SET {add(shape.day)}",
        f"INSERT INTO stats_by_model (owner_id, model, {', '.join(shape.model)}) "
        f"VALUES ({row}.owner_id, {row}.model, {', '.join(model_values)}) "
        f"ON CONFLICT (owner_id, model) DO UPDATE SET {add(shape.model)}",
    ]
    if sign < 0:
        statements += [
            f"DELETE FROM stats_by_day WHERE owner_id = {row}.owner_id AND day = {day} AND "
            + " AND ".join(f"{name} = 0" for name in shape.day),
            f"DELETE FROM stats_by_model WHERE owner_id = {row}.owner_id "
            f"AND model = {row}.model AND " + " AND ".join(f"{name} = 0" for name in shape.model),
        ]
    return statements


def _sqlite_trigger(shape: Shape, event: str) -> str:
    body = {
        "INSERT": _sqlite_apply(shape, "NEW", 1),
        "DELETE": _sqlite_apply(shape, "OLD", -1),
        "UPDATE": _sqlite_apply(shape, "OLD", -1) + _sqlite_apply(shape, "NEW", 1),
    }[event]
    when = ""
    if event == "UPDATE":  # an archive job's other columns, say, move no count
        when = "WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in shape.watched) + " "
    return (
        f"CREATE TRIGGER stats_rollup_{event.lower()} AFTER {event} ON {TABLE} {when}"
        f"BEGIN {'; '.join(body)}; END"
    )


# --- the revision ---------------------------------------------------------------------------


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _drop_triggers() -> None:
    postgresql = _postgresql()
    for event in EVENTS:
        op.execute(
            f"DROP TRIGGER stats_rollup_{event.lower()}" + (f" ON {TABLE}" if postgresql else "")
        )
        if postgresql:
            op.execute(f"DROP FUNCTION stats_rollup_{event.lower()}()")


def _create_triggers(shape: Shape) -> None:
    for event in EVENTS:
        if _postgresql():
            op.execute(_pg_function(shape, event))
            op.execute(_pg_trigger(event))
        else:
            op.execute(_sqlite_trigger(shape, event))


def _amount() -> sa.types.TypeEngine:
    return sa.Numeric(28, SCALE).with_variant(sa.BigInteger(), "sqlite")


def upgrade() -> None:
    _drop_triggers()
    op.add_column(TABLE, sa.Column("provider", sa.String(64), nullable=True))
    op.add_column(TABLE, sa.Column("cost_usd", _amount(), nullable=True))
    op.add_column(TABLE, sa.Column("credits", _amount(), nullable=True))
    op.add_column(TABLE, sa.Column("duration_ms", sa.Integer(), nullable=True))
    for rollup in ("stats_by_day", "stats_by_model"):
        for name in AMOUNTS:
            op.add_column(
                rollup, sa.Column(name, _amount(), nullable=False, server_default=sa.text("0"))
            )
    _create_triggers(Shape(with_amounts=True))


def downgrade() -> None:
    _drop_triggers()
    for rollup in ("stats_by_day", "stats_by_model"):
        for name in AMOUNTS:
            op.drop_column(rollup, name)
    for name in ("duration_ms", "credits", "cost_usd", "provider"):
        op.drop_column(TABLE, name)
    _create_triggers(Shape(with_amounts=False))
