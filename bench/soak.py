"""Fault soak: concurrent savers keep saving while the database refuses connections for a few
seconds and a gunicorn worker is killed; then the database is asked what survived.

Starts gunicorn (2 sync workers, Prometheus multiprocess mode) on 127.0.0.1 against its own
PostgreSQL database, gives each of SAVERS threads a guest identity, and has them save for
SECONDS. A save that answers 503 or whose connection breaks is sent again with the same
requestId until it is acknowledged (201, or 200 for a replay). During the run the database
refuses connections for OUTAGE seconds (ALTER DATABASE ... ALLOW_CONNECTIONS false, and its
open connections terminated; only this database, nothing of the server's configuration) and,
later, one gunicorn worker is sent SIGKILL (gunicorn starts another). It prints:

- acknowledged saves, and among them lost (acknowledged but not in the database) and
  duplicated (one requestId stored more than once), both of which must be 0;
- the recovery time: from the database accepting connections again to the first save
  acknowledged on a request sent after that; and the worker's respawn time;
- what the service said meanwhile (503s, broken connections, /readyz) and what its metrics
  counted across both workers.

Bounded in time (about SECONDS + 30 s), 127.0.0.1 only; stops what it started and lets the
database accept connections again whatever happens. Usage:

    .venv/bin/python bench/soak.py [--database mediaapp_soak] [--savers 8] [--seconds 30]
        [--outage-at 6] [--outage 4] [--kill-at 18]

Exits 1 when anything was lost or duplicated.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import ADMIN, ROOT, SAVE_BODY, fresh_database, sql  # noqa: E402

RETRYABLE = {502, 503, 504}
GRACE = 20  # seconds a save begun before the end may still retry


@dataclass
class Tally:
    acknowledged: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)  # requestId -> a 4xx status
    unacknowledged: list[str] = field(default_factory=list)
    answers: dict[int, int] = field(default_factory=dict)
    broken: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, status: int) -> None:
        with self.lock:
            self.answers[status] = self.answers.get(status, 0) + 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(port, method, path, body=None, cookie=None, headers=None, timeout=10):
    """One request on a fresh connection: (status, headers, body bytes); raises OSError or
    http.client.HTTPException when the connection fails or breaks."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = cookie
        if body is not None:
            sent["Content-Type"] = "application/json"
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def session_cookie(headers) -> str | None:
    value = headers.get("Set-Cookie")
    return value.split(";", 1)[0] if value else None


def set_connections(database: str, allowed: bool) -> None:
    statements = [(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allowed).lower()}', None)]
    if not allowed:
        statements.append(
            (
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            )
        )
    sql(statements, ADMIN, autocommit=True)


def start_gunicorn(port: int, url: str, workdir: Path, token: str) -> subprocess.Popen:
    prom = workdir / "prometheus"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "MEDIAAPP_EMBEDDED_WORKER": "0",
        "MEDIAAPP_DB_CONNECT_TIMEOUT": "2",
        "MEDIAAPP_STORAGE_URL": f"file://{workdir / 'blobs'}",
        "MEDIAAPP_METRICS_TOKEN": token,
        "PROMETHEUS_MULTIPROC_DIR": str(prom),
    }
    log = open(workdir / "gunicorn.log", "w")  # noqa: SIM115  (closed with the process)
    command = [str(ROOT / ".venv/bin/gunicorn"), "-c", "python:mediaapp.gunicorn_config"]
    command += ["-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "30", "app:app"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if call(port, "GET", "/healthz", timeout=2)[0] == 200 and len(workers(proc)) == 2:
                return proc
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    stop(proc)
    raise SystemExit(f"gunicorn did not start; see {workdir / 'gunicorn.log'}")


def workers(master: subprocess.Popen) -> list[int]:
    """The PIDs of the gunicorn master's worker processes (its children)."""
    try:
        text = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def saver(index: int, port: int, run: str, until: float, tally: Tally) -> None:
    """Save one item after another; each one is retried with its requestId until acknowledged."""
    cookie = None
    while cookie is None and time.monotonic() < until:  # a guest identity before the faults
        try:
            status, headers, _ = call(port, "GET", "/api/media/list?limit=1")
            cookie = session_cookie(headers) if status == 200 else None
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
    number = 0
    while time.monotonic() < until:
        request_id = f"{run}-{index}-{number}"
        body = {**SAVE_BODY, "prompt": f"soak save {request_id}", "requestId": request_id}
        first_try, delay = time.monotonic(), 0.05
        while True:
            if time.monotonic() > until + GRACE:
                tally.unacknowledged.append(request_id)
                break
            sent = time.monotonic()
            try:
                status, headers, _ = call(port, "POST", "/api/media/save", body, cookie)
            except (OSError, http.client.HTTPException):
                with tally.lock:
                    tally.broken += 1
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
                continue
            tally.answer(status)
            cookie = session_cookie(headers) or cookie
            if status in (200, 201):
                tally.acknowledged[request_id] = (status, sent, time.monotonic() - first_try)
                break
            if status in RETRYABLE:
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
                continue
            tally.refused[request_id] = status
            break
        number += 1


def scrape_saves(port: int, token: str) -> dict[str, float]:
    """Save answers by status as the metrics count them, summed over every worker."""
    status, _, body = call(port, "GET", "/metrics", headers={"Authorization": f"Bearer {token}"})
    counts: dict[str, float] = {}
    if status != 200:
        return counts
    pattern = re.compile(r"^mediaapp_http_request_duration_seconds_count\{([^}]*)\} (\S+)$", re.M)
    for labels, value in pattern.findall(body.decode()):
        found = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        if found.get("endpoint") == "api.save_media":
            counts[found["status"]] = counts.get(found["status"], 0) + float(value)
    return counts


def readyz(port: int) -> str:
    try:
        status, _, body = call(port, "GET", "/readyz", timeout=10)
    except (OSError, http.client.HTTPException) as exc:
        return f"no answer ({exc.__class__.__name__})"
    checks = json.loads(body).get("checks", {})
    failing = [name for name, check in checks.items() if not check.get("ok")]
    return f"{status}" + (f" ({', '.join(failing)} failing)" if failing else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="mediaapp_soak")
    parser.add_argument("--savers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30, help="how long saves are begun")
    parser.add_argument("--outage-at", type=float, default=6)
    parser.add_argument("--outage", type=float, default=4, help="seconds the database refuses")
    parser.add_argument("--kill-at", type=float, default=18, help="when a worker gets SIGKILL")
    args = parser.parse_args()
    if not args.outage_at + args.outage < args.seconds and args.kill_at < args.seconds:
        raise SystemExit("the outage and the kill must fall inside --seconds")

    database = args.database
    url = f"postgresql://postgres@127.0.0.1:5432/{database}"
    fresh_database(database)
    run = f"soak-{secrets.token_hex(4)}"
    token = secrets.token_urlsafe(16)
    port = free_port()
    tally = Tally()
    events: dict[str, float] = {}
    notes: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mediaapp-soak-") as tmp:
        workdir = Path(tmp)
        master = start_gunicorn(port, url, workdir, token)
        try:
            start = time.monotonic()
            until = start + args.seconds
            threads = [
                threading.Thread(target=saver, args=(i, port, run, until, tally), daemon=True)
                for i in range(args.savers)
            ]
            for thread in threads:
                thread.start()

            time.sleep(max(0.0, start + args.outage_at - time.monotonic()))
            set_connections(database, False)
            events["down"] = time.monotonic()
            time.sleep(args.outage / 2)
            notes["/readyz during the outage"] = readyz(port)
            time.sleep(max(0.0, events["down"] + args.outage - time.monotonic()))
            set_connections(database, True)
            events["up"] = time.monotonic()

            time.sleep(max(0.0, start + args.kill_at - time.monotonic()))
            before = workers(master)
            victim = before[0]
            os.kill(victim, signal.SIGKILL)  # one of our own gunicorn's workers, by PID
            events["kill"] = time.monotonic()
            while time.monotonic() < events["kill"] + 30:
                now = workers(master)
                if len(now) == 2 and victim not in now:
                    events["respawned"] = time.monotonic()
                    break
                time.sleep(0.05)

            for thread in threads:
                thread.join(timeout=max(1.0, until + GRACE + 15 - time.monotonic()))
            notes["/readyz after"] = readyz(port)
            metrics = scrape_saves(port, token)
        finally:
            set_connections(database, True)
            stop(master)

    acknowledged = tally.acknowledged
    rows = sql(
        [
            (
                "SELECT request_id, count(*) FROM generated_media "
                "WHERE request_id LIKE %s GROUP BY request_id",
                (f"{run}-%",),
            )
        ],
        url,
    )
    stored = {request_id: count for request_id, count in rows}
    lost = sorted(set(acknowledged) - set(stored))
    duplicated = sorted(r for r, count in stored.items() if count > 1)
    ((without_job,),) = sql(
        [
            (
                "SELECT count(*) FROM generated_media m LEFT JOIN jobs j "
                "ON j.owner_id = m.owner_id AND j.media_id = m.id WHERE j.id IS NULL",
                None,
            )
        ],
        url,
    )
    after_up = [sent for _, sent, _ in acknowledged.values() if sent >= events["up"]]
    recovery = min(after_up) - events["up"] if after_up else None
    longest = max((waited for _, _, waited in acknowledged.values()), default=0.0)

    rows_out = {
        "savers, seconds": f"{args.savers}, {args.seconds:g}",
        "database refused connections": f"{events['up'] - events['down']:.1f} s",
        "acknowledged saves": f"{len(acknowledged)}",
        "  of which replays answered 200": f"{sum(s == 200 for s, _, _ in acknowledged.values())}",
        "lost (acknowledged, not stored)": f"{len(lost)}",
        "duplicated (a requestId stored twice)": f"{len(duplicated)}",
        "stored, never acknowledged": f"{len(set(stored) - set(acknowledged))}",
        "given up unacknowledged": f"{len(tally.unacknowledged)}",
        "refused (4xx)": f"{len(tally.refused)}",
        "records without their archive job": f"{without_job}",
        "recovery after the database returned": (
            f"{recovery * 1000:.0f} ms" if recovery is not None else "never"
        ),
        "worker respawned after SIGKILL": (
            f"{(events['respawned'] - events['kill']) * 1000:.0f} ms"
            if "respawned" in events
            else "not within 30 s"
        ),
        "longest wait for one acknowledgement": f"{longest:.1f} s",
        "answers seen by the savers": ", ".join(
            f"{status}: {n}" for status, n in sorted(tally.answers.items())
        ),
        "broken connections": f"{tally.broken}",
        **notes,
        "save answers in /metrics (both workers)": ", ".join(
            f"{status}: {n:g}" for status, n in sorted(metrics.items())
        )
        or "none",
    }
    width = max(map(len, rows_out))
    for name, value in rows_out.items():
        print(f"{name:<{width}}  {value}")
    if lost or duplicated:
        print(f"LOST: {lost[:10]}  DUPLICATED: {duplicated[:10]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
