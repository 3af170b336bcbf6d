"""Readiness: can this process serve? The database, the blob store and the job queue.

Each check is bounded (the database by its connect timeout and a statement timeout, the
store by its own client timeouts) and reports only whether it worked and how long it took;
the reason for a failure goes to the log, never to the (unauthenticated) answer.
"""

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app

from .. import jobs
from ..extensions import db
from ..storage import StoreUnavailable

log = logging.getLogger(__name__)


@dataclass
class Readiness:
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(check["ok"] for check in self.checks.values())


def _elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def check_readiness() -> Readiness:
    """Run every check; never raises. Reads the jobs table across owners (its depth only)."""
    result = Readiness()
    started = time.perf_counter()
    try:
        if db.engine.dialect.name == "postgresql":
            timeout_ms = int(current_app.config["READY_DB_TIMEOUT_MS"])
            db.session.execute(sa.text(f"SET LOCAL statement_timeout = {timeout_ms}"))
        db.session.execute(sa.text("SELECT 1"))
        result.checks["database"] = {"ok": True, "ms": _elapsed_ms(started)}
        started = time.perf_counter()
        depth = jobs.queue_depth()
        result.checks["queue"] = {
            "ok": True,
            "ms": _elapsed_ms(started),
            "due": depth["due"],
            "lagSeconds": round(depth["lag_seconds"], 3),
        }
    except Exception as exc:  # any failure means "not ready"; the reason is for the log
        log.warning("readiness: database or job queue unreachable: %s", exc)
        result.checks.setdefault("database", {"ok": False, "ms": _elapsed_ms(started)})
        result.checks["queue"] = {"ok": False, "ms": _elapsed_ms(started)}
    finally:
        _end_transaction()
    started = time.perf_counter()
    try:
        current_app.extensions["blob_store"].check()
        result.checks["storage"] = {"ok": True, "ms": _elapsed_ms(started)}
    except (StoreUnavailable, OSError) as exc:
        log.warning("readiness: blob store unavailable: %s", exc)
        result.checks["storage"] = {"ok": False, "ms": _elapsed_ms(started)}
    return result


def _end_transaction() -> None:
    try:
        db.session.rollback()  # also ends SET LOCAL's reach
    except Exception:  # the connection is gone already; the pool replaces it
        log.debug("rollback after a readiness check failed", exc_info=True)
