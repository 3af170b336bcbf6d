"""The sign-in limit under gunicorn: several workers sharing Redis count one limit, whichever
worker and form an attempt reaches; production refuses per-process storage."""

import http.cookiejar
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from mediaapp.services import accounts
from tests import servers

REDIS_URL = "redis://127.0.0.1:6379/0"
EMAIL = "owner@example.com"
LIMIT = 10


@pytest.fixture
def redis_prefix():
    """A key prefix of this run's own in a reachable Redis; its keys are deleted after."""
    try:
        import redis
    except ImportError:  # pragma: no cover - the dependency is pinned
        servers.fail_or_skip("the redis client is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        servers.fail_or_skip(f"Redis unreachable at {REDIS_URL}: {exc}")
    prefix = f"mediaapp-test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def account_db(tmp_path):
    url = servers.migrated_sqlite(tmp_path)
    app = servers.create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        accounts.register(EMAIL, "the right password", guest_digest=None)
    return url


class Browser:
    """One client with a cookie jar; every request opens a new connection, so consecutive
    requests land on whichever worker accepts first."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def send(self, path: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def guess(self, form: str) -> int:
        if form == "api":
            body = f'{{"email": "{EMAIL}", "password": "wrong"}}'.encode()
            return self.send("/api/auth/login", body, {"Content-Type": "application/json"})[0]
        _, page = self.send("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        fields = {"email": EMAIL, "password": "wrong", "csrf_token": token.group(1)}
        return self.send("/login", urllib.parse.urlencode(fields).encode())[0]


def answered_by(log_path) -> list[tuple[str, str, int]]:
    """(worker pid, path, status) of each POST, from gunicorn's access log."""
    rows = []
    for line in log_path.read_text().splitlines():
        match = re.match(r"access <(\d+)> POST (\S+) (\d{3})$", line.strip())
        if match:
            rows.append((match[1], match[2], int(match[3])))
    return rows


def test_the_eleventh_guess_is_refused_by_every_worker_and_form(tmp_path, redis_prefix, account_db):
    port, log = servers.free_port(), tmp_path / "access.log"
    env = servers.app_env(
        tmp_path,
        account_db,
        MEDIAAPP_ENV="production",
        MEDIAAPP_AUTH_RATE_LIMIT=f"{LIMIT} per minute",
        MEDIAAPP_RATE_LIMIT_STORAGE=REDIS_URL,
        MEDIAAPP_RATE_LIMIT_PREFIX=redis_prefix,
    )
    proc = servers.start_gunicorn(
        port,
        env,
        "-w",
        "2",
        "--access-logfile",
        str(log),
        "--access-logformat",
        "access %(p)s %(m)s %(U)s %(s)s",
    )
    with servers.running(proc, port):
        browser = Browser(port)
        allowed = [browser.guess("api" if n % 2 else "page") for n in range(LIMIT)]
        refused = []
        # Keep guessing, both forms at once so that one busy worker leaves the other to
        # accept, until both workers have refused on both forms (bounded).
        with ThreadPoolExecutor(max_workers=2) as pool:
            for _ in range(30):
                refused += pool.map(browser.guess, ["api", "page"])
                over = [row for row in answered_by(log)[LIMIT:] if row[2] == 429]
                if len({pid for pid, _, _ in over}) >= 2 and len({p for _, p, _ in over}) >= 2:
                    break

    rows = answered_by(log)
    workers = {pid for pid, _, _ in rows}
    refusing = {(pid, path) for pid, path, status in rows[LIMIT:] if status == 429}
    assert 429 not in allowed and set(allowed) <= {401, 422}
    assert set(refused) == {429}
    assert len(workers) == 2, f"gunicorn should have run 2 workers, the log shows {workers}"
    assert {pid for pid, _ in refusing} == workers  # each worker refused
    assert {path for _, path in refusing} == {"/login", "/api/auth/login"}  # on both forms


def test_production_gunicorn_refuses_several_workers_on_memory_storage(tmp_path, account_db):
    env = servers.app_env(
        tmp_path, account_db, MEDIAAPP_ENV="production", MEDIAAPP_RATE_LIMIT_STORAGE="memory://"
    )
    command = [str(servers.GUNICORN), "-c", str(servers.GUNICORN_CONF), "-w", "2"]
    command += ["-b", f"127.0.0.1:{servers.free_port()}", "app:app"]

    result = subprocess.run(
        command, cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode != 0
    assert "MEDIAAPP_RATE_LIMIT_STORAGE is memory:// but 2 workers serve" in result.stderr


def test_production_gunicorn_refuses_web_concurrency_on_memory_storage(tmp_path, account_db):
    env = servers.app_env(
        tmp_path,
        account_db,
        MEDIAAPP_ENV="production",
        MEDIAAPP_RATE_LIMIT_STORAGE="memory://",
        WEB_CONCURRENCY="3",
    )
    command = [str(servers.GUNICORN), "-c", str(servers.GUNICORN_CONF)]
    command += ["-b", f"127.0.0.1:{servers.free_port()}", "app:app"]

    result = subprocess.run(
        command, cwd=servers.ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode != 0
    assert "but 3 workers serve" in result.stderr
