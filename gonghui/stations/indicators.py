"""The outdoor-worker station figures of the report card (建成户外劳动者爱心驿站1.15万个，
覆盖户外劳动者840余万人), and the coverage page that shows them by child org with the
stations by status, the outdoor workers by rule and the visits behind them."""

from gonghui.core.figures import FiguresPage, Table
from gonghui.core.indicators import Indicator
from gonghui.stations.models import Status
from gonghui.stations.selectors import (
    all_stations,
    covered_by_county,
    covered_by_radius,
    covered_outdoor_workers,
    open_stations,
    outdoor_workers,
    stations_with,
    visits_in,
)

COUNT = Indicator("stations.count", "户外劳动者爱心驿站", "个", open_stations, by_month=False)
COVERED = Indicator(
    "stations.covered",
    "覆盖户外劳动者",
    "人",
    covered_outdoor_workers,
    places=-1,  # cut at 十万: 840余万人
    at_least=True,
    by_month=False,
)

LABEL = "户外劳动者服务"
INDICATORS = (COUNT, COVERED)
SENTENCES = ("建成户外劳动者爱心驿站{stations.count}，覆盖户外劳动者{stations.covered}",)

FIGURES = FiguresPage(
    title="驿站覆盖统计",
    tiles=INDICATORS,
    tables=(
        Table(
            "驿站",
            (
                Indicator("stations.all", "驿站", "个", all_stations),
                *(
                    Indicator(f"stations.status.{status}", label, "个", stations_with(status))
                    for status, label in Status.choices
                ),
                Indicator("stations.visits", "到访", "人次", visits_in),
            ),
        ),
        Table(
            "户外劳动者覆盖",
            (
                Indicator("stations.outdoor", "户外劳动者", "人", outdoor_workers),
                COVERED,
                Indicator("stations.by_radius", "其中按工作地点", "人", covered_by_radius),
                Indicator("stations.by_county", "其中按县区", "人", covered_by_county),
            ),
        ),
    ),
    notes=(
        "驿站按当前名录与状态，户外劳动者按当前职工名册，均不随期间变化；到访人次按到访日期计入期间。",
    ),
)
