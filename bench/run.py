"""Benchmark the list, save, gallery, search and stats paths against a bare handler.

Loads PostgreSQL with ROWS media over OWNERS accounts, one of which holds BIG, then runs the
app and bench/bare_app.py under gunicorn (2 sync workers each) on 127.0.0.1 and prints
medians (single client) and throughput (CLIENTS threads for SECONDS), each with the server
CPU time it cost per request: user + system time from /proc/<pid>/stat of the gunicorn
workers and of the PostgreSQL backends serving them (found by application_name), which
varies far less than wall-clock time on a shared machine. Bounded in time; stops the
servers it started. Usage:

    .venv/bin/python bench/run.py [--rows 1000000] [--owners 10000] [--big 200000] \
        [--database mediaapp_bench] [--skip-load]
    .venv/bin/python bench/run.py --scale 10000,100000,1000000 --database mediaapp_bench

--database names the PostgreSQL database it drops, loads and measures, so runs of several
checkouts on one server keep apart. --scale loads each size in turn (a hundredth of the rows
as owners, a fifth for the big one) and prints list, save and stats at each instead.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import psycopg2
from werkzeug.security import generate_password_hash

from mediaapp.credentials import email_key

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB = "mediaapp_bench"
URL = f"postgresql://postgres@127.0.0.1:5432/{DB}"
BIG_EMAIL, PASSWORD = "big@bench.local", "bench-password"
SAVE_BODY = {
    "type": "image",
    "url": "https://cdn.example.com/x.png",
    "prompt": "a bench fox",
    "model": "flux-1-dev",
    "settings": {
        "model": "flux-1-dev",
        "style": "s",
        "resolution": "1024x1024",
        "shotSize": "medium shot",
        "seed": 1,
    },
}


def use_database(name: str) -> None:
    """Point every helper below at database `name` on the local server."""
    global DB, URL
    DB, URL = name, f"postgresql://postgres@127.0.0.1:5432/{name}"


def sql(statements, url=None, autocommit=False):
    conn = psycopg2.connect(url or URL)
    conn.autocommit = autocommit
    with conn.cursor() as cur:
        for statement, params in statements:
            cur.execute(statement, params)
        result = cur.fetchall() if cur.description else None
    conn.commit()
    conn.close()
    return result


def fresh_database(name: str | None = None) -> None:
    """Drop and create a database on the local server, and migrate it."""
    name = name or DB
    sql(
        [(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", None), (f"CREATE DATABASE {name}", None)],
        ADMIN,
        autocommit=True,
    )
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"},
        check=True,
        capture_output=True,
    )


def load(rows: int, owners: int, big: int) -> str:
    fresh_database()
    big_id = str(uuid.uuid4())
    started = time.monotonic()
    sql(
        [
            (
                "INSERT INTO users (id, email, email_key, password_hash) VALUES (%s, %s, %s, %s)",
                (
                    big_id,
                    BIG_EMAIL,
                    email_key(BIG_EMAIL),
                    generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"),
                ),
            ),
            (
                # Unique stand-ins for the look-alike keys: nobody registers alongside them.
                "INSERT INTO users (id, email, email_key, password_hash) SELECT gen_random_uuid(), "
                "'u' || g || '@bench.local', 'bench-' || g, 'x' FROM generate_series(2, %s) g",
                (owners,),
            ),
            # The big owner's history, one item a minute going back.
            (
                """INSERT INTO generated_media (id, owner_id, user_id, type, url, prompt, model,
                                        settings, request_id, created_at)
            SELECT gen_random_uuid(), %s, %s,
                   (CASE WHEN g %% 5 = 0 THEN 'video' ELSE 'image' END)::media_type,
                   'https://cdn.example.com/' || g || '.png',
                   'prompt number ' || g || ' of a misty forest with a fox at dawn',
                   'model-' || (g %% 7),
                   '{"model": "m", "style": "s", "resolution": "1024x1024",
                     "shotSize": "wide", "seed": 42}'::jsonb,
                   'req-' || g, now() - g * interval '1 minute'
            FROM generate_series(1, %s) g""",
                (big_id, big_id, big),
            ),
            # Everyone else: the rest spread over the other owners.
            (
                """WITH owners AS (SELECT id, row_number() OVER () AS n FROM users WHERE id <> %s)
            INSERT INTO generated_media (id, owner_id, user_id, type, url, prompt, model,
                                         settings, created_at)
            SELECT gen_random_uuid(), o.id, o.id, 'image', 'https://cdn.example.com/o.png',
                   'someone else''s prompt ' || g, 'model-x', '{}'::jsonb,
                   now() - g * interval '1 second'
            FROM generate_series(1, %s) g JOIN owners o ON o.n = 1 + g %% (%s - 1)""",
                (big_id, rows - big, owners),
            ),
        ]
    )
    # What autovacuum does to a table soon after a bulk load: statistics, and the visibility
    # map that lets counts be answered from the indexes alone.
    sql([("VACUUM ANALYZE generated_media", None), ("VACUUM ANALYZE users", None)], autocommit=True)
    print(
        f"loaded {rows:,} rows over {owners:,} owners ({big:,} for one) in "
        f"{time.monotonic() - started:.0f} s"
    )
    return big_id


def serve(
    module: str,
    port: int,
    url: str | None = None,
    *,
    workers: int = 2,
    worker_class: str = "sync",
    threads: int = 1,
    **extra_env: str,
) -> subprocess.Popen:
    """gunicorn serving module on 127.0.0.1:port; its PostgreSQL connections carry the
    application_name `bench-<port>`, so CpuMeter can find the backends serving it."""
    env = {
        **os.environ,
        "DATABASE_URL": f"{url or URL}?application_name=bench-{port}",
        "SECRET_KEY": "bench",
        "MEDIAAPP_AUTH_RATE_LIMIT": "1000 per minute",
        # No background archiving while measuring: the saved URLs point nowhere anyway.
        "MEDIAAPP_EMBEDDED_WORKER": "0",
        **extra_env,
    }
    # The app writes a JSON line per request to stderr: keep that cost in the figures, but in
    # a file rather than over the results.
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115  (the server holds it open)
        "w", prefix=f"mediaapp-bench-{port}-", suffix=".log", delete=False
    )
    proc = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-w",
            str(workers),
            "-k",
            worker_class,
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            module,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stderr=log,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{module} did not start; see {log.name}")


def request(port, method, path, body=None, cookie=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    if response.status >= 400:
        raise SystemExit(f"{method} {path}: {response.status} {data[:200]!r}")
    return response, data


class CpuMeter:
    """CPU time (user + system, from /proc/<pid>/stat) of one gunicorn's workers and of the
    PostgreSQL backends serving them (found by their application_name)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, server: subprocess.Popen, port: int):
        self.server, self.application = server, f"bench-{port}"

    @staticmethod
    def _ticks(pid: int) -> int | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)

    def _workers(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except (OSError, IndexError):
                    continue
                if int(stat[1]) == self.server.pid:  # ppid: a worker of this gunicorn
                    found.append(int(entry.name))
        return found

    def _backends(self) -> list[int]:
        rows = sql(
            [("SELECT pid FROM pg_stat_activity WHERE application_name = %s", (self.application,))]
        )
        return [pid for (pid,) in rows]

    def snapshot(self) -> dict:
        return {
            kind: {pid: t for pid in pids if (t := self._ticks(pid)) is not None}
            for kind, pids in (("web", self._workers()), ("db", self._backends()))
        }

    def per_request_ms(self, before: dict, after: dict, n: int) -> tuple[float, float]:
        """(web, db) CPU ms per request between two snapshots; a process that appeared in
        between counts whole."""
        spent = []
        for kind in ("web", "db"):
            ticks = sum(t - before[kind].get(pid, 0) for pid, t in after[kind].items())
            spent.append(ticks * 1000 / self.TICK / n)
        return spent[0], spent[1]


def measure(port, meter, method, path, n, body=None, cookie=None, fresh_body=None) -> dict:
    """Wall-clock p50 of n requests in a row, and the server CPU they cost per request."""
    times = []
    before = meter.snapshot()
    for i in range(n):
        payload = fresh_body(i) if fresh_body else body
        start = time.perf_counter()
        request(port, method, path, payload, cookie)
        times.append((time.perf_counter() - start) * 1000)
    web, db = meter.per_request_ms(before, meter.snapshot(), n)
    return {"p50": statistics.median(times), "web_cpu": web, "db_cpu": db}


def throughput(port, path, seconds, clients, cookie=None) -> float:
    done, stop = [0] * clients, time.monotonic() + seconds

    def run(k):
        while time.monotonic() < stop:
            request(port, "GET", path, cookie=cookie)
            done[k] += 1

    threads = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    return sum(done) / seconds


def deep_cursor(big_id: str, depth: int) -> str:
    sys.path.insert(0, str(ROOT))
    from mediaapp.services.media import MediaFilters, encode_cursor

    query = (
        "SELECT id, created_at FROM generated_media WHERE owner_id = %s "
        "ORDER BY created_at DESC, id DESC OFFSET %s LIMIT 1"
    )
    ((media_id, created_at),) = sql([(query, (big_id, depth))])
    row = SimpleNamespace(id=uuid.UUID(str(media_id)), created_at=created_at)
    return encode_cursor(row, MediaFilters())


def sign_in(port: int) -> str:
    response, _ = request(
        port, "POST", "/api/auth/login", {"email": BIG_EMAIL, "password": PASSWORD}
    )
    return response.getheader("Set-Cookie").split(";")[0]


def saving(run: str):
    """Save bodies with new requestIds on every run, so a run on a loaded database saves too."""
    return lambda i: {**SAVE_BODY, "requestId": f"b{run}-{i}"}


def throughput_cpu(port, meter, path, seconds, clients, cookie=None) -> dict:
    before = meter.snapshot()
    rps = throughput(port, path, seconds, clients, cookie)
    web, db = meter.per_request_ms(before, meter.snapshot(), max(round(rps * seconds), 1))
    return {"rps": rps, "web_cpu": web, "db_cpu": db}


def print_rows(rows: dict) -> None:
    width = max(map(len, rows))
    print(f"{'':<{width}}  {'p50 ms':>8}  {'web CPU':>8}  {'db CPU':>8}  (CPU ms per request)")
    for name, row in rows.items():
        print(f"{name:<{width}}  {row['p50']:8.2f}  {row['web_cpu']:8.2f}  {row['db_cpu']:8.2f}")


def full_run(args, big_id: str) -> None:
    app, bare = serve("app:app", 8301), serve("bench.bare_app:app", 8302)
    app_cpu, bare_cpu = CpuMeter(app, 8301), CpuMeter(bare, 8302)
    try:
        cookie = sign_in(8301)
        cursor = deep_cursor(big_id, args.big * 3 // 4)
        owner_q = f"?owner={big_id}"
        n, run = args.n, uuid.uuid4().hex[:8]
        for _ in range(20):  # warm both: imports, pools, first-request hooks
            request(8301, "GET", "/api/media/list", cookie=cookie)
            request(8302, "GET", "/" + owner_q)
        deep = f"list p50 (cursor at {args.big * 3 // 4:,})"
        rows = {
            "bare list p50": measure(8302, bare_cpu, "GET", "/" + owner_q, n),
            "list p50 (first page)": measure(
                8301, app_cpu, "GET", "/api/media/list", n, cookie=cookie
            ),
            deep: measure(
                8301, app_cpu, "GET", f"/api/media/list?cursor={cursor}", n, cookie=cookie
            ),
            "list p50 (seed's offset=10000)": measure(
                8301, app_cpu, "GET", "/api/media/list?offset=10000", max(n // 4, 10), cookie=cookie
            ),
            "gallery first page p50": measure(8301, app_cpu, "GET", "/", n, cookie=cookie),
            "search q=fox p50": measure(
                8301,
                app_cpu,
                "GET",
                "/api/media/list?q=number%20199",
                max(n // 4, 10),
                cookie=cookie,
            ),
            "stats p50": measure(
                8301, app_cpu, "GET", "/api/media/stats", max(n // 10, 5), cookie=cookie
            ),
            "bare save p50": measure(8302, bare_cpu, "POST", "/" + owner_q, n, body=SAVE_BODY),
            "save p50": measure(
                8301, app_cpu, "POST", "/api/media/save", n, cookie=cookie, fresh_body=saving(run)
            ),
        }
        bare_t = throughput_cpu(8302, bare_cpu, "/" + owner_q, args.seconds, args.clients)
        app_t = throughput_cpu(8301, app_cpu, "/api/media/list", args.seconds, args.clients, cookie)
    finally:
        for proc in (app, bare):
            proc.terminate()
            proc.wait(10)

    print_rows(rows)
    width = max(map(len, rows))
    for name, t in (("bare list throughput", bare_t), ("list throughput", app_t)):
        print(
            f"{name:<{width}}  {t['rps']:8.0f} req/s, CPU ms per request: "
            f"web {t['web_cpu']:.2f}, db {t['db_cpu']:.2f}"
        )
    first, bare_list = rows["list p50 (first page)"], rows["bare list p50"]
    save, bare_save = rows["save p50"], rows["bare save p50"]
    print("ratios (targets in DESIGN.md):")
    print(f"  list p50 / bare p50          = {first['p50'] / bare_list['p50']:.2f}  (<= 2)")
    print(f"  list req/s / bare req/s      = {app_t['rps'] / bare_t['rps']:.2f}  (>= 0.75)")
    print(f"  deep page p50 / first p50    = {rows[deep]['p50'] / first['p50']:.2f}  (<= 1.2)")
    print(f"  save p50 / bare save p50     = {save['p50'] / bare_save['p50']:.2f}  (<= 2)")
    gallery = rows["gallery first page p50"]["p50"]
    print(f"  gallery p50 / list p50       = {gallery / first['p50']:.2f}  (<= 2)")
    print("the same in server CPU per request (web worker + PostgreSQL backend):")
    for label, a, b in (("list", first, bare_list), ("save", save, bare_save)):
        mine, floor = a["web_cpu"] + a["db_cpu"], b["web_cpu"] + b["db_cpu"]
        print(f"  {label} CPU / bare CPU     = {mine / floor:.2f}  ({mine:.2f} / {floor:.2f} ms)")


def scale_run(args, sizes: list[int]) -> None:
    """List, save and stats at each size (owners and the big owner in run.py's proportions)."""
    results = []
    for rows in sizes:
        big_id = load(rows, max(rows // 100, 10), rows // 5)
        app, bare = serve("app:app", 8301), serve("bench.bare_app:app", 8302)
        app_cpu, bare_cpu = CpuMeter(app, 8301), CpuMeter(bare, 8302)
        try:
            cookie, run, n = sign_in(8301), uuid.uuid4().hex[:8], args.n
            for _ in range(20):
                request(8301, "GET", "/api/media/list", cookie=cookie)
                request(8302, "GET", f"/?owner={big_id}")
            results.append(
                (
                    rows,
                    {
                        "bare list": measure(8302, bare_cpu, "GET", f"/?owner={big_id}", n),
                        "list": measure(8301, app_cpu, "GET", "/api/media/list", n, cookie=cookie),
                        "bare save": measure(
                            8302, bare_cpu, "POST", f"/?owner={big_id}", n, body=SAVE_BODY
                        ),
                        "save": measure(
                            8301,
                            app_cpu,
                            "POST",
                            "/api/media/save",
                            n,
                            cookie=cookie,
                            fresh_body=saving(run),
                        ),
                        "stats": measure(
                            8301, app_cpu, "GET", "/api/media/stats", max(n // 4, 10), cookie=cookie
                        ),
                    },
                )
            )
        finally:
            for proc in (app, bare):
                proc.terminate()
                proc.wait(10)
    print("how cost grows with the rows (the big owner holds a fifth of them):")
    print(f"{'rows':>10}  {'path':<10}  {'p50 ms':>8}  {'web CPU':>8}  {'db CPU':>8}")
    for rows, measured in results:
        for path, row in measured.items():
            print(
                f"{rows:>10,}  {path:<10}  {row['p50']:8.2f}  {row['web_cpu']:8.2f}  "
                f"{row['db_cpu']:8.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--owners", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=200_000)
    parser.add_argument("--n", type=int, default=200, help="requests per median")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--database", default=DB, help="database to (re)create and measure")
    parser.add_argument(
        "--scale",
        help="comma-separated row counts (e.g. 10000,100000,1000000): load each in turn and "
        "measure list, save and stats at each, instead of the full run",
    )
    args = parser.parse_args()
    use_database(args.database)
    if args.scale:
        scale_run(args, [int(size) for size in args.scale.split(",")])
        return
    if args.skip_load:
        ((big_id,),) = sql([("SELECT id FROM users WHERE email = %s", (BIG_EMAIL,))])
        big_id = str(big_id)
    else:
        big_id = load(args.rows, args.owners, args.big)
    full_run(args, big_id)


if __name__ == "__main__":
    main()
