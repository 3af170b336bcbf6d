"""The README's provider-callback example runs as written (bash, curl, jq and a Python
script signing with standardwebhooks) against a fresh server, and records the generation."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.browser.conftest import fail_or_skip
from tests.test_readme import HOST, parse_output, server  # noqa: F401  (the server fixture)

ROOT = Path(__file__).resolve().parents[1]
MARK = "<!-- tests/test_readme_ingest.py runs the sh block below -->"


def callback_example() -> str:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(re.escape(MARK) + r"\n```sh\n(.*?)```", text, re.S)
    assert len(blocks) == 1, f"expected one sh block after {MARK!r} in README.md"
    return blocks[0]


def test_the_provider_callback_example_records_the_generation_once(server, tmp_path):  # noqa: F811
    for tool in ("bash", "curl", "jq"):
        if shutil.which(tool) is None:
            fail_or_skip(f"{tool} is not installed: the README's example needs it")
    # The python3 the reader installed standardwebhooks into: this environment's.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"

    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", callback_example().replace(HOST, server)],
        cwd=tmp_path,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    answers, _ = parse_output(result.stdout)
    register, first, replay, listed = answers
    assert register["data"]["user"]["email"] == "generator@example.com"
    assert (first["data"]["saved"], first["data"]["duplicate"]) == (1, 0)
    assert (replay["data"]["saved"], replay["data"]["duplicate"]) == (0, 1)
    (record,) = listed["data"]
    assert record["id"] == first["data"]["ids"][0]
    assert record["prompt"] == "A lighthouse at dusk" and record["provider"] == "replicate"
    assert "whsec_" not in json.dumps(answers)  # the secret went to a file, never printed
