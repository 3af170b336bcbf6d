"""Weigh the demo gallery's first page: requests and bytes on the wire, cold and warm cache.

Builds a PostgreSQL database holding the demo account (`flask seed-demo`, its files archived
by `flask media worker --once`), serves the app under gunicorn (2 workers) on 127.0.0.1,
logs in as the demo account and loads `/` in headless Chromium (/usr/bin/chromium, through
Playwright) at Lighthouse's mobile viewport: every request with its transferred bytes
(headers included) on a cold cache, then what a second visit still asks the network for.
With --lighthouse it also runs Lighthouse (mobile, simulated throttling) RUNS times against
the same page and prints the median performance score and its metrics. Bounded in time;
stops the server it started. Usage:

    .venv/bin/python bench/page_weight.py [--database mediaapp_bench_web] \\
        [--lighthouse /path/to/node_modules/.bin/lighthouse] [--runs 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as bench  # noqa: E402

PORT = 8321
DEMO = {"email": "demo@mediaapp.local", "password": "mediaapp-demo"}
CHROMIUM = "/usr/bin/chromium"
# Lighthouse's default mobile device (a Moto G Power): 412 x 823 CSS px at 1.75 dppx.
MOBILE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75}
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=bench.ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )


def demo_server(database: str, store: Path):
    """A fresh database with the demo history archived, and gunicorn serving it."""
    bench.use_database(database)
    bench.fresh_database()
    env = {
        **os.environ,
        "DATABASE_URL": bench.URL,
        "SECRET_KEY": "bench",
        "MEDIAAPP_STORAGE_URL": f"file://{store}",
    }
    flask(env, "seed-demo")
    flask(env, "media", "worker", "--once")
    return bench.serve("app:app", PORT, MEDIAAPP_STORAGE_URL=f"file://{store}")


def login_cookie() -> str:
    response, _ = bench.request(PORT, "POST", "/api/auth/login", DEMO)
    return response.getheader("Set-Cookie").split(";")[0]


def weigh(cookie: str) -> dict:
    """Load / twice in one browser context; what each visit took from the network."""
    from playwright.sync_api import sync_playwright

    name, value = cookie.split("=", 1)
    base = f"http://127.0.0.1:{PORT}"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(**MOBILE)
        context.add_cookies([{"name": name, "value": value, "url": base}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        seen: dict[str, dict] = {}

        def received(e):
            entry = seen.setdefault(e["requestId"], {})
            entry.update(
                url=e["response"]["url"],
                type=e["type"],
                status=e["response"]["status"],
                encoding=next(
                    (
                        v
                        for k, v in e["response"]["headers"].items()
                        if k.lower() == "content-encoding"
                    ),
                    "",
                ),
            )
            # requestServedFromCache (a memory-cache hit) may have come first.
            entry["cached"] = entry.get("cached") or e["response"].get("fromDiskCache", False)

        cdp.on("Network.responseReceived", received)
        cdp.on(
            "Network.loadingFinished",
            lambda e: seen.setdefault(e["requestId"], {}).update(bytes=e["encodedDataLength"]),
        )
        cdp.on(
            "Network.requestServedFromCache",
            lambda e: seen.setdefault(e["requestId"], {}).update(cached=True),
        )
        visits = []
        for _ in range(2):
            seen.clear()
            page.goto(f"{base}/", wait_until="networkidle")
            page.wait_for_timeout(500)
            visits.append([dict(r) for r in seen.values() if "url" in r])
        browser.close()
    return {"cold": visits[0], "warm": visits[1]}


def summary(requests: list[dict]) -> tuple[int, int, dict]:
    """(requests that reached the network, their bytes, bytes by resource type)."""
    network = [r for r in requests if not r.get("cached") and not r["url"].startswith("data:")]
    by_type: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in network:
        by_type[r["type"]][0] += 1
        by_type[r["type"]][1] += r.get("bytes", 0)
    return len(network), sum(r.get("bytes", 0) for r in network), dict(by_type)


def lighthouse(binary: str, cookie: str, runs: int) -> dict:
    """The median performance score and metrics over `runs` Lighthouse runs (mobile)."""
    results = []
    with tempfile.TemporaryDirectory() as out:
        for i in range(runs * 2):  # a run Lighthouse itself gives up on is tried again
            if len(results) == runs:
                break
            report = Path(out) / f"lh-{i}.json"
            finished = subprocess.run(
                [
                    binary,
                    f"http://127.0.0.1:{PORT}/",
                    "--only-categories=performance",
                    "--output=json",
                    f"--output-path={report}",
                    "--chrome-flags=--headless=new --no-sandbox",
                    f"--extra-headers={json.dumps({'Cookie': cookie})}",
                    "--quiet",
                ],
                env={**os.environ, "CHROME_PATH": CHROMIUM},
                timeout=300,
            )
            if finished.returncode == 0:
                results.append(json.loads(report.read_text()))
    if not results:
        raise SystemExit("Lighthouse failed on every run")
    scores = [r["categories"]["performance"]["score"] * 100 for r in results]
    middle = results[scores.index(statistics.median_low(scores))]
    failing = [
        f"{a['id']} ({a.get('displayValue', '')})".replace(" ()", "")
        for a in middle["audits"].values()
        if a.get("score") is not None
        and a["score"] < 0.9
        and a.get("scoreDisplayMode") in ("numeric", "binary", "metricSavings")
    ]
    return {
        "scores": scores,
        "median": statistics.median_low(scores),
        "metrics": {m: middle["audits"][m]["displayValue"] for m in METRICS},
        "weight": middle["audits"]["total-byte-weight"]["displayValue"],
        "requests": len(middle["audits"]["network-requests"]["details"]["items"]),
        "failing": failing,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="mediaapp_bench_web")
    parser.add_argument("--lighthouse", help="path to a Lighthouse 12 CLI (npm i lighthouse@12)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs (median)")
    parser.add_argument("--verbose", action="store_true", help="list every request")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mediaapp-weight-") as store:
        server = demo_server(args.database, Path(store))
        try:
            cookie = login_cookie()
            print_visits(weigh(cookie), args.verbose)
            report = lighthouse(args.lighthouse, cookie, args.runs) if args.lighthouse else None
        finally:
            server.terminate()
            server.wait(10)
    if report:
        print(f"Lighthouse mobile performance: {report['median']:.0f} (runs: {report['scores']})")
        for metric, value in report["metrics"].items():
            print(f"  {metric:<26} {value}")
        print(f"  total byte weight          {report['weight']}, {report['requests']} requests")
        print("  audits below 0.9: " + (", ".join(report["failing"]) or "none"))


def print_visits(visits: dict, verbose: bool) -> None:
    for name, requests in visits.items():
        count, total, by_type = summary(requests)
        print(f"{name} visit: {count} requests, {total / 1000:.1f} kB on the wire")
        for kind, (n, size) in sorted(by_type.items(), key=lambda item: -item[1][1]):
            print(f"  {kind:<12} {n:3} requests  {size / 1000:8.1f} kB")
        if verbose:
            for r in requests:
                where = "cache" if r.get("cached") else f"{r.get('bytes', 0) / 1000:7.1f} kB"
                print(f"    {r['status']} {where:>10} {r['encoding'] or '-':>4}  {r['url'][:100]}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
