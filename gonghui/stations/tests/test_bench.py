"""``gonghui bench stations`` runs in-process and through the real server and agrees with
the numpy scan; the ``stations`` command keeps its rollup actions."""

import io
import os
import re

from gonghui.stations.bench import run_stations_bench


def test_bench_reports_in_process_http_and_brute_force_figures_that_agree():
    url = os.environ.get("DATABASE_URL", "")
    out = io.StringIO()
    figures = run_stations_bench(
        counts=(600,),
        queries=300,
        database_url=url if url.startswith("postgres") else None,
        stdout=out,
    )
    text = out.getvalue()
    assert re.search(r"进程内，逐次调用：[\d,]+次/秒，p50 [\d.]+毫秒，p99 [\d.]+毫秒", text), text
    assert re.search(r"numpy暴力扫描（300次）：[\d,]+次/秒；结果一致", text), text
    assert re.search(r"HTTP GET /api/stations/nearest：300次，.*错误 0，与进程内一致", text), text
    assert "HTTP GET /api/health：300次" in text
    (run,) = figures
    assert run["agree"] and run["http"]["agree"] and run["batch_per_s"] > 0
