"""Where a list and a save request spend their time, cost by cost, under gunicorn.

Serves bench/profiled_app.py (app:app under pyinstrument, one sync worker, the same
environment as run.py) on a database run.py loaded, signs in as its big owner, warms up,
then profiles N list requests and N save requests and prints, per request, the wall-clock
time inside each named cost (inclusive: a cost's own callees count in it, so the database
round trip of the session lookup is in both "account session lookup" and "SQL round
trips"). Usage:

    .venv/bin/python bench/profile_requests.py --database mediaapp_bench_me [--n 300] \
        [--json figures.json] [--raw folder-for-pyinstrument-json]
"""

import argparse
import json
import time
import urllib.request
import uuid
from pathlib import Path

import run  # bench/run.py, beside this file

# (name, test on a frame's file path and function): the first frame of a sample's stack that
# passes a test starts that cost; its nested frames are not counted again for it.
SESSION = ("open_session", "save_session")


def in_file(ending, *functions):
    """A test: a frame in a file whose path ends so (any function, or one of these)."""
    return lambda path, function: path.endswith(ending) and (not functions or function in functions)


def named(*functions):
    return lambda _path, function: function in functions


def in_package(part):
    return lambda path, _function: part in path


SQL = "SQL round trips (DBAPI execute/commit)"
CHECKOUT = "pool checkout (incl. pre-ping)"
DBAPI_CALLS = ("do_execute", "do_execute_no_params", "do_executemany", "do_commit", "do_rollback")

COSTS = [
    ("whole request (WSGI in to last byte out)", named("wsgi_app")),
    (CHECKOUT, in_file("pool/base.py", "_checkout")),
    ("  pre-ping round trip", named("do_ping", "_do_ping_w_event")),
    (SQL, in_file("engine/default.py", *DBAPI_CALLS)),
    # The limiter's decorator calls the view: what the view costs is taken out (WRAPPERS).
    ("rate limiter (Flask-Limiter)", in_package("flask_limiter")),
    ("session cookie: open + save (itsdangerous)", in_file("flask/sessions.py", *SESSION)),
    ("account session lookup (services/sessions.py)", in_file("sessions.py", "find_session")),
    (
        "argument / body parsing (marshmallow, get_json)",
        lambda path, function: (
            ("marshmallow" in path and function == "load")
            or function in ("json_object", "get_json")
        ),
    ),
    ("cursor encoding", named("encode_cursor")),
    ("rows to wire dicts (media_to_wire)", named("media_to_wire")),
    ("JSON encoding (envelope, jsonify)", named("envelope")),
    ("request log line (observability)", in_file("logging/__init__.py", "log", "_log", "info")),
    ("Prometheus histogram + counter", named("observe_request")),
    ("cache policy (caching.py)", in_file("mediaapp/caching.py")),
    ("compression hook (compression.py)", in_file("mediaapp/compression.py")),
    ("security headers (security.py)", in_file("mediaapp/security.py")),
    ("app context teardown (session close: rollback)", named("do_teardown_appcontext")),
    ("SQLAlchemy outside the DBAPI calls (Core/ORM)", None),  # derived below
]
RAW = None  # --raw: a folder for pyinstrument's JSON of each profile


# Costs that wrap application code: time spent back in mediaapp below them is not theirs.
WRAPPERS = {"rate limiter (Flask-Limiter)": ("_api_limit", "_api_unlimited", "no_limit_applies")}


def costs_of(frame, totals, active=frozenset()):
    """Add each frame's time to the costs it starts (outermost frame per cost only)."""
    path, function = frame["file_path"], frame["function"]
    started = set()
    if "/mediaapp/" in path:
        for name, own in WRAPPERS.items():
            if name in active and function not in own:
                totals[name] -= frame["time"]
                active = active - {name}
    for name, test in COSTS:
        if test and name not in active and test(path, function):
            totals[name] = totals.get(name, 0.0) + frame["time"]
            started.add(name)
    if "sqlalchemy/" in path and "sqlalchemy" not in active:
        totals["_sqlalchemy"] = totals.get("_sqlalchemy", 0.0) + frame["time"]
        started.add("sqlalchemy")
    inner = active | started
    for child in frame["children"]:
        costs_of(child, totals, inner)


def http(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60) as answer:
        return answer.read()


def profile(port, n, method, path, cookie, fresh_body=None):
    for i in range(30):  # warm up: imports, pool, first-request hooks
        run.request(port, method, path, fresh_body(-1 - i) if fresh_body else None, cookie)
    http(port, "/__profile__/reset")
    for i in range(n):
        run.request(port, method, path, fresh_body(i) if fresh_body else None, cookie)
    report = json.loads(http(port, "/__profile__/report"))
    if RAW:
        Path(RAW).mkdir(parents=True, exist_ok=True)
        (Path(RAW) / f"{method.lower()}-{path.strip('/').replace('/', '-')}.json").write_text(
            json.dumps(report)
        )
    totals = {}
    costs_of(report["root_frame"], totals)
    outside = totals.pop("_sqlalchemy", 0.0) - totals.get(SQL, 0.0) - totals.get(CHECKOUT, 0.0)
    totals["SQLAlchemy outside the DBAPI calls (Core/ORM)"] = max(outside, 0.0)
    return {name: totals.get(name, 0.0) * 1000 / n for name, _ in COSTS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=run.DB)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--port", type=int, default=8311)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--raw", help="also write pyinstrument's JSON profiles into this folder")
    args = parser.parse_args()
    global RAW
    RAW = args.raw
    run.use_database(args.database)
    server = run.serve("bench.profiled_app:app", args.port, workers=1)
    try:
        response, _ = run.request(
            args.port, "POST", "/api/auth/login", {"email": run.BIG_EMAIL, "password": run.PASSWORD}
        )
        cookie = response.getheader("Set-Cookie").split(";")[0]
        tag = uuid.uuid4().hex[:8]
        started = time.monotonic()
        figures = {
            "list": profile(args.port, args.n, "GET", "/api/media/list", cookie),
            "gallery": profile(args.port, max(args.n // 3, 30), "GET", "/", cookie),
            "save": profile(
                args.port,
                args.n,
                "POST",
                "/api/media/save",
                cookie,
                fresh_body=lambda i: {**run.SAVE_BODY, "requestId": f"p{tag}-{i}"},
            ),
        }
    finally:
        server.terminate()
        server.wait(10)
    print(
        f"ms per request, {args.n} requests each, pyinstrument at 0.1 ms "
        f"({time.monotonic() - started:.0f} s)"
    )
    width = max(len(name) for name, _ in COSTS)
    print(f"{'cost':<{width}}  " + "  ".join(f"{path:>7}" for path in figures))
    for name, _ in COSTS:
        print(f"{name:<{width}}  " + "  ".join(f"{f[name]:7.3f}" for f in figures.values()))
    if args.json:
        with open(args.json, "w") as out:
            json.dump(figures, out, indent=1)


if __name__ == "__main__":
    main()
