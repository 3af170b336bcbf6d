"""The durable job queue: jobs born in their record's transaction, claimed with a lease so two
workers never hold the same one, retried with backoff for about an hour, then given up."""

import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from mediaapp import jobs
from mediaapp.extensions import db
from mediaapp.models import Job, utcnow

OWNER = uuid.UUID(int=1)
CALLS: list[tuple[str, uuid.UUID]] = []
FAILED: list[tuple[uuid.UUID, str, str]] = []
BEHAVIOUR: dict[uuid.UUID, Exception] = {}


def _failed(job, reason, status):
    FAILED.append((job.media_id, reason, status))


@jobs.handler("test", failed=_failed)
def _run(job):
    CALLS.append(("run", job.media_id))
    if job.media_id in BEHAVIOUR:
        raise BEHAVIOUR[job.media_id]


@pytest.fixture(autouse=True)
def fresh_queue(app):
    CALLS.clear()
    FAILED.clear()
    BEHAVIOUR.clear()
    yield
    with app.app_context():
        db.session.execute(sa.delete(Job))
        db.session.commit()


def _queue(app, *media_ids, delay=0):
    with app.app_context():
        for media_id in media_ids:
            jobs.enqueue("test", OWNER, media_id, delay=delay)
        db.session.commit()


def _jobs(app):
    with app.app_context():
        return db.session.execute(sa.select(Job).order_by(Job.id)).scalars().all()


def test_a_due_job_runs_once_and_is_gone(app):
    media_id = uuid.uuid4()
    _queue(app, media_id)

    with app.app_context():
        ran = jobs.run_due()

    assert ran == 1 and CALLS == [("run", media_id)]
    assert _jobs(app) == []


def test_queueing_the_same_record_twice_keeps_one_job(app):
    media_id = uuid.uuid4()

    _queue(app, media_id, media_id)

    assert len(_jobs(app)) == 1


def test_a_job_that_is_not_due_yet_waits(app):
    _queue(app, uuid.uuid4(), delay=60)

    with app.app_context():
        assert jobs.run_due() == 0
    assert CALLS == []


def test_a_job_rolled_back_with_its_transaction_never_existed(app):
    with app.app_context():
        jobs.enqueue("test", OWNER, uuid.uuid4())
        db.session.rollback()

    assert _jobs(app) == []


def test_a_retryable_failure_runs_again_later_with_backoff(app):
    media_id = uuid.uuid4()
    BEHAVIOUR[media_id] = jobs.RetryLater("the provider answered 503")
    _queue(app, media_id)

    with app.app_context():
        outcome = jobs.run(jobs.claim())
        [job] = db.session.execute(sa.select(Job)).scalars().all()
        wait = job.run_at - utcnow()

    assert outcome == "retry"
    assert job.attempts == 1 and job.locked_until is None
    assert job.last_error == "the provider answered 503"
    assert timedelta(seconds=1) < wait <= timedelta(seconds=jobs.BACKOFF[0])


def test_retries_span_about_an_hour_then_the_job_gives_up_and_says_why(app):
    media_id = uuid.uuid4()
    BEHAVIOUR[media_id] = jobs.RetryLater("still 503")
    _queue(app, media_id)

    with app.app_context():
        outcomes = []
        for _ in range(len(jobs.BACKOFF) + 1):
            db.session.execute(sa.update(Job).values(run_at=utcnow()))  # skip the wait
            db.session.commit()
            outcomes.append(jobs.run(jobs.claim()))

    assert 50 * 60 <= sum(jobs.BACKOFF) <= 75 * 60
    assert outcomes == ["retry"] * len(jobs.BACKOFF) + ["failed"]
    assert FAILED == [
        (media_id, f"Gave up after {len(jobs.BACKOFF) + 1} tries: still 503", "failed")
    ]
    assert _jobs(app) == []


def test_giving_up_at_once_tells_the_handler_the_status(app):
    class Gone(jobs.GiveUp):
        status = "expired"

    media_id = uuid.uuid4()
    BEHAVIOUR[media_id] = Gone("404 from the provider")
    _queue(app, media_id)

    with app.app_context():
        outcome = jobs.run(jobs.claim())

    assert outcome == "failed"
    assert FAILED == [(media_id, "404 from the provider", "expired")]
    assert _jobs(app) == []


def test_a_claimed_job_is_not_claimed_again_until_its_lease_runs_out(app):
    _queue(app, uuid.uuid4())

    with app.app_context():
        first = jobs.claim()
        second = jobs.claim()
        after_lease = jobs.claim(now=utcnow() + jobs.LEASE + timedelta(seconds=1))

    assert first is not None and second is None
    assert after_lease is not None and after_lease.id == first.id and after_lease.attempts == 2


@pytest.mark.postgresql_only
def test_concurrent_workers_never_hold_the_same_job(app):
    ids = [uuid.uuid4() for _ in range(40)]
    _queue(app, *ids)
    claimed: list[int] = []
    lock = threading.Lock()

    def worker():
        with app.app_context():
            while (job := jobs.claim()) is not None:
                with lock:
                    claimed.append(job.id)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(claimed) == 40 and len(set(claimed)) == 40


def test_the_worker_loop_runs_jobs_as_they_come_and_stops_when_told(app):
    stop = threading.Event()
    thread = threading.Thread(target=jobs.work, args=(app, stop), kwargs={"idle": 0.05})
    thread.start()
    media_id = uuid.uuid4()
    _queue(app, media_id)

    for _ in range(200):
        if CALLS:
            break
        stop.wait(0.05)
    stop.set()
    thread.join(timeout=10)

    assert CALLS == [("run", media_id)]
    assert not thread.is_alive()
