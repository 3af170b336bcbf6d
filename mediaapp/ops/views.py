"""/healthz, /readyz and /metrics: cheap, unauthenticated (but /metrics), nothing private."""

import hmac

from flask import abort, current_app, jsonify, request

from .. import metrics
from ..services.health import check_readiness
from . import bp


@bp.get("/healthz")
def healthz():
    """The process is alive and answering; touches nothing else."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """200 when the database, the blob store and the job queue answer; 503 otherwise."""
    readiness = check_readiness()
    body = {"status": "ready" if readiness.ready else "unready", "checks": readiness.checks}
    if readiness.ready:
        return jsonify(body)
    return jsonify(body), 503, {"Retry-After": "5"}


@bp.get("/metrics")
def prometheus_metrics():
    """Prometheus text format, only with `Authorization: Bearer $MEDIAAPP_METRICS_TOKEN`;
    without the token (or with none configured) there is nothing here: 404."""
    token = current_app.config["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(404)
    body, content_type = metrics.exposition(current_app._get_current_object())
    return body, 200, {"Content-Type": content_type}
