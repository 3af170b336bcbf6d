"""The README's "A backend with an API key" runs as written, with bash, curl and jq, against a
fresh server, and answers as the README says it does."""

import os
import re
import shutil
import subprocess

import pytest

from tests.browser.conftest import fail_or_skip
from tests.test_readme import CALL, HOST, ROOT, parse_output, server  # noqa: F401  (fixture)

MARK = "<!-- tests/test_readme_keys.py runs the sh block below -->"


def key_recipe() -> str:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(re.escape(MARK) + r"\n```sh\n(.*?)```", text, re.S)
    assert len(blocks) == 1, f"expected one sh block after {MARK!r} in README.md"
    return blocks[0]


@pytest.fixture(scope="module")
def ran(server, tmp_path_factory):  # noqa: F811
    for tool in ("bash", "curl", "jq"):
        if shutil.which(tool) is None:
            fail_or_skip(f"{tool} is not installed: the README's recipe needs it")
    workdir = tmp_path_factory.mktemp("backend")
    calls = workdir / "calls.log"
    logging_curl = (
        "curl() { command curl -w '%{stderr}%{http_code} %{method} %{url_effective}\\n' "
        '"$@" 2>>"$CALLS"; }\n'
    )
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", logging_curl + key_recipe().replace(HOST, server)],
        cwd=workdir,
        env={**os.environ, "CALLS": str(calls)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    answers, lines = parse_output(result.stdout)
    return {
        "result": result,
        "calls": [CALL.fullmatch(line).groups() for line in calls.read_text().splitlines()],
        "answers": answers,
        "lines": lines,
    }


def test_the_key_recipe_runs_to_the_end_without_an_error(ran):
    assert ran["result"].returncode == 0, ran["result"].stderr
    assert ran["result"].stderr == ""


def test_each_call_answers_the_status_the_readme_gives(ran):
    answered = [
        (int(status), method, url.split("?")[0].split("/api", 1)[1])
        for status, method, url in ran["calls"]
    ]

    assert [(s, m, re.sub(r"/[0-9a-f-]{36}$", "/<id>", p)) for s, m, p in answered] == [
        (201, "POST", "/auth/register"),
        (201, "POST", "/keys"),
        (201, "POST", "/media/save"),
        (200, "POST", "/media/save"),
        (200, "GET", "/media/list"),
        (200, "GET", "/media/list"),
        (403, "DELETE", "/media/<id>"),
    ]


def test_the_retried_job_answers_the_first_record_and_the_list_holds_one(ran):
    first, retried, listed, refused = ran["answers"]

    assert retried["data"] == first["data"]
    assert [item["requestId"] for item in listed["data"]] == ["job-42"]
    assert refused["code"] == "insufficient_scope"


def test_the_key_never_shows_in_what_the_recipe_printed(ran):
    printed = ran["result"].stdout

    assert "mak_" not in printed
