"""Every figure of the report card in plain SQL over the raw records, written apart from the
indicators' measures (which read rollups): what the report's tests and ``gonghui bench
report`` (DuckDB over a Parquet export) hold the card against.

The SQL is plain enough for SQLite, PostgreSQL and DuckDB alike. ``{org}`` stands for the
org condition (a subtree, or the org's own records only); paths are digits and slashes,
dates ISO, so both are written in as literals.
"""

from django.conf import settings

from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.culture.models import Bookhouse, Event, ReadingDaily
from gonghui.members.categories import BY_NAME
from gonghui.members.models import Worker
from gonghui.mutualaid.models import Enrolment, Payout
from gonghui.orgs.models import Employer
from gonghui.programs.models import Program, ServiceRecord
from gonghui.rights.models import Recovery
from gonghui.stations.models import Station
from gonghui.training.models import Attendance, Competition, CraftsmanTitle, Entry, FundProject
from gonghui.training.models import Session as ClassSession

OUTDOOR = ("环卫工人", "户外劳动者", "快递员", "外卖骑手", "货车司机", "网约车司机")
# Great-circle metres between an employer ``e`` and a station ``s``.
METRES = (
    "2 * 6371008.8 * ASIN(SQRT(POWER(SIN(RADIANS(s.lat - e.lat) / 2), 2) + "
    "COS(RADIANS(e.lat)) * COS(RADIANS(s.lat)) * POWER(SIN(RADIANS(s.lng - e.lng) / 2), 2)))"
)
# The columns the queries read, table by table: what an export for DuckDB must hold (and
# all it holds: no names, ID numbers or phones leave the database this way).
COLUMNS: dict[type, tuple[str, ...]] = {
    ServiceRecord: ("program_id", "worker_id", "org_path", "served_on", "voided"),
    Program: ("id", "report_line"),
    Recovery: ("worker_id", "org_path", "recovered_on", "wages_fen", "compensation_fen"),
    Enrolment: ("worker_id", "org_path", "year"),
    Payout: ("worker_id", "org_path", "year", "amount_fen"),
    Station: ("org_path", "status", "lat", "lng"),
    Worker: ("id", "org_path", "categories", "employer_id"),
    Employer: ("id", "lat", "lng"),
    Event: ("org_path", "state", "day", "audience"),
    Bookhouse: ("org_path", "level", "level_year"),
    ReadingDaily: ("org_path", "day", "shares"),
    Attendance: ("org_path", "session_id"),
    ClassSession: ("id", "day"),
    CraftsmanTitle: ("org_path", "worker_id", "year"),
    Entry: ("org_path", "competition_id"),
    Competition: ("id", "held_on"),
    FundProject: ("org_path", "starts_on", "budget_fen"),
}
TABLES = tuple(COLUMNS)


def org_condition(under: Under, alias: str = "") -> str:
    column = f"{alias}.org_path" if alias else "org_path"
    if under.own:
        return f"{column} = '{under.path}'"
    return f"{column} LIKE '{under.path}%'"


def queries(period: Period) -> dict[str, str]:
    """indicator id → SQL giving its value, with ``{org}`` (``{org:r}`` for the alias ``r``)
    to fill with ``org_condition``."""
    t = {model.__name__: model._meta.db_table for model in TABLES}
    t["Session"] = ClassSession._meta.db_table
    days = f"BETWEEN '{period.start.isoformat()}' AND '{period.end.isoformat()}'"
    first, last = period.years
    end = period.end
    named_by = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    outdoor = sum(BY_NAME[name].bit for name in OUTDOOR)

    def served(line: str, what: str) -> str:
        return (
            f"SELECT {what} FROM {t['ServiceRecord']} r JOIN {t['Program']} p "
            f"ON p.id = r.program_id WHERE p.report_line = '{line}' AND NOT r.voided "
            f"AND {{org:r}} AND r.served_on {days}"
        )

    return {
        "programs.exam_persons": served("nef_exam", "COUNT(DISTINCT r.worker_id)"),
        "programs.truck_persons": served("truck_insurance", "COUNT(DISTINCT r.worker_id)"),
        "programs.breakfast_persons": served("breakfast", "COUNT(DISTINCT r.worker_id)"),
        "programs.breakfast_times": served("breakfast", "COUNT(*)"),
        "rights.workers": (
            f"SELECT COUNT(DISTINCT worker_id) FROM {t['Recovery']} "
            f"WHERE {{org}} AND recovered_on {days}"
        ),
        "rights.recovered": (
            f"SELECT SUM(wages_fen + compensation_fen) FROM {t['Recovery']} "
            f"WHERE {{org}} AND recovered_on {days}"
        ),
        "mutualaid.enrolments": (
            f"SELECT COUNT(*) FROM {t['Enrolment']} WHERE {{org}} "
            f"AND year BETWEEN {first} AND {last}"
        ),
        "mutualaid.payees": (
            f"SELECT COUNT(DISTINCT worker_id) FROM {t['Payout']} WHERE {{org}} "
            f"AND year BETWEEN {first} AND {last}"
        ),
        "mutualaid.paid": (
            f"SELECT SUM(amount_fen) FROM {t['Payout']} WHERE {{org}} "
            f"AND year BETWEEN {first} AND {last}"
        ),
        "stations.count": f"SELECT COUNT(*) FROM {t['Station']} WHERE {{org}} AND status = 'open'",
        "stations.covered": (
            f"WITH open_stations AS (SELECT lat, lng, SUBSTR(org_path, 1, 21) AS county "
            f"FROM {t['Station']} WHERE status = 'open'), "
            f"near AS (SELECT e.id FROM {t['Employer']} e WHERE e.lat IS NOT NULL AND EXISTS "
            f"(SELECT 1 FROM open_stations s WHERE {METRES} <= {settings.STATION_COVERAGE_M})) "
            f"SELECT COUNT(*) FROM {t['Worker']} w LEFT JOIN {t['Employer']} e "
            f"ON e.id = w.employer_id WHERE {{org:w}} AND (w.categories & {outdoor}) != 0 AND ("
            "(e.lat IS NOT NULL AND w.employer_id IN (SELECT id FROM near)) OR "
            "(e.lat IS NULL AND SUBSTR(w.org_path, 1, 21) IN (SELECT county FROM open_stations)))"
        ),
        "culture.events": (
            f"SELECT COUNT(*) FROM {t['Event']} WHERE {{org}} AND state = 'held' AND day {days}"
        ),
        "culture.audience": (
            f"SELECT SUM(audience) FROM {t['Event']} WHERE {{org}} "
            f"AND state = 'held' AND day {days}"
        ),
        "culture.bookhouses": (
            f"SELECT COUNT(*) FROM {t['Bookhouse']} WHERE {{org}} "
            f"AND level IN ('national', 'province') AND level_year <= {named_by}"
        ),
        "culture.shares": f"SELECT SUM(shares) FROM {t['ReadingDaily']} WHERE {{org}} AND day {days}",
        "training.attendances": (
            f"SELECT COUNT(*) FROM {t['Attendance']} a JOIN {t['Session']} s "
            f"ON s.id = a.session_id WHERE {{org:a}} AND s.day {days}"
        ),
        "training.craftsmen": (
            f"SELECT COUNT(DISTINCT worker_id) FROM {t['CraftsmanTitle']} "
            f"WHERE {{org}} AND year <= {named_by}"
        ),
        "training.entries": (
            f"SELECT COUNT(*) FROM {t['Entry']} e JOIN {t['Competition']} c "
            f"ON c.id = e.competition_id WHERE {{org:e}} AND c.held_on {days}"
        ),
        "training.fund": (
            f"SELECT SUM(budget_fen) FROM {t['FundProject']} WHERE {{org}} AND starts_on {days}"
        ),
    }


def filled(sql: str, under: Under) -> str:
    """The SQL with its org placeholders filled for ``under``."""
    for alias in ("r", "w", "a", "e"):
        sql = sql.replace(f"{{org:{alias}}}", org_condition(under, alias))
    return sql.replace("{org}", org_condition(under))
