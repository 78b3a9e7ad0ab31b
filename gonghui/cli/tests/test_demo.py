"""The demo command builds what the README promises: logins, workers, check-ins, stations."""

from base64 import b32encode

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.models import User
from gonghui.members.models import Worker
from gonghui.programs.models import ServiceRecord
from gonghui.programs.rollups import ROLLUPS
from gonghui.stations.models import Station
from gonghui.stations.selectors import nearest_stations

pytestmark = pytest.mark.django_db


def test_demo_data_without_the_server(capsys):
    call_command("demo", "--no-serve", "--workers", "80")
    out = capsys.readouterr().out
    assert "导入完成，共80行" in out and "Gonghui@2026" in out
    assert "开发模式" in out and "development mode" in out
    assert set(User.objects.values_list("username", flat=True)) >= {
        "admin",
        "zhumadian",
        "yicheng",
        "zaocan",
        "sysadmin",
        "shenji",
    }
    # Accounts that need a second factor are enrolled, and their keys printed to log in with.
    for username in ("admin", "zhumadian", "yicheng", "sysadmin"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        line = next(line for line in out.splitlines() if line.strip().startswith(username))
        assert f"TOTP密钥 {b32encode(device.bin_key).decode()}" in line
    assert "TOTP" not in next(line for line in out.splitlines() if "shenji" in line)
    assert Worker.objects.count() == 80
    records = ServiceRecord.objects.all()
    assert records.exists() and len({r.served_on for r in records}) == 7
    assert ROLLUPS.differences() == []
    assert Station.objects.count() == 30
    assert len(nearest_stations(lat=32.98, lng=114.02, k=5)) == 5
