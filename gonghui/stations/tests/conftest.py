import pytest
from django.core.management import call_command

from gonghui.core.coords import Crs
from gonghui.core.hours import parse_hours
from gonghui.orgs.models import Org
from gonghui.stations.rollups import ROLLUPS
from gonghui.stations.services import StationFields, save_station


@pytest.fixture(autouse=True)
def search_index_reads_the_stamp_every_time(settings):
    """Each test's data lives in a transaction rolled back at its end: the in-memory index
    must compare stamps on every search, not once a second, to notice."""
    settings.STATION_INDEX_RECHECK = 0


@pytest.fixture(autouse=True)
def rollup_agrees_after_every_scenario(request):
    """Design rule: after any scenario, the visit rollup equals a recount of the visits."""
    yield
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        assert ROLLUPS.differences() == []
        call_command("rollup", "check", "--app", "stations")


@pytest.fixture
def station(province_admin):
    """Make a station through the service: ``station("驿城区环卫驿站", org="411702")``."""

    def make(
        name: str = "驿城区环卫驿站",
        *,
        org: str = "411702",
        lat: float = 32.98,
        lng: float = 114.02,
        crs: Crs = Crs.WGS84,
        hours: str = "00:00-24:00",
        facilities: int = 0,
        **fields,
    ):
        return save_station(
            by=province_admin,
            org=Org.objects.get(code=org),
            fields=StationFields(
                name=name,
                address=fields.pop("address", "驻马店市驿城区解放路1号"),
                lat=lat,
                lng=lng,
                crs=crs,
                hours=parse_hours(hours),
                facilities=facilities,
                **fields,
            ),
        ).station

    return make
