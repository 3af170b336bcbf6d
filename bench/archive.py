"""Benchmark the archive path: what it costs a save, how fast the worker keeps files, how
long a thumbnail takes, and what the gallery's first page weighs before and after.

Runs on its own PostgreSQL database on 127.0.0.1 with the app under gunicorn (2 sync
workers) twice, archiving on and off, and a file server on 127.0.0.1 serving ~1 MB PNGs.
Bounded in time; stops everything it started. Usage:

    .venv/bin/python bench/archive.py [--saves 300] [--images 40]
"""

import argparse
import io
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import ROOT, SAVE_BODY, fresh_database, median_ms, request, serve, sql  # noqa: E402

DB = "mediaapp_bench_archive"
URL = f"postgresql://postgres@127.0.0.1:5432/{DB}"
EMAIL, PASSWORD = "archive@bench.local", "bench-password"


def noise_png(seed: int, side: int = 580) -> bytes:
    """A PNG of random pixels: incompressible, so about 1 MB at 580×580."""
    from PIL import Image

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def file_server(files: dict[str, bytes]) -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def login(port: int) -> str:
    body = {"email": EMAIL, "password": PASSWORD}
    try:
        response, _ = request(port, "POST", "/api/auth/register", body)
    except SystemExit:  # registered through the other server already
        response, _ = request(port, "POST", "/api/auth/login", body)
    return response.getheader("Set-Cookie").split(";")[0]


def save_p50(port: int, cookie: str, n: int, tag: str) -> float:
    def body(i):
        return {**SAVE_BODY, "requestId": f"{tag}-{i}-{time.time_ns()}"}

    return median_ms(port, "POST", "/api/media/save", n, cookie=cookie, fresh_body=body)


def page_images(port: int, cookie: str) -> list[str]:
    _, html = request(port, "GET", "/", cookie=cookie)
    srcs = re.findall(r'<img class="media-card__media" src="([^"]+)"', html.decode())
    return [src for src in srcs if src != "/"]  # the offline card <template> is not a card


def bytes_of(srcs: list[str], port: int, cookie: str, files_port: int) -> int:
    total = 0
    for src in srcs:
        if src.startswith("http://127.0.0.1:"):
            _, data = request(files_port, "GET", src.split(str(files_port), 1)[1])
        else:
            _, data = request(port, "GET", src.replace("&amp;", "&"), cookie=cookie)
        total += len(data)
    return total


def worker_run(processes: int) -> float:
    """Seconds for `processes` worker processes to empty the queue."""
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "SECRET_KEY": "bench",
        "MEDIAAPP_FETCH_ALLOW": "127.0.0.1/32",
        "MEDIAAPP_STORAGE_URL": f"file://{STORE}",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "media", "worker", "--once"]
    started = time.perf_counter()
    workers = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        for _ in range(processes)
    ]
    for worker in workers:
        worker.wait(timeout=600)
    return time.perf_counter() - started


def thumbnail_ms(data: bytes, n: int = 15) -> float:
    from mediaapp.processing import describe

    with tempfile.NamedTemporaryFile(suffix=".png") as file:
        file.write(data)
        file.flush()
        times = []
        for _ in range(n):
            start = time.perf_counter()
            describe(Path(file.name), "image/png")
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


STORE = Path(tempfile.mkdtemp(prefix="mediaapp-bench-blobs-"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=300, help="saves per median")
    parser.add_argument("--images", type=int, default=40, help="~1 MB images to archive")
    args = parser.parse_args()

    images = {f"/img/{i}.png": noise_png(i) for i in range(args.images)}
    files, files_port = file_server(images)
    fresh_database(DB)
    storage = {"MEDIAAPP_STORAGE_URL": f"file://{STORE}"}
    on = serve("app:app", 8311, URL, MEDIAAPP_ARCHIVE="1", **storage)
    off = serve("app:app", 8312, URL, MEDIAAPP_ARCHIVE="0", **storage)
    rows = {}
    try:
        cookie_on, cookie_off = login(8311), login(8312)
        # Alternate the two so drift on this shared machine falls on both alike.
        on_runs, off_runs = [], []
        for round_ in range(3):
            on_runs.append(save_p50(8311, cookie_on, args.saves // 3, f"on{round_}"))
            off_runs.append(save_p50(8312, cookie_off, args.saves // 3, f"off{round_}"))
        rows["save p50, archiving on"] = f"{statistics.median(on_runs):.2f} ms"
        rows["save p50, archiving off"] = f"{statistics.median(off_runs):.2f} ms"
        ratio = statistics.median(on_runs) / statistics.median(off_runs)
        rows["  on / off"] = f"{ratio:.2f}"
        sql([("DELETE FROM jobs", None), ("DELETE FROM generated_media", None)], URL)

        for path in images:
            body = {**SAVE_BODY, "url": f"http://127.0.0.1:{files_port}{path}"}
            request(8311, "POST", "/api/media/save", body, cookie_on)
        before = page_images(8311, cookie_on)
        rows["gallery first page before: images"] = f"{len(before)}"
        before_bytes = bytes_of(before, 8311, cookie_on, files_port)
        rows["gallery first page before: bytes"] = f"{before_bytes:,}"

        megabytes = sum(len(b) for b in images.values()) / 1e6
        half = args.images // 2
        later = (
            "UPDATE jobs SET run_at = now() + interval '1 hour' "
            f"WHERE id IN (SELECT id FROM jobs ORDER BY id OFFSET {half})"
        )
        sql([(later, None)], URL)  # the first half for one worker, the rest for two
        one = worker_run(1)
        sql([("UPDATE jobs SET run_at = now()", None)], URL)
        two = worker_run(2)
        rows["archive throughput, 1 worker"] = (
            f"{half / one:.1f} images/s ({megabytes / args.images * half / one:.1f} MB/s)"
        )
        rows["archive throughput, 2 workers"] = (
            f"{(args.images - half) / two:.1f} images/s "
            f"({megabytes / args.images * (args.images - half) / two:.1f} MB/s)"
        )
        ((stored,),) = sql(
            [("SELECT count(*) FROM generated_media WHERE archive_status = 'stored'", None)], URL
        )
        rows["stored after the runs"] = f"{stored} of {args.images}"
        after = page_images(8311, cookie_on)
        after_bytes = bytes_of(after, 8311, cookie_on, files_port)
        rows["gallery first page after: images"] = f"{len(after)}"
        rows["gallery first page after: bytes"] = f"{after_bytes:,}"
        rows["  after / before"] = f"{after_bytes / before_bytes:.3f}"
        rows["thumbnail + placeholder, ~1 MB PNG, p50"] = (
            f"{thumbnail_ms(images['/img/0.png']):.1f} ms"
        )
    finally:
        for proc in (on, off):
            proc.terminate()
            proc.wait(timeout=10)
        files.shutdown()
    width = max(map(len, rows))
    for name, value in rows.items():
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
