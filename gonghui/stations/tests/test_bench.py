"""The stations bench runs, agrees with brute force and leaves the database as it was."""

import pytest
from django.core.management import CommandError, call_command

from gonghui.stations.models import Station

pytestmark = pytest.mark.django_db


def test_bench_reports_figures_and_leaves_nothing(capsys):
    call_command("stations", "bench", "--stations", "400", "--queries", "60")
    out = capsys.readouterr().out
    assert "次/秒" in out and "p99" in out and "结果一致" in out
    assert not Station.objects.exists()


def test_rollup_needs_an_action():
    with pytest.raises(CommandError, match="用法"):
        call_command("stations", "rollup")
