"""The Henan federations as the GB/T 2260 table gives them today."""

from collections.abc import Iterator
from typing import NamedTuple

from gonghui.core.chinese import name_keys
from gonghui.core.regions import current_name, region_table

PROVINCE_CODE = "410000"
PROVINCE_UNION = "河南省总工会"


class Division(NamedTuple):
    code: str
    name: str
    kind: str
    parent: str | None


def henan_federations() -> Iterator[Division]:
    """Province, its 17 cities plus 济源 (directly administered), and their current counties.

    Placeholder codes (市辖区, 省直辖县级行政单位) are not federations and are skipped.
    """
    yield Division(PROVINCE_CODE, PROVINCE_UNION, "province", None)
    current = {
        code: current_name(code)
        for code in region_table()
        if code.startswith("41") and code != PROVINCE_CODE and current_name(code)
    }
    cities = {
        code: name
        for code, name in sorted(current.items())
        if code != "419000" and (code.endswith("00") or code.startswith("4190"))
    }
    for code, name in cities.items():
        yield Division(code, f"{name}总工会", "city", PROVINCE_CODE)
    for code, name in sorted(current.items()):
        if code in cities or code == "419000" or name == "市辖区":
            continue
        city = code[:4] + "00"
        if city in cities:
            yield Division(code, f"{name}总工会", "county", city)


def create_federations(org_model) -> None:
    """Create (or refresh) the federations; idempotent.

    Takes the model class so the data migration can pass its historical model
    and the test suite the real one (a transactional test's flush empties the tree).
    """
    # The org picker's search keys, once the model has them (the historical model of the
    # first data migration does not; a later migration fills them for those rows).
    searchable = any(f.name == "name_initials" for f in org_model._meta.get_fields())
    paths: dict[str, str] = {}
    for division in henan_federations():
        path = f"{paths.get(division.parent, '')}{division.code}/"
        paths[division.code] = path
        defaults = {
            "name": division.name,
            "kind": division.kind,
            "parent": org_model.objects.get(code=division.parent) if division.parent else None,
            "path": path,
            "depth": path.count("/") - 1,
        }
        if searchable:
            _, defaults["name_pinyin"], defaults["name_initials"] = name_keys(division.name)
        org_model.objects.update_or_create(code=division.code, defaults=defaults)
