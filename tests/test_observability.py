"""What operators see: request ids, one structured log line per request, Prometheus metrics."""

import json
import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from mediaapp import jobs
from mediaapp.extensions import db
from mediaapp.models import Job, utcnow
from mediaapp.observability import json_formatter
from tests.conftest import image_payload, save
from tests.helpers import saved_id

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "metrics-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_client(make_app, app):
    return make_app(METRICS_TOKEN=TOKEN).test_client()


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "mediaapp.request"]


def sample(text: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        metric, _, value = line.rpartition(" ")
        if metric.split("{")[0] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', metric))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(value)
    return 0.0


# X-Request-ID


def test_a_sane_incoming_request_id_is_returned(client):
    response = client.get("/api/media/list", headers={"X-Request-ID": "edge-7f3a.01:x"})

    assert response.headers["X-Request-ID"] == "edge-7f3a.01:x"


@pytest.mark.parametrize(
    "incoming",
    ["", "x" * 129, "has space", "<script>", "semi;colon", "-dash", "tab\there", "é-accent"],
)
def test_an_unusable_request_id_is_replaced_by_a_fresh_one(client, incoming):
    response = client.get("/api/media/list", headers={"X-Request-ID": incoming})

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


@pytest.mark.parametrize(
    "path", ["/", "/healthz", "/static/css/app.css", "/no-such-page", "/api/nowhere"]
)
def test_every_answer_carries_a_request_id(client, path):
    response = client.get(path)

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_an_error_answer_carries_the_request_id_it_was_given(client):
    response = client.post(
        "/api/media/save", data="x", content_type="text/plain", headers={"X-Request-ID": "r-415"}
    )

    assert response.status_code == 415
    assert response.headers["X-Request-ID"] == "r-415"


def test_two_requests_get_different_ids(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(2)}

    assert len(ids) == 2


# One log line per request


def test_each_request_logs_one_line_with_its_facts(client, caplog):
    caplog.set_level(logging.INFO, logger="mediaapp.request")

    client.get("/api/media/list?limit=5&q=secret+words", headers={"X-Request-ID": "abc-1"})

    [line] = request_lines(caplog)
    assert line.method == "GET"
    assert line.path == "/api/media/list"  # never the query string
    assert line.status == 200
    assert line.endpoint == "api.list_media"
    assert line.request_id == "abc-1"
    assert line.owner_kind == "guest"
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0


def test_the_log_line_says_a_signed_in_account_asked(client, caplog):
    client.post("/api/auth/register", json={"email": "l@example.com", "password": "long enough 1"})
    caplog.set_level(logging.INFO, logger="mediaapp.request")
    caplog.clear()

    client.get("/api/auth/me")

    assert [r.owner_kind for r in request_lines(caplog)] == ["user"]


def test_a_visitor_without_identity_is_logged_as_anonymous(client, caplog):
    caplog.set_level(logging.INFO, logger="mediaapp.request")

    client.get("/healthz")

    assert [r.owner_kind for r in request_lines(caplog)] == ["anonymous"]


@pytest.mark.parametrize(
    "path", ["/s/{token}", "/api/shared/{token}", "/api/shared/{token}/file", "/s/{token}/x"]
)
def test_a_share_token_never_reaches_the_log(app, client, caplog, path):
    media_id = saved_id(save(client))
    token = client.post(f"/api/media/{media_id}/share", json={}).get_json()["data"]["token"]
    caplog.set_level(logging.DEBUG)
    caplog.clear()

    app.test_client().get(path.format(token=token))

    assert token not in caplog.text
    assert all(token not in json.dumps(vars(r), default=str) for r in caplog.records)
    assert "<token>" in request_lines(caplog)[0].path


def test_cookies_and_credentials_never_reach_the_log(client, caplog):
    save(client)
    with client.session_transaction() as session:
        secret = session["guest"]
    caplog.set_level(logging.DEBUG)
    caplog.clear()

    client.get("/api/media/list", headers={"Authorization": "Bearer very-secret-key"})

    records = json.dumps([vars(r) for r in caplog.records], default=str)
    assert secret not in records and "very-secret-key" not in records


def test_a_log_record_is_formatted_as_one_json_object():
    record = logging.LogRecord("mediaapp.request", logging.INFO, __file__, 1, "GET / 200", (), None)
    record.request_id, record.status, record.duration_ms = "rid-1", 200, 1.5

    line = json_formatter().format(record)

    parsed = json.loads(line)
    assert "\n" not in line
    assert parsed["message"] == "GET / 200"
    assert parsed["level"] == "INFO" and parsed["logger"] == "mediaapp.request"
    assert parsed["request_id"] == "rid-1" and parsed["status"] == 200
    assert "time" in parsed


def test_the_app_writes_its_request_lines_to_stderr_as_json(make_app, app, capsys):
    client = make_app(LOG_FORMAT="json").test_client()
    capsys.readouterr()

    client.get("/healthz", headers={"X-Request-ID": "json-line-1"})

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if "{" in line[:1]]
    [line] = [entry for entry in lines if entry.get("request_id") == "json-line-1"]
    assert (
        line["path"] == "/healthz"
        and line["status"] == 200
        and line["logger"] == "mediaapp.request"
    )


def test_a_record_logged_during_a_request_carries_its_id(make_app, app, tmp_path, caplog):
    (tmp_path / "a-file").write_text("not a directory")
    client = make_app(STORAGE_URL=f"file://{tmp_path / 'a-file' / 'blobs'}").test_client()
    caplog.set_level(logging.INFO)

    client.get("/readyz", headers={"X-Request-ID": "inner-1"})

    [inner] = [r for r in caplog.records if r.name == "mediaapp.services.health"]
    assert inner.levelno == logging.WARNING
    assert inner.request_id == "inner-1"


def test_an_unknown_log_format_refuses_to_start(make_app, app):
    with pytest.raises(RuntimeError, match="MEDIAAPP_LOG_FORMAT"):
        make_app(LOG_FORMAT="xml")


# Prometheus metrics


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_metrics_without_the_token_are_not_there(metrics_client, headers):
    response = metrics_client.get("/metrics", headers=headers)

    assert response.status_code == 404
    assert b"mediaapp_" not in response.data


def test_metrics_are_not_served_when_no_token_is_configured(client):
    response = client.get("/metrics", headers={"Authorization": "Bearer "})

    assert response.status_code == 404


def test_metrics_count_request_latency_by_endpoint(metrics_client):
    before = metrics_client.get("/metrics", headers=AUTH).get_data(as_text=True)
    labels = {"endpoint": "api.list_media", "method": "GET", "status": "200"}
    name = "mediaapp_http_request_duration_seconds_count"

    for _ in range(3):
        metrics_client.get("/api/media/list?limit=1")
    after = metrics_client.get("/metrics", headers=AUTH)

    assert after.status_code == 200
    assert after.headers["Content-Type"].startswith("text/plain")
    text = after.get_data(as_text=True)
    assert sample(text, name, **labels) - sample(before, name, **labels) == 3
    assert "/api/media/list" not in text  # endpoints, never raw paths


def test_metrics_show_the_job_queue_depth(app, metrics_client):
    save(metrics_client, image_payload())
    with app.app_context():  # due now, whatever the clock said when it was queued
        db.session.execute(sa.update(Job).values(run_at=utcnow()))
        db.session.commit()

    text = metrics_client.get("/metrics", headers=AUTH).get_data(as_text=True)

    assert sample(text, "mediaapp_job_queue_up") == 1
    assert sample(text, "mediaapp_job_queue_depth") == 1
    assert sample(text, "mediaapp_job_queue_lag_seconds") >= 0


def test_metrics_count_job_outcomes(app, metrics_client):
    save(metrics_client, image_payload(url="https://127.0.0.1/refused.png"))
    before = metrics_client.get("/metrics", headers=AUTH).get_data(as_text=True)
    labels = {"kind": "archive", "outcome": "failed"}

    with app.app_context():
        jobs.run_due()
    after = metrics_client.get("/metrics", headers=AUTH).get_data(as_text=True)

    assert (
        sample(after, "mediaapp_jobs_total", **labels)
        - sample(before, "mediaapp_jobs_total", **labels)
        == 1
    )


def test_a_missing_multiprocess_dir_refuses_to_start(make_app, app, tmp_path, monkeypatch):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "nowhere"))

    with pytest.raises(RuntimeError, match="PROMETHEUS_MULTIPROC_DIR"):
        make_app()


MULTIPROCESS_CHILD = textwrap.dedent(
    """
    import sys
    from mediaapp import create_app
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "EMBEDDED_WORKER": False,
                      "SQLALCHEMY_DATABASE_URI": sys.argv[1], "METRICS_TOKEN": "t"})
    client = app.test_client()
    if sys.argv[2] == "requests":
        for _ in range(int(sys.argv[3])):
            client.get("/healthz")
    else:
        print(client.get("/metrics", headers={"Authorization": "Bearer t"}).get_data(as_text=True))
    """
)


def test_with_a_multiprocess_dir_any_process_reports_every_workers_counts(tmp_path):
    """gunicorn's workers are processes: a scrape must add up all of them."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom")}
    (tmp_path / "prom").mkdir()
    database = f"sqlite:///{tmp_path / 'm.db'}"

    def child(*args: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", MULTIPROCESS_CHILD, database, *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout

    child("requests", "2")
    child("requests", "3")
    text = child("scrape")

    assert sample(text, "mediaapp_http_request_duration_seconds_count", endpoint="ops.healthz") == 5


def test_the_metrics_server_command_serves_metrics_on_its_own_port(tmp_path):
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
        "SECRET_KEY": "x",
        "MEDIAAPP_STORAGE_URL": f"file://{tmp_path / 'blobs'}",
    }
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    subprocess.run(
        [flask, "--app", "app", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = subprocess.Popen(
        [flask, "--app", "app", "media", "metrics-server", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        text = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                    text = r.read().decode()
                break
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert sample(text, "mediaapp_job_queue_up") == 1
    assert "mediaapp_job_queue_depth" in text


def test_gunicorns_start_empties_the_metrics_dir_of_old_counts_only(tmp_path, monkeypatch):
    from mediaapp import gunicorn_config

    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    for name in ("counter_41.db", "histogram_41.db", "gauge_livesum_41.db", "mediaapp.db"):
        (tmp_path / name).write_bytes(b"x")

    gunicorn_config.on_starting(None)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["mediaapp.db"]
