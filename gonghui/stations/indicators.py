"""The outdoor-worker station figures of the report card (建成户外劳动者爱心驿站1.15万个，
覆盖户外劳动者840余万人)."""

from gonghui.core.indicators import Indicator
from gonghui.stations.selectors import covered_outdoor_workers, open_stations

LABEL = "户外劳动者服务"
INDICATORS = (
    Indicator("stations.count", "户外劳动者爱心驿站", "个", open_stations, by_month=False),
    Indicator(
        "stations.covered",
        "覆盖户外劳动者",
        "人",
        covered_outdoor_workers,
        places=0,
        at_least=True,
        by_month=False,
    ),
)
SENTENCES = ("建成户外劳动者爱心驿站{stations.count}，覆盖户外劳动者{stations.covered}",)
