"""What the stats rollup triggers add to one save, measured inside PostgreSQL.

Runs the save's INSERT (one row for the big owner of a database bench/run.py loaded) N times
under EXPLAIN ANALYZE on one connection, as a pooled app connection does, each in its own
transaction that is rolled back, and prints the median execution time of the statement and
the median time PostgreSQL reports for its triggers (the rollup's statement trigger). Timed
in the server, so the figures hold still on a busy machine far better than a request's wall
clock does. (Disabling the trigger to compare would invalidate the cached plans of the
trigger function each time and so overstate it.) Usage:

    .venv/bin/python bench/trigger_cost.py [--database mediaapp_bench] [--n 300]
"""

import argparse
import json
import statistics
import uuid

import psycopg2

INSERT = """
    INSERT INTO generated_media (owner_id, id, user_id, type, url, prompt, model, settings,
                                 request_id, created_at)
    VALUES (%(owner)s, %(id)s, %(owner)s, 'image', 'https://cdn.example.com/x.png',
            'a bench fox', 'flux-1-dev', '{"model": "flux-1-dev", "style": "s"}', %(request)s,
            now())
    ON CONFLICT DO NOTHING RETURNING id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="mediaapp_bench")
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    conn = psycopg2.connect(f"postgresql://postgres@127.0.0.1:5432/{args.database}")
    with conn.cursor() as cur:
        cur.execute("SELECT id FROM users WHERE email = 'big@bench.local'")
        (owner,) = cur.fetchone()
    conn.rollback()
    executions, triggers = [], []
    for _ in range(args.n):
        with conn.cursor() as cur:
            cur.execute(
                "EXPLAIN (ANALYZE, FORMAT JSON) " + INSERT,
                {"owner": owner, "id": str(uuid.uuid4()), "request": f"tc-{uuid.uuid4()}"},
            )
            (plan,) = cur.fetchone()[0]
        conn.rollback()
        plan = plan if isinstance(plan, dict) else json.loads(plan)
        executions.append(plan["Execution Time"])
        triggers.append(sum(t["Time"] for t in plan.get("Triggers", [])))
    conn.close()
    execution, trigger = statistics.median(executions), statistics.median(triggers)
    print(f"save INSERT execution, median of {args.n}: {execution:.3f} ms")
    print(f"  of which its triggers (the rollups): {trigger:.3f} ms")
    print(f"  without them                       : {execution - trigger:.3f} ms")


if __name__ == "__main__":
    main()
