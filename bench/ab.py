"""Compare two checkouts request by request, interleaved, on a machine whose load drifts.

Serves checkout A (--base, e.g. a `git worktree` of main) over database --base-database and
this checkout over --database, both loaded by bench/run.py, under gunicorn (2 workers each)
on 127.0.0.1, logs in as the big owner on both, then alternates single requests to one and
the other (save, stats, list, the gallery's first page) and prints each side's median. Since
both sides see the same moments of the machine's load, the ratio between them holds still
where two separate runs of bench/run.py minutes apart do not. Bounded in time; stops the
servers it started. Usage:

    .venv/bin/python bench/ab.py --base ../main --base-database mediaapp_bench_main \\
        --database mediaapp_bench [--n 300]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as bench  # noqa: E402

PATHS = {
    "save": ("POST", "/api/media/save"),
    "stats": ("GET", "/api/media/stats"),
    "list": ("GET", "/api/media/list"),
    "gallery": ("GET", "/"),
}
# Requests per side for the slower paths, as a fraction of --n.
SHARE = {"stats": 10, "gallery": 3}


def serve(root: Path, database: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{database}",
        "SECRET_KEY": "bench",
        "MEDIAAPP_AUTH_RATE_LIMIT": "1000 per minute",
        "MEDIAAPP_EMBEDDED_WORKER": "0",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}"]
    proc = subprocess.Popen([*gunicorn, "app:app", "--log-level", "warning"], cwd=root, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{root} did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, type=Path, help="checkout A")
    parser.add_argument("--base-database", required=True)
    parser.add_argument("--database", default="mediaapp_bench")
    parser.add_argument("--n", type=int, default=300, help="requests per side and path")
    args = parser.parse_args()

    sides = {
        "A": (args.base.resolve(), args.base_database, 8331),
        "B": (bench.ROOT, args.database, 8332),
    }
    procs = {name: serve(root, db, port) for name, (root, db, port) in sides.items()}
    times: dict[tuple[str, str], list[float]] = {}
    try:
        cookies = {}
        for name, (_, _, port) in sides.items():
            response, _ = bench.request(
                port,
                "POST",
                "/api/auth/login",
                {"email": bench.BIG_EMAIL, "password": bench.PASSWORD},
            )
            cookies[name] = response.getheader("Set-Cookie").split(";")[0]
        run = uuid.uuid4().hex[:8]
        for path_name, (method, path) in PATHS.items():
            n = max(args.n // SHARE.get(path_name, 1), 10)
            for i in range(n):
                order = ("A", "B") if i % 2 == 0 else ("B", "A")
                for name in order:
                    body = (
                        {**bench.SAVE_BODY, "requestId": f"ab{run}-{i}"}
                        if method == "POST"
                        else None
                    )
                    start = time.perf_counter()
                    bench.request(sides[name][2], method, path, body, cookies[name])
                    times.setdefault((path_name, name), []).append(
                        (time.perf_counter() - start) * 1000
                    )
    finally:
        for proc in procs.values():
            proc.terminate()
            proc.wait(10)

    print(f"A = {sides['A'][0]} ({args.base_database}); B = {bench.ROOT} ({args.database})")
    for path_name in PATHS:
        a = statistics.median(times[(path_name, "A")])
        b = statistics.median(times[(path_name, "B")])
        count = len(times[(path_name, "A")])
        print(
            f"{path_name:<7} p50  A {a:7.2f} ms   B {b:7.2f} ms   B/A {b / a:5.2f}   ({count} each)"
        )


if __name__ == "__main__":
    main()
