"""The console's station form: text and choices only; ``save_station`` checks every rule."""

from django import forms

from gonghui.core.coords import Crs
from gonghui.core.hours import format_hours
from gonghui.orgs.picker import OrgPickerField
from gonghui.stations.models import CrsChoice, HostKind, Station, Status
from gonghui.stations.vocabulary import FACILITIES, KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "checkboxes"})


def _bits(values: list[str]) -> int:
    return sum(int(v) for v in set(values))


class StationForm(forms.Form):
    org_code = OrgPickerField(label="所属组织")
    name = forms.CharField(label="驿站名称", max_length=100)
    host_kind = forms.ChoiceField(label="依托单位类型", choices=HostKind.choices)
    host_name = forms.CharField(label="依托单位", max_length=100, required=False)
    address = forms.CharField(label="地址", max_length=200)
    lng = forms.FloatField(label="经度")
    lat = forms.FloatField(label="纬度")
    crs = forms.ChoiceField(
        label="坐标系",
        choices=CrsChoice.choices,
        initial=Crs.GCJ02.value,
        help_text="高德、腾讯地图取的坐标为GCJ02，百度地图为BD09，手机定位为WGS84",
    )
    facilities = forms.MultipleChoiceField(
        label="设施",
        required=False,
        widget=CHECKBOXES,
        choices=[(str(t.bit), t.name) for t in FACILITIES],
    )
    facilities_other = forms.CharField(label="其他设施", max_length=200, required=False)
    kinds = forms.MultipleChoiceField(
        label="驿站类型",
        required=False,
        widget=CHECKBOXES,
        choices=[(str(t.bit), t.name) for t in KINDS],
    )
    hours = forms.CharField(
        label="开放时间",
        max_length=200,
        initial="08:00-20:00",
        help_text="例：08:00-20:00；20:00-06:00；00:00-24:00；周一至周五 08:00-18:00；周日 休息",
    )
    phone = forms.CharField(label="联系电话", max_length=40, required=False)
    status = forms.ChoiceField(label="状态", choices=Status.choices, initial=Status.OPEN)
    opened_on = forms.DateField(label="启用日期", required=False, widget=DATE)

    @classmethod
    def initial_for(cls, station: Station) -> dict:
        """The form's values for an existing station (its coordinates as entered)."""
        return {
            "org_code": station.org.code,
            "name": station.name,
            "host_kind": station.host_kind,
            "host_name": station.host_name,
            "address": station.address,
            "lng": station.input_lng,
            "lat": station.input_lat,
            "crs": station.input_crs,
            "facilities": [str(t.bit) for t in FACILITIES if station.facilities & t.bit],
            "facilities_other": station.facilities_other,
            "kinds": [str(t.bit) for t in KINDS if station.kinds & t.bit],
            "hours": format_hours(station.hours),
            "phone": station.phone,
            "status": station.status,
            "opened_on": station.opened_on,
        }

    def facility_bits(self) -> int:
        return _bits(self.cleaned_data["facilities"])

    def kind_bits(self) -> int:
        return _bits(self.cleaned_data["kinds"])
