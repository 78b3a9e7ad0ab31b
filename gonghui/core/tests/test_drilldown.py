from dataclasses import dataclass

from gonghui.core.drilldown import drill_down, shared
from gonghui.core.indicators import Indicator, Under
from gonghui.core.periods import Period

# Who was served where: 张 at the city itself and in county A, 李 in county A; county B none.
SERVED = [
    ("410000/411700/", "张"),
    ("410000/411700/411702/", "张"),
    ("410000/411700/411702/", "李"),
]


def _rows(under: Under) -> list[str]:
    return [
        who
        for path, who in SERVED
        if (path == under.path if under.own else path.startswith(under.path))
    ]


TIMES = Indicator("t.times", "服务", "人次", lambda under, period: len(_rows(under)))
PERSONS = Indicator(
    "t.persons", "服务职工", "人", lambda under, period: len(set(_rows(under))), distinct=True
)


@dataclass(frozen=True)
class Place:
    path: str


def test_benji_and_every_child_add_up_and_persons_are_counted_on_each_row():
    city = Place("410000/411700/")
    a, b = Place("410000/411700/411702/"), Place("410000/411700/411721/")
    found = drill_down([TIMES, PERSONS], city, [a, b], Period.year(2026))
    assert [(row.place, row.own) for row in found.rows] == [(city, True), (a, False), (b, False)]
    assert [row.values for row in found.rows] == [
        {"t.times": 1, "t.persons": 1},
        {"t.times": 2, "t.persons": 2},
        {"t.times": 0, "t.persons": 0},
    ]
    assert found.total == {"t.times": 3, "t.persons": 2}  # 张 once above his two rows
    assert sum(row.values["t.times"] for row in found.rows) == found.total["t.times"]


def test_a_shared_sum_runs_once_per_row_during_a_drill_down_and_every_time_outside():
    runs = []

    @shared
    def sums(under: Under, period: Period) -> dict[str, int]:
        runs.append(under)
        return {"times": len(_rows(under)), "persons": len(set(_rows(under)))}

    both = [
        Indicator("s.times", "服务", "人次", lambda u, p: sums(u, p)["times"]),
        Indicator("s.persons", "服务职工", "人", lambda u, p: sums(u, p)["persons"], distinct=True),
    ]
    city, a = Place("410000/411700/"), Place("410000/411700/411702/")
    found = drill_down(both, city, [a], Period.year(2026))
    assert found.total == {"s.times": 3, "s.persons": 2}
    assert runs == [Under(city.path, own=True), Under(a.path), Under(city.path)]
    sums(Under(a.path), Period.year(2026))
    sums(Under(a.path), Period.year(2026))
    assert len(runs) == 5  # no drill-down, nothing kept
