"""gunicorn hooks for Prometheus multiprocess: `gunicorn -c python:mediaapp.gunicorn_config`.

Every worker writes its counts to files in PROMETHEUS_MULTIPROC_DIR. Files left by an earlier
run would be added to this run's totals, so the directory is emptied when the master starts;
a worker that exits is marked dead so that its live gauges stop being reported (its counters
stay in the totals, as counters must).
"""

import os
import pathlib

from prometheus_client import multiprocess


def on_starting(_server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    path = pathlib.Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()


def child_exit(_server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
