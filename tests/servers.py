"""Real servers for the deployment tests: gunicorn (and nginx) on free 127.0.0.1 ports,
started as child processes and ended by their own pid, never by name."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest

from mediaapp import create_app

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


def fail_or_skip(reason: str) -> None:
    """In CI a missing dependency is a failure, never a silent skip."""
    (pytest.fail if os.environ.get("CI") else pytest.skip)(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listened on 127.0.0.1:{port} within {seconds} s")


def stop(proc: subprocess.Popen) -> None:
    """End a server this test started (its own process group), politely, then for sure."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def migrated_sqlite(tmp_path: Path) -> str:
    """A SQLite file with the migrated schema, for servers started in other processes."""
    url = f"sqlite:///{tmp_path / 'server.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        flask_migrate.upgrade()
    return url


def app_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "deploy-test-secret",
        "MEDIAAPP_STORAGE_URL": f"file://{tmp_path / 'blobs'}",
        "MEDIAAPP_EMBEDDED_WORKER": "0",
        **extra,
    }


def start_gunicorn(
    port: int, env: dict[str, str], *args: str, log: Path | None = None
) -> subprocess.Popen:
    """gunicorn with the shipped config on 127.0.0.1:port, in a process group of its own."""
    command = [str(GUNICORN), "-c", str(GUNICORN_CONF), "-b", f"127.0.0.1:{port}", *args]
    stream = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen(
        [*command, "app:app"],
        cwd=ROOT,
        env=env,
        stdout=stream,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@contextlib.contextmanager
def running(proc: subprocess.Popen, port: int) -> Iterator[subprocess.Popen]:
    try:
        wait_for_port(port, proc)
        yield proc
    finally:
        stop(proc)
