"""Prometheus metrics: request latency by endpoint, job outcomes, and the job queue.

Counted with prometheus_client. Under gunicorn every worker is its own process, so set
PROMETHEUS_MULTIPROC_DIR (an empty directory, made afresh at each start; see
mediaapp/gunicorn_config.py) for all of them, and of `flask media worker`: each process then
writes its counts there, and any scrape (`/metrics` on any worker, or the separate
`flask media metrics-server`) adds them up. The queue's depth and lag are read from the
`jobs` table at scrape time, so they are the same whichever process answers.
"""

import os
from collections.abc import Iterator

from flask import Flask
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.exc import DBAPIError

# Metrics live in their own registry (not prometheus_client's global one), so what is
# exported is exactly what is listed here.
OWN = CollectorRegistry(auto_describe=True)

REQUEST_SECONDS = Histogram(
    "mediaapp_http_request_duration_seconds",
    "Time to answer a request, by Flask endpoint (not raw path), method and status.",
    ("endpoint", "method", "status"),
    registry=OWN,
)
JOBS = Counter(
    "mediaapp_jobs",
    "Background jobs run, by kind and outcome (done, retry, failed).",
    ("kind", "outcome"),
    registry=OWN,
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def observe_request(endpoint: str | None, method: str, status: int, seconds: float) -> None:
    """Count one answered request; labels stay few (unknown methods are 'other')."""
    REQUEST_SECONDS.labels(
        endpoint or "none", method if method in METHODS else "other", str(status)
    ).observe(seconds)


def count_job(kind: str, outcome: str) -> None:
    JOBS.labels(kind, outcome).inc()


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def check_multiprocess_dir() -> None:
    """Refuse to start on a PROMETHEUS_MULTIPROC_DIR that is not a writable directory: every
    counted request would fail instead."""
    directory = multiprocess_dir()
    if directory and not (os.path.isdir(directory) and os.access(directory, os.W_OK)):
        raise RuntimeError(
            f"PROMETHEUS_MULTIPROC_DIR={directory} must be an existing, writable directory."
        )


class QueueCollector:
    """The job queue's depth and lag, read from the database at each scrape."""

    def __init__(self, app: Flask):
        self.app = app

    def describe(self) -> list[Metric]:
        return []  # known only when collected; keeps registration from querying the database

    def collect(self) -> Iterator[Metric]:
        from . import jobs  # jobs imports this module for its counter

        up = GaugeMetricFamily(
            "mediaapp_job_queue_up", "1 when the job queue (the jobs table) could be read."
        )
        try:
            with self.app.app_context():
                depth = jobs.queue_depth()
        except DBAPIError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "mediaapp_job_queue_depth", "Jobs due to run now.", value=depth["due"]
        )
        yield GaugeMetricFamily(
            "mediaapp_job_queue_lag_seconds",
            "How long the oldest due job has waited past its run time.",
            value=depth["lag_seconds"],
        )


def scrape_registry(app: Flask) -> CollectorRegistry:
    """What one scrape exports: every process's counts (multiprocess) or this one's."""
    registry = app.extensions.get("metrics_registry")
    if registry is not None:
        return registry
    registry = CollectorRegistry(auto_describe=True)
    directory = multiprocess_dir()
    if directory:
        multiprocess.MultiProcessCollector(registry, path=directory)
    else:
        registry.register(REQUEST_SECONDS)
        registry.register(JOBS)
        ProcessCollector(registry=registry)
    registry.register(QueueCollector(app))
    app.extensions["metrics_registry"] = registry
    return registry


def exposition(app: Flask) -> tuple[bytes, str]:
    """The text format and its content type."""
    return generate_latest(scrape_registry(app)), CONTENT_TYPE_LATEST
