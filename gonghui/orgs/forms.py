from django import forms

from gonghui.core.coords import CRS_LABELS, Crs
from gonghui.orgs.models import Employer


class EmployerLocationForm(forms.Form):
    address = forms.CharField(label="工作地点地址", max_length=200, required=False)
    lng = forms.FloatField(label="经度", required=False)
    lat = forms.FloatField(label="纬度", required=False)
    crs = forms.ChoiceField(
        label="坐标系",
        choices=[(c.value, CRS_LABELS[c]) for c in Crs],
        initial=Crs.GCJ02.value,
        help_text="高德、腾讯地图取的坐标为GCJ02，百度地图为BD09，手机定位为WGS84；经纬度都留空即清除位置",
    )

    @staticmethod
    def initial_for(employer: Employer) -> dict:
        """The location as staff typed it (not the stored WGS-84)."""
        return {
            "address": employer.address,
            "lng": employer.input_lng,
            "lat": employer.input_lat,
            "crs": employer.input_crs or Crs.GCJ02.value,
        }
