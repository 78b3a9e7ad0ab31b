import random

import pytest
from stdnum.cn import uscc

from gonghui.core.errors import DomainError
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Org
from gonghui.orgs.services import clean_uscc, create_grassroots_union


@pytest.mark.django_db
def test_migrate_creates_the_henan_federations_from_gbt2260():
    assert Org.objects.get(code="410000").name == "河南省总工会"
    cities = Org.objects.filter(kind="city")
    assert cities.count() == 18
    assert cities.filter(code="419001", name="济源市总工会").exists()
    assert 150 <= Org.objects.filter(kind="county").count() <= 170
    assert Org.objects.get(code="411702").path == "410000/411700/411702/"
    assert not Org.objects.filter(name__contains="市辖区").exists()
    # abolished codes (驻马店地区, 2000) are not federations today
    assert not Org.objects.filter(code="412800").exists()


@pytest.mark.django_db
def test_grassroots_unions_get_county_code_plus_sequence(province_admin):
    county = Org.objects.get(code="411702")
    first = create_grassroots_union(by=province_admin, county=county, name="甲工会")
    second = create_grassroots_union(by=province_admin, county=county, name="乙工会")
    assert (first.code, second.code) == ("4117020001", "4117020002")
    assert second.path == "410000/411700/411702/4117020002/"


@pytest.mark.django_db
def test_grassroots_union_outside_own_subtree_is_refused(luoyang_officer):
    with pytest.raises(DomainError):
        create_grassroots_union(
            by=luoyang_officer, county=Org.objects.get(code="411702"), name="越权工会"
        )


def test_uscc_is_validated_with_stdnum():
    good = make_uscc(random.Random(3))
    assert uscc.is_valid(good)
    assert clean_uscc(f" {good} ") == good
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(DomainError):
        clean_uscc(bad)
