import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from gonghui.core.errors import DomainError
from gonghui.core.idnumber import check_digit, mask_id, normalise_id, parse_id


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


def test_full_width_digits_spaces_and_lower_case_x_are_normalised():
    assert normalise_id(" １１０１０５１９４９１２３１００２ｘ ") == "11010519491231002X"
    assert normalise_id("110105 1949 1231 002x") == "11010519491231002X"
    assert parse_id("１１０１０５１９４９１２３１００２ｘ").number == "11010519491231002X"


def test_birth_date_sex_and_region_are_derived():
    number = parse_id("11010519491231002X")
    assert number.birth_date == datetime.date(1949, 12, 31)
    assert number.sex == "F"
    assert number.region_code == "110105"
    assert number.region_name == "朝阳区"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1101051949123100", "id_length"),
        ("11010519491231002X1", "id_length"),
        ("1101051949123100AX", "id_format"),
        ("110105194912310021", "id_checksum"),
        (with_check("41170219900230123"), "id_birth_date"),  # 30 February
        (with_check("41170221990101123"), "id_birth_date"),  # born in 2199
        (with_check("41170218890101123"), "id_birth_date"),  # before 1900
    ],
)
def test_malformed_numbers_are_rejected_with_a_reason(raw, code):
    with pytest.raises(DomainError) as caught:
        parse_id(raw)
    assert caught.value.code == code
    assert caught.value.message  # a Chinese reason the person can act on


def test_code_created_after_the_birth_date_is_valid():
    # 驿城区 (411702) exists since 2000; a person born there in 1985 got this
    # code when the card was issued. stdnum's validate() wrongly rejects it.
    number = with_check("41170219850612123")
    with pytest.raises(ric.InvalidComponent):
        ric.validate(number)
    parsed = parse_id(number)
    assert parsed.region_name == "驿城区"


def test_historic_code_no_longer_in_use_is_valid():
    # 412801 驻马店市 of the former 驻马店地区, abolished in 2000.
    parsed = parse_id(with_check("41280119750101123"))
    assert parsed.region_name == "驻马店市"


def test_unknown_region_code_is_accepted_without_a_name():
    parsed = parse_id(with_check("41999919800101123"))
    assert parsed.region_name is None


def test_mask_keeps_the_city_and_the_check_digit_only():
    assert mask_id("41170219850612123X") == "4117*************X"


@given(
    region=st.sampled_from(["411702", "410302", "110105", "419001"]),
    birth=st.dates(datetime.date(1930, 1, 1), datetime.date(2010, 12, 31)),
    order=st.integers(0, 999),
)
def test_generated_numbers_validate_and_any_changed_check_digit_fails(region, birth, order):
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    good = with_check(first17)
    assert parse_id(good).birth_date == birth
    assert check_digit(first17) == ric.calc_check_digit(good)
    for wrong in "0123456789X":
        if wrong != good[-1]:
            with pytest.raises(DomainError):
                parse_id(first17 + wrong)
