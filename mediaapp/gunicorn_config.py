"""gunicorn hooks for Prometheus multiprocess: `gunicorn -c python:mediaapp.gunicorn_config`.

Every worker writes its counts to files in PROMETHEUS_MULTIPROC_DIR. Files left by an earlier
run would be added to this run's totals, so the directory is emptied when the master starts;
a worker that exits is marked dead so that its live gauges stop being reported (its counters
stay in the totals, as counters must).
"""

import os
import pathlib
import re

from prometheus_client import multiprocess

# The files prometheus_client writes (counter_<pid>.db, gauge_livesum_<pid>.db ...); nothing
# else in the directory is ever deleted.
METRIC_FILE = re.compile(r"(counter|histogram|summary|gauge_[a-z]+)_\d+\.db")


def on_starting(_server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    path = pathlib.Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        if METRIC_FILE.fullmatch(stale.name):
            stale.unlink()


def child_exit(_server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
