import io
import os
import re

from gonghui.programs.bench import run_checkin_bench


def test_checkin_bench_prints_rates_beside_health_and_proves_records_equal_accepted():
    """A short run of ``gonghui bench checkin`` against the real server; on PostgreSQL
    (``DATABASE_URL``) in a scratch database on that server, otherwise a temp SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    out = io.StringIO()
    run_checkin_bench(
        seconds=3, database_url=url if url.startswith("postgres") else None, stdout=out
    )
    text = out.getvalue()
    health = re.search(
        r"GET /api/health：[\d,]+次，([\d,]+) req/s，p50 [\d.]+ ms，p99 [\d.]+ ms", text
    )
    checkins = re.search(
        r"POST /api/checkins：[\d,]+次，([\d,]+) check-ins/s，p50 [\d.]+ ms，p99 [\d.]+ ms"
        r"（成功 ([\d,]+)，拒绝 0，错误 0）",
        text,
    )
    assert health and checkins, text
    assert int(health[1].replace(",", "")) > 0 and int(checkins[1].replace(",", "")) > 0
    verified = re.search(
        r"数据库记录 ([\d,]+) 条，成功响应 ([\d,]+) 条，编号一致 是，汇总表一致", text
    )
    assert verified and verified[1] == verified[2] == checkins[2], text
    assert "比值：核销 / 健康检查" in text and "records == accepted：通过" in text
