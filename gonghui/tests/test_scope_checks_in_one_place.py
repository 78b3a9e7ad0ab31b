"""Scope is decided in one place: ``core.scoping`` (with the selectors and rollups that
build on it). A hand-written path comparison elsewhere is how a write ends up checking
less than the reads do, so this test names any that appear."""

import re
import sys
from pathlib import Path

import gonghui

ROOT = Path(gonghui.__file__).parent
ALLOWED = {"selectors.py", "rollups.py"}
# A subtree filter, a prefix test against a user's scope, or the "no scope matches
# nothing" trick: each belongs in core.scoping.
PATTERNS = [
    re.compile(r"path__(startswith|subtree)"),
    re.compile(r"startswith\([^)]*scope_path"),
    re.compile(r"scope_path\s*\)?\s*\.startswith"),
    re.compile(r"""scope_path or ["']\\0["']"""),
]


def offending_lines() -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if {"tests", "migrations"} & set(relative.parts) or path.name in ALLOWED:
            continue
        if relative == Path("core/scoping.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if any(pattern.search(line) for pattern in PATTERNS):
                found.append(f"{relative}:{number}: {line.strip()}")
    return found


def test_scope_is_compared_only_in_core_scoping_selectors_and_rollups():
    assert offending_lines() == []


def test_the_guard_sees_a_hand_written_check(tmp_path, monkeypatch):
    (tmp_path / "services.py").write_text(
        'def f(by, case):\n    return case.org_path.startswith(by.scope_path or "\\0")\n'
    )
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert len(offending_lines()) == 1
