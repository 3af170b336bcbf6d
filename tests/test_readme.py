"""The README's API recipes run as written, with bash, curl and jq, against a fresh server (the
SQLite default that `make run` starts), and answer as the README says they do."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import fail_or_skip, flask_run

ROOT = Path(__file__).resolve().parents[1]
MARK = "<!-- tests/test_readme.py runs the sh block below -->"
HOST = "http://127.0.0.1:5000"  # where the README's recipes expect `make run`
CALL = re.compile(r"(\d{3}) ([A-Z]+) (\S+)")


def readme_recipes() -> str:
    """The marked sh block of the README, as a reader would copy it."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(re.escape(MARK) + r"\n```sh\n(.*?)```", text, re.S)
    assert len(blocks) == 1, f"expected one sh block after {MARK!r} in README.md"
    return blocks[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """mediaapp on a free port over a fresh SQLite database; yields its base URL."""
    home = tmp_path_factory.mktemp("readme-server")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{home / 'mediaapp.db'}",
        "SECRET_KEY": "readme-test",
        "MEDIAAPP_EMBEDDED_WORKER": "0",  # the recipes' cdn.example.com is never fetched
        "MEDIAAPP_STORAGE_URL": f"file://{home / 'blobs'}",
        "FLASK_DEBUG": "0",
    }
    env.pop("MEDIAAPP_API_RATE_LIMIT", None)
    with flask_run(env, home / "server.log", "/api/openapi.json") as base:
        yield base


def parse_output(stdout: str) -> tuple[list[dict], list[str]]:
    """What the recipes printed: the JSON answers in order, and the other lines."""
    decoder = json.JSONDecoder()
    answers, lines, at = [], [], 0
    while at < len(stdout):
        if stdout[at].isspace():
            at += 1
        elif stdout[at] == "{":
            value, at = decoder.raw_decode(stdout, at)
            answers.append(value)
        else:
            end = stdout.find("\n", at)
            end = len(stdout) if end < 0 else end
            lines.append(stdout[at:end])
            at = end
    return answers, lines


@pytest.fixture(scope="module")
def ran(server, tmp_path_factory):
    """Run the recipes once, as written but for the host; every curl call's status is logged."""
    for tool in ("bash", "curl", "jq"):
        if shutil.which(tool) is None:
            fail_or_skip(f"{tool} is not installed: the README's recipes need it")
    workdir = tmp_path_factory.mktemp("reader")
    calls = workdir / "calls.log"
    # curl itself, with one line per request (status, method, URL) on its stderr, kept aside.
    logging_curl = (
        "curl() { command curl -w '%{stderr}%{http_code} %{method} %{url_effective}\\n' "
        '"$@" 2>>"$CALLS"; }\n'
    )
    script = logging_curl + readme_recipes().replace(HOST, server)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=workdir,
        env={**os.environ, "CALLS": str(calls)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    answers, lines = parse_output(result.stdout)
    return {
        "result": result,
        "calls": calls.read_text().splitlines() if calls.exists() else [],
        "answers": answers,
        "lines": lines,
    }


def test_the_readme_recipes_run_to_the_end_without_an_error(ran):
    result = ran["result"]

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert all(CALL.fullmatch(line) for line in ran["calls"]), ran["calls"]


def test_each_recipe_answers_the_status_the_readme_gives(ran):
    calls = [CALL.fullmatch(line).groups() for line in ran["calls"]]

    answered = [
        (int(status), method, url.split("?")[0].split("/api", 1)[1])
        for status, method, url in calls
    ]

    assert answered == [
        (201, "POST", "/media/save"),
        (201, "POST", "/media/save"),
        (200, "GET", "/media/list"),  # offset
        (200, "GET", "/media/list"),  # a first page by cursor
        (200, "GET", "/media/list"),  # the page after it, from its nextCursor
        (200, "GET", "/media/list"),  # the walk: one page holds both
        (200, "DELETE", "/media/delete"),
        (201, "POST", "/auth/register"),
        (200, "GET", "/auth/me"),
        (200, "POST", "/auth/logout"),
        (200, "POST", "/auth/login"),
    ]
    assert all(answer["success"] is True for answer in ran["answers"])


def test_the_cursor_recipe_asks_for_the_page_after_the_first(ran):
    second = ran["answers"][3]  # the first page went into $cursor, unprinted

    cursor = re.search(r"[?&]cursor=([^&]*)", CALL.fullmatch(ran["calls"][4]).group(3))

    assert cursor and cursor.group(1) not in ("", "null")
    # The newest (the video) was the first page; the page after it holds the fox.
    assert [item["prompt"] for item in second["data"]] == ["A red fox in fresh snow, golden hour"]
    assert second["pagination"]["nextCursor"] is None


def test_the_walk_prints_the_whole_history_newest_first(ran):
    printed = ran["lines"]

    assert [line.split("  ", 1)[1] for line in printed] == [
        "video  Slow waves at dawn, drone shot",
        "image  A red fox in fresh snow, golden hour",
    ]


def test_the_delete_recipe_deletes_the_record_the_save_recipe_made(ran):
    saved, deleted = ran["answers"][0]["data"], ran["answers"][4]["data"]

    assert deleted["id"] == saved["id"]
    assert deleted["deletedAt"] is not None


def test_the_account_recipes_answer_data_user(ran):
    register, me, logout, login = ran["answers"][5:]

    assert register["data"]["user"]["email"] == "me@example.com"
    assert me["data"]["user"] == login["data"]["user"] == register["data"]["user"]
    assert login["data"] == register["data"] == {"user": register["data"]["user"]}
    assert logout["data"] == {"user": None}
