"""The durable job queue, kept in the database: enqueue in the caller's transaction, claim
with a lease, retry with backoff, and the worker loop.

Why a table and not a broker: jobs are born in the same transaction as the record they work
on (a save that commits has its archive job; one that rolls back has none), the embedded
default (SQLite, `make run`) needs no other server, and PostgreSQL's FOR UPDATE SKIP LOCKED
lets any number of `flask media worker` processes on any hosts claim jobs without ever
holding the same one. A worker that dies holds its job only until the lease runs out.
"""

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import DBAPIError

from . import metrics
from .extensions import db
from .models import Job, utcnow
from .sql import dialect_insert

log = logging.getLogger(__name__)

# Seconds before each retry: about an hour in all, since most provider URLs die in 10-60 min.
BACKOFF = (5, 15, 30, 60, 120, 240, 480, 900, 1800)
# How long a claimed job is a worker's; longer than any one run (fetch and processing are
# bounded well below it), so only a dead worker's job is ever claimed again.
LEASE = timedelta(minutes=10)
IDLE_SECONDS = 1.0


class RetryLater(Exception):
    """A failure worth trying again (a network error, a 5xx): the job runs again later."""


class GiveUp(Exception):
    """A failure that another try cannot mend (a refused address, a 404): the job ends, and
    its handler is told `status` (a subclass may name another)."""

    status = "failed"


@dataclass(frozen=True)
class Claimed:
    id: int
    kind: str
    owner_id: uuid.UUID
    media_id: uuid.UUID
    attempts: int


@dataclass(frozen=True)
class Handler:
    run: Callable[[Claimed], None]
    # Told why and how (a status), when the job ends without success.
    failed: Callable[[Claimed, str, str], None]


HANDLERS: dict[str, Handler] = {}


def handler(kind: str, *, failed: Callable[[Claimed, str, str], None]):
    """Register the function that runs jobs of `kind`."""

    def register(run: Callable[[Claimed], None]):
        HANDLERS[kind] = Handler(run, failed)
        return run

    return register


def enqueue(kind: str, owner_id: uuid.UUID, media_id: uuid.UUID, *, delay: float = 0) -> None:
    """Queue a job in the session's transaction (the caller commits). A job already queued for
    the same record is left as it is."""
    db.session.execute(
        dialect_insert(Job)
        .values(
            kind=kind,
            owner_id=owner_id,
            media_id=media_id,
            run_at=utcnow() + timedelta(seconds=delay),
            attempts=0,
        )
        .on_conflict_do_nothing()
    )


def enqueue_many(kind: str, owner_id: uuid.UUID, media_ids: list[uuid.UUID]) -> None:
    """enqueue for many records of one owner at once (executemany, so multi-row INSERTs)."""
    if not media_ids:
        return
    run_at = utcnow()
    db.session.execute(
        dialect_insert(Job).on_conflict_do_nothing(),
        [
            {
                "kind": kind,
                "owner_id": owner_id,
                "media_id": media_id,
                "run_at": run_at,
                "attempts": 0,
            }
            for media_id in media_ids
        ],
    )


def claim(now: datetime | None = None) -> Claimed | None:
    """Take the next due job, leased to the caller, and commit; None when nothing is due.

    The queue is read across owners by design (a worker serves everyone); each job then works
    on one owner's rows only.
    """
    now = now or utcnow()
    due = (
        sa.select(Job.id)
        .where(Job.run_at <= now, sa.or_(Job.locked_until.is_(None), Job.locked_until < now))
        .order_by(Job.run_at, Job.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite serialises writers anyway
        .scalar_subquery()
    )
    row = db.session.execute(
        sa.update(Job)
        .where(Job.id == due)
        .values(locked_until=now + LEASE, attempts=Job.attempts + 1)
        .returning(Job.id, Job.kind, Job.owner_id, Job.media_id, Job.attempts)
    ).first()
    db.session.commit()
    return Claimed(*row) if row else None


def _finish(job: Claimed) -> None:
    db.session.execute(sa.delete(Job).where(Job.id == job.id))
    db.session.commit()


def _retry(job: Claimed, reason: str) -> bool:
    """Schedule the next try; False when the tries are used up."""
    if job.attempts > len(BACKOFF):
        return False
    db.session.execute(
        sa.update(Job)
        .where(Job.id == job.id)
        .values(
            run_at=utcnow() + timedelta(seconds=BACKOFF[job.attempts - 1]),
            locked_until=None,
            last_error=reason[:2000],
        )
    )
    db.session.commit()
    return True


def run(job: Claimed) -> str:
    """Run one claimed job to its next state: "done", "retry" or "failed" (and count it)."""
    outcome = _run(job)
    metrics.count_job(job.kind, outcome)
    return outcome


def _run(job: Claimed) -> str:
    handler_ = HANDLERS.get(job.kind)
    if handler_ is None:
        log.error("job %s has unknown kind %r; dropping it", job.id, job.kind)
        _finish(job)
        return "failed"
    try:
        handler_.run(job)
    except GiveUp as exc:
        db.session.rollback()
        handler_.failed(job, str(exc), exc.status)
        _finish(job)
        return "failed"
    except Exception as exc:  # a RetryLater, or anything unexpected: try again later
        db.session.rollback()
        if not isinstance(exc, RetryLater):
            log.exception("job %s (%s) failed unexpectedly", job.id, job.kind)
        reason = str(exc) or type(exc).__name__
        if _retry(job, reason):
            return "retry"
        handler_.failed(job, f"Gave up after {job.attempts} tries: {reason}", GiveUp.status)
        _finish(job)
        return "failed"
    _finish(job)
    return "done"


def run_due(limit: int | None = None) -> int:
    """Run due jobs until none is left (or `limit` ran); how many ran. Needs an app context."""
    ran = 0
    while limit is None or ran < limit:
        job = claim()
        if job is None:
            break
        run(job)
        ran += 1
    return ran


def work(app: Flask, stop: threading.Event, *, idle: float = IDLE_SECONDS) -> None:
    """The worker loop: run jobs as they come due until `stop` is set.

    A database that goes away is waited out, not fatal: the loop sleeps and tries again.
    """
    while not stop.is_set():
        try:
            with app.app_context():
                ran = run_due(limit=50)
        except DBAPIError as exc:
            log.warning("job queue unreachable (%s); retrying", exc.__class__.__name__)
            ran = 0
        if not ran:
            stop.wait(idle)


_embedded_lock = threading.Lock()


def start_embedded_worker(app: Flask) -> None:
    """Run the worker loop in a daemon thread of this process, once (the embedded default:
    `make run` needs no other process)."""
    if app.extensions.get("embedded_worker"):  # every request after the first
        return
    with _embedded_lock:
        if app.extensions.get("embedded_worker"):
            return
        stop = threading.Event()
        thread = threading.Thread(
            target=work, args=(app, stop), name="mediaapp-worker", daemon=True
        )
        app.extensions["embedded_worker"] = (thread, stop)
        thread.start()
    log.info("embedded job worker started")


def queue_depth() -> dict[str, int | float]:
    """How many jobs wait, and how late the oldest due one is (seconds), for operators."""
    now = utcnow()
    waiting, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(Job.run_at)).where(Job.run_at <= now)
    ).one()
    return {"due": waiting, "lag_seconds": (now - oldest).total_seconds() if oldest else 0.0}
