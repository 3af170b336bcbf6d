"""Choose gunicorn's worker class and counts for this machine by measuring them.

Serves the app (on a database run.py loaded) under each configuration in turn and measures
list and save throughput with CLIENTS concurrent clients, the list's p50 with one, and the
server CPU per request; then names the configuration with the most list requests per
second whose save throughput is within 10% of the best. Bounded in time; stops every server
it starts. Usage:

    .venv/bin/python bench/sweep.py --database mediaapp_bench_me [--seconds 6] [--clients 8]
"""

import argparse
import os
import threading
import time
import uuid

import run  # bench/run.py, beside this file

# (worker class, workers, threads): sync as today, more sync workers, and gthread.
CONFIGS = [
    ("sync", 2, 1),
    ("sync", 3, 1),
    ("sync", 4, 1),
    ("sync", 6, 1),
    ("gthread", 2, 2),
    ("gthread", 2, 4),
    ("gthread", 3, 2),
    ("gthread", 4, 2),
]


def load_test(port, method, path, seconds, clients, cookie, fresh_body=None) -> float:
    done, stop = [0] * clients, time.monotonic() + seconds

    def client(k):
        i = 0
        while time.monotonic() < stop:
            body = fresh_body(f"{k}-{i}") if fresh_body else None
            run.request(port, method, path, body, cookie)
            done[k] += 1
            i += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    return sum(done) / seconds


def measure(config, args, port) -> dict:
    worker_class, workers, threads = config
    server = run.serve("app:app", port, workers=workers, worker_class=worker_class, threads=threads)
    meter = run.CpuMeter(server, port)
    try:
        cookie = run.sign_in(port)
        tag = uuid.uuid4().hex[:8]
        for _ in range(30):
            run.request(port, "GET", "/api/media/list", cookie=cookie)
        p50 = run.measure(port, meter, "GET", "/api/media/list", args.n, cookie=cookie)["p50"]
        before = meter.snapshot()
        list_rps = load_test(port, "GET", "/api/media/list", args.seconds, args.clients, cookie)
        web, db = meter.per_request_ms(before, meter.snapshot(), round(list_rps * args.seconds))
        save_rps = load_test(
            port,
            "POST",
            "/api/media/save",
            args.seconds,
            args.clients,
            cookie,
            fresh_body=lambda i: {**run.SAVE_BODY, "requestId": f"s{tag}-{i}"},
        )
    finally:
        server.terminate()
        server.wait(10)
    return {"list_rps": list_rps, "save_rps": save_rps, "p50": p50, "cpu": web + db}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=run.DB)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--n", type=int, default=100, help="requests for the single-client p50")
    parser.add_argument("--port", type=int, default=8321)
    args = parser.parse_args()
    run.use_database(args.database)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    results = {}
    for config in CONFIGS:
        results[config] = measure(config, args, args.port)
        r = results[config]
        print(
            f"  {config[0]:<8} -w {config[1]} --threads {config[2]}:  list {r['list_rps']:6.0f}"
            f" req/s, save {r['save_rps']:6.0f} req/s, list p50 {r['p50']:5.2f} ms, "
            f"CPU {r['cpu']:.2f} ms per list request",
            flush=True,
        )
    best_save = max(r["save_rps"] for r in results.values())
    fit = {c: r for c, r in results.items() if r["save_rps"] >= 0.9 * best_save}
    chosen = max(fit, key=lambda c: fit[c]["list_rps"])
    print(f"load average {os.getloadavg()[0]:.2f} at the end")
    print(f"chosen: -k {chosen[0]} -w {chosen[1]} --threads {chosen[2]}")


if __name__ == "__main__":
    main()
