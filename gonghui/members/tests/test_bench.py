import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from gonghui.members.bench import SCRATCH_TABLE
from gonghui.members.models import OutdoorWorkerCount, Worker
from gonghui.members.rollups import ROLLUPS

pytestmark = pytest.mark.django_db


def test_import_bench_reports_both_rates_and_their_ratio_and_cleans_up(make_worker):
    make_worker("张东青")
    outdoor_before = list(OutdoorWorkerCount.objects.values_list("org_path", "workers"))
    before = Worker.objects.count()
    out = StringIO()

    call_command("bench", "import", "--rows", "2000", "--in-place", stdout=out)

    text = out.getvalue()
    assert re.search(r"完整校验导入：2,000行.*?[\d,]+ rows/s", text), text
    assert re.search(r"原始批量写入：2,000行.*?[\d,]+ rows/s", text), text
    assert re.search(r"比值：导入 / 原始写入 = 1 : [\d.]+", text), text
    assert "新增2000" in text
    assert Worker.objects.count() == before
    # its workers are taken out of the outdoor rollup with them
    assert list(OutdoorWorkerCount.objects.values_list("org_path", "workers")) == outdoor_before
    assert ROLLUPS.differences() == []
    assert SCRATCH_TABLE not in connection.introspection.table_names()
