"""Benchmark imports: how long one 1,000-item import takes, and how long an unrelated request
waits while eight new guests import 1,000 items each at once.

Runs on its own PostgreSQL database on 127.0.0.1 with the app under gunicorn (2 sync
workers, as the README deploys it), the import rate limit off so every import is attempted.
Bounded in time; stops what it started. Prints figures, asserts nothing. Usage:

    .venv/bin/python bench/imports.py [--runs 5] [--concurrent 8]
"""

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import SAVE_BODY, fresh_database, serve  # noqa: E402

DB = "mediaapp_bench_import"
URL = f"postgresql://postgres@127.0.0.1:5432/{DB}"
PORT = 8093


def items(tag: str, n: int = 1000) -> list[dict]:
    return [
        {
            **SAVE_BODY,
            "prompt": f"{SAVE_BODY['prompt']} ({tag} {i})",
            "url": f"https://cdn.example.com/{tag}/{i}.png",
            "requestId": f"{tag}-{i}",
            "createdAt": f"2026-01-{1 + i % 28:02d}T12:{i % 60:02d}:00Z",
            "favorite": i % 7 == 0,
        }
        for i in range(n)
    ]


def post(path: str, body: dict, cookie: str | None = None) -> tuple[int, float, str | None]:
    """(status, seconds, the session cookie set) of one request on a new connection."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    headers = {"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})}
    started = time.perf_counter()
    conn.request("POST", path, body=json.dumps(body), headers=headers)
    response = conn.getresponse()
    response.read()
    took = time.perf_counter() - started
    cookie_out = response.getheader("Set-Cookie")
    conn.close()
    return response.status, took, cookie_out.split(";", 1)[0] if cookie_out else None


def get(path: str, cookie: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - started


def one_import_each(runs: int) -> list[float]:
    """Seconds for a 1,000-item import by a new guest, `runs` times."""
    times = []
    for run in range(runs):
        status, took, _ = post("/api/media/import", {"items": items(f"solo{run}")})
        if status != 200:
            raise SystemExit(f"import answered {status}")
        times.append(took)
    return times


def concurrent_imports(n: int) -> tuple[list[tuple[int, float]], list[float]]:
    """Eight (n) new guests import 1,000 items each at once, while a reader already served
    keeps asking for its list; the imports' (status, seconds) and the reader's waits."""
    status, _, cookie = post("/api/media/save", {**SAVE_BODY, "requestId": "reader"})
    assert status == 201 and cookie
    results: list[tuple[int, float]] = []
    waits: list[float] = []
    done = threading.Event()

    def importer(k: int) -> None:
        status, took, _ = post("/api/media/import", {"items": items(f"crowd{k}")})
        results.append((status, took))

    def reader() -> None:
        while not done.is_set():
            waits.append(get("/api/media/list?limit=10", cookie)[1])
            time.sleep(0.05)

    reading = threading.Thread(target=reader)
    reading.start()
    time.sleep(0.3)
    threads = [threading.Thread(target=importer, args=(k,)) for k in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    done.set()
    reading.join(timeout=130)
    return results, waits


def in_process(runs: int) -> tuple[list[float], list[float], int]:
    """The service alone, in this process: wall and CPU seconds of a 1,000-item import by a
    new owner, and the SQL statements one sends (the figure load on the machine can't move)."""
    import uuid

    import sqlalchemy as sa

    from mediaapp import create_app
    from mediaapp.extensions import db
    from mediaapp.identity import Owner
    from mediaapp.services import transfer

    app = create_app({"SQLALCHEMY_DATABASE_URI": URL, "SECRET_KEY": "bench", "TESTING": True})
    walls, cpus, sent = [], [], []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: sent.append(1))
        for run in range(runs):
            owner = Owner(id=uuid.uuid4(), is_guest=True)  # a guest's rows need no guests row
            batch = items(f"inproc{run}")
            sent.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            transfer.import_history(owner, batch)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
    return walls, cpus, len(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--concurrent", type=int, default=8)
    args = parser.parse_args()

    fresh_database(DB)
    server = serve(
        "app:app",
        PORT,
        URL,
        MEDIAAPP_IMPORT_RATE_LIMIT="off",
        MEDIAAPP_AUTH_RATE_LIMIT="1000 per minute",
    )
    try:
        walls, cpus, sent = in_process(args.runs)
        print(
            f"in process, one 1,000-item import: median {statistics.median(walls):.2f} s wall, "
            f"{statistics.median(cpus):.2f} s CPU, {sent} SQL statements"
        )
        solo = one_import_each(args.runs)
        print(
            f"one 1,000-item import, new guest, {args.runs} runs: "
            f"median {statistics.median(solo):.2f} s, min {min(solo):.2f} s, "
            f"max {max(solo):.2f} s"
        )
        results, waits = concurrent_imports(args.concurrent)
        statuses: dict[int, int] = {}
        for status, _ in results:
            statuses[status] = statuses.get(status, 0) + 1
        took = [t for _, t in results]
        print(
            f"{args.concurrent} concurrent imports: answers {dict(sorted(statuses.items()))}, "
            f"slowest {max(took):.2f} s"
        )
        print(
            f"unrelated GET /api/media/list meanwhile ({len(waits)} requests): "
            f"median {statistics.median(waits) * 1000:.0f} ms, worst {max(waits):.2f} s"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
