"""gunicorn settings for mediaapp behind nginx (deploy/nginx.conf).

    gunicorn -c deploy/gunicorn.conf.py app:app        # workers: -w N or WEB_CONCURRENCY

Command-line flags override what is set here. The hooks also keep Prometheus's
multiprocess files right (mediaapp/gunicorn_config.py) when PROMETHEUS_MULTIPROC_DIR is set.
"""

import os

from mediaapp import gunicorn_config as metrics_hooks

bind = os.environ.get("MEDIAAPP_BIND", "127.0.0.1:8000")
# Measured on the 2-core machine, not guessed (bench/sweep.py; figures in README.md,
# "Workers and threads, measured"): three sync workers, one more than the cores so that one
# waiting on PostgreSQL leaves none idle. gthread cost more CPU per request and served no
# more. -w / WEB_CONCURRENCY, -k and --threads still override these.
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY") or 3)
# nginx buffers whole requests and answers before they reach a worker, so sync workers only
# ever see complete requests; this timeout is for the app itself.
timeout = 30
graceful_timeout = 20
# Only nginx on this host talks to gunicorn; trust its X-Forwarded-* (the app's
# MEDIAAPP_PROXY_FIX=1 reads them).
forwarded_allow_ips = "127.0.0.1"


def on_starting(server):
    """Refuse to start, in production, several workers that would each count rate limits in
    their own memory (so every limit would be multiplied by the worker count)."""
    from mediaapp.config import Config
    from mediaapp.limits import check_limit_storage

    check_limit_storage(Config.ENV_NAME, Config.RATELIMIT_STORAGE_URI, server.cfg.workers)
    metrics_hooks.on_starting(server)


def child_exit(server, worker):
    """Mark a gone worker's Prometheus files dead (PROMETHEUS_MULTIPROC_DIR)."""
    metrics_hooks.child_exit(server, worker)
