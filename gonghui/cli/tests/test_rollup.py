"""``gonghui rollup`` runs every app's declared rollups, or one app's."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gonghui.cli.management.commands.rollup import APPS

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("rollup", *args, stdout=out)
    return out.getvalue()


def test_check_and_rebuild_cover_every_app():
    checked = run("check")
    rebuilt = run("rebuild")
    for rollups in APPS.values():
        assert f"{rollups.label}与原始记录一致" in checked
        assert f"{rollups.label}已按原始记录重算" in rebuilt
    assert set(APPS) == {
        "members",
        "programs",
        "stations",
        "mutualaid",
        "rights",
        "training",
        "culture",
    }


def test_app_option_runs_one_app_only():
    said = run("check", "--app", "rights")
    assert said.strip() == f"{APPS['rights'].label}与原始记录一致"


def test_unknown_app_is_refused():
    with pytest.raises(CommandError, match="nosuch"):
        call_command("rollup", "check", "--app", "nosuch")
