"""schemathesis (pinned 4.32.5) against the real server, once per role.

The server is pytest-django's live server on the test database; schemathesis runs in a
subprocess, as a tester would run it, with every check (no 5xx, status codes, content
types and bodies as documented, schema-invalid requests refused), bounded in examples
and time: ``GONGHUI_SCHEMATHESIS_SECONDS`` per role (20 by default; raise it for a long
run by hand). A role's summary line (the cases it ran) is printed.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gonghui.accounts.models import Role
from gonghui.accounts.services import issue_api_token

CONFIG = Path(__file__).with_name("schemathesis.toml")
ROLES = [
    ("province_admin", "410000", Role.PROVINCE_ADMIN),
    ("officer", "411700", Role.OFFICER),
    ("reviewer", "411700", Role.REVIEWER),
    ("auditor", "410000", Role.AUDITOR),
    ("point_clerk", "411702", Role.POINT_STAFF),
    ("anonymous", None, None),
]


def _run(url: str, token: str | None, seconds: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{url}/api/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-examples",
        os.environ.get("GONGHUI_SCHEMATHESIS_EXAMPLES", "5"),
        "--max-time",
        str(seconds),
        "--workers",
        "1",
        "--request-timeout",
        "30",
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    # In a temporary directory: schemathesis keeps its example database in ./.schemathesis.
    return subprocess.run(command, capture_output=True, text=True, timeout=seconds + 240, cwd=cwd)


@pytest.mark.django_db(transaction=True)
def test_no_5xx_and_no_answer_against_the_document_for_any_role(
    live_server, staff, capsys, tmp_path
):
    seconds = int(os.environ.get("GONGHUI_SCHEMATHESIS_SECONDS", "20"))
    failed = {}
    for name, org, role in ROLES:
        token = (
            issue_api_token(user=staff(f"st_{name}", org, role), name="schemathesis")
            if role
            else None
        )
        run = _run(live_server.url, token, seconds, tmp_path)
        cases = re.search(r"^\s*(\d+) generated.*$", run.stdout, re.M)
        with capsys.disabled():
            print(f"\nschemathesis {name}: {cases.group(0).strip() if cases else 'no summary'}")
        if run.returncode != 0 or cases is None:
            failed[name] = run.stdout + run.stderr[-2000:]
            with capsys.disabled():  # the whole report: the assertion below truncates it
                print(failed[name])
    assert failed == {}
