"""Grassroots unions and their employers, under the federations that migrations created.

Each grassroots union belongs to one employer (unified social credit code made by
``orgs.generate.make_uscc``), registered under the union's county; a share of employers
has a workplace location near an open station of that county. Services path:
``register_employer``, ``set_employer_location``, ``create_grassroots_union``.
"""

import numpy as np

from gonghui.cli.generate.bulk import Rows, loading
from gonghui.cli.generate.context import Generation, Tree
from gonghui.cli.generate.places import near, station_sites
from gonghui.core.chinese import name_keys
from gonghui.core.coords import Crs, to_wgs84
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Employer, Org, OrgKind
from gonghui.orgs.services import create_grassroots_union, register_employer, set_employer_location

BRANDS = "恒达 中原 天中 金盛 华信 宏远 鑫源 永安 瑞丰 豫通 嘉禾 正大 顺达 惠民 兴业".split()
TRADES = (
    "环卫服务",
    "快递物流",
    "建筑安装",
    "城市管理",
    "交通运输",
    "商贸服务",
    "家政服务",
    "机械制造",
    "食品加工",
    "纺织服装",
)


def federations(g: Generation) -> Tree:
    """The plan's cities and counties (no unions yet)."""
    cities = Org.objects.filter(kind=OrgKind.CITY).order_by("code")
    if g.plan.cities:
        cities = cities.filter(code__in=g.plan.cities)
    counties = Org.objects.filter(kind=OrgKind.COUNTY, parent__in=cities).order_by("code")
    if g.plan.counties:
        counties = counties.filter(code__in=g.plan.counties)
    cities = [c for c in cities if any(k.parent_id == c.pk for k in counties)]
    city_index = {c.pk: i for i, c in enumerate(cities)}
    empty = np.zeros(0, dtype=np.int64)
    return Tree(
        city_codes=[c.code for c in cities],
        city_ids=[c.pk for c in cities],
        city_paths=[c.path for c in cities],
        county_ids=np.array([k.pk for k in counties], dtype=np.int64),
        county_codes=[k.code for k in counties],
        county_names=[k.name.removesuffix("总工会") for k in counties],
        county_paths=[k.path for k in counties],
        county_city=np.array([city_index[k.parent_id] for k in counties], dtype=np.int32),
        union_ids=empty,
        union_paths=[],
        union_county=empty,
        employer_ids=empty,
        employer_names=[],
        employer_usccs=[],
    )


def generate(g: Generation) -> None:
    g.tree = tree = federations(g)
    per_county = g.plan.unions_per_county
    total = len(tree.county_codes) * per_county
    rnd = g.random("orgs")
    rng = g.rng("orgs")
    sites = station_sites(g)
    seen: set[str] = set()
    specs = []  # (county, employer name, uscc, GCJ-02 location or None)
    for county, code in enumerate(tree.county_codes):
        open_here = sites.open_in(county)
        for i in range(per_county):
            name = f"{tree.county_names[county]}{BRANDS[i % len(BRANDS)]}"
            name += f"{TRADES[i // len(BRANDS) % len(TRADES)]}有限公司"
            uscc = make_uscc(rnd, code)
            while uscc in seen:
                uscc = make_uscc(rnd, code)
            seen.add(uscc)
            place = None
            if rng.random() < g.plan.located_employers and len(open_here):
                station = open_here[rng.integers(len(open_here))]
                place = near(rng, float(sites.lat[station]), float(sites.lng[station]))
            specs.append((county, name, uscc, place))
    with g.phase("工会组织", total) as phase:
        ids = _bulk(g, specs) if g.bulk else _services(g, specs)
        phase.wrote("用人单位", total)
        phase.wrote("基层工会", total)
    employer_ids, union_ids, union_paths = ids
    tree.union_ids = np.array(union_ids, dtype=np.int64)
    tree.union_paths = union_paths
    tree.union_county = np.array([s[0] for s in specs], dtype=np.int32)
    tree.employer_ids = np.array(employer_ids, dtype=np.int64)
    tree.employer_names = [s[1] for s in specs]
    tree.employer_usccs = [s[2] for s in specs]


def _address(g: Generation, county: int, uscc: str) -> str:
    return f"{g.tree.county_names[county]}工业路{int(uscc[-5:-1], 36) % 300 + 1}号"


def _services(g: Generation, specs: list) -> tuple[list[int], list[int], list[str]]:
    tree = g.tree
    counties = {o.pk: o for o in Org.objects.filter(pk__in=tree.county_ids.tolist())}
    employer_ids, union_ids, paths = [], [], []
    for county, name, uscc, place in specs:
        county_org = counties[int(tree.county_ids[county])]
        employer = register_employer(by=g.by, name=name, uscc=uscc, county=county_org)
        if place is not None:
            set_employer_location(
                by=g.by,
                employer=employer,
                lat=place[0],
                lng=place[1],
                crs=Crs.GCJ02,
                address=_address(g, county, uscc),
            )
        union = create_grassroots_union(
            by=g.by, county=county_org, name=f"{name}工会", employer=employer
        )
        employer_ids.append(employer.pk)
        union_ids.append(union.pk)
        paths.append(union.path)
    return employer_ids, union_ids, paths


def _bulk(g: Generation, specs: list) -> tuple[list[int], list[int], list[str]]:
    tree = g.tree
    employers = Rows(
        Employer,
        ["name", "uscc", "org_id", "address", "lat", "lng", "input_crs", "input_lat", "input_lng"],
    )
    unions = Rows(
        Org,
        ["code", "name", "name_pinyin", "name_initials", "kind", "parent_id", "path", "depth"]
        + ["employer_id"],
    )
    employer_ids, union_ids, paths = [], [], []
    sequence = dict.fromkeys(range(len(tree.county_codes)), 0)
    with loading(Employer, Org):
        for county, name, uscc, place in specs:
            county_id = int(tree.county_ids[county])
            if place is None:
                located = ("", None, None, "", None, None)
            else:
                lat, lng = to_wgs84(place[0], place[1], Crs.GCJ02)
                address = _address(g, county, uscc)
                located = (address, lat, lng, Crs.GCJ02.value, place[0], place[1])
            employer = employers.add(name, uscc, county_id, *located)
            sequence[county] += 1
            code = f"{tree.county_codes[county]}{sequence[county]:04d}"
            path = f"{tree.county_paths[county]}{code}/"
            union_name = f"{name}工会"
            _, pinyin, initials = name_keys(union_name)
            union = unions.add(
                code, union_name, pinyin, initials, OrgKind.GRASSROOTS, county_id, path, 3, employer
            )
            employer_ids.append(employer)
            union_ids.append(union)
            paths.append(path)
        employers.flush()
        unions.flush()
    return employer_ids, union_ids, paths
