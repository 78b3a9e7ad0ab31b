"""The province's two printing styles, at their edges."""

from decimal import Decimal

import pytest

from gonghui.core.money import chinese_units, chinese_units_at_least, yuan_in_units


@pytest.mark.parametrize(
    "value, places, unit, printed",
    [
        (27_900, 2, "名", "2.79万名"),
        (58_887_000, 1, "人次", "5888.7万人次"),
        (49_999.5, 2, "", "5万"),  # 4.99995万 rounds half-up to 5.00万
        (49_949.9, 2, "", "4.99万"),  # 4.99499万
        (99_999_999, 2, "", "1亿"),  # 9999.9999万 rounds into the next unit
        (99_994_999, 2, "", "9999.5万"),
        (2_109, 2, "家", "2109家"),
        (9_999, 2, "", "9999"),
        (10_000, 2, "", "1万"),
        (8_450_000, -1, "人", "850万人"),  # tens of 万, half-up
        (8_449_999, -1, "人", "840万人"),
        (99_999, -1, "", "10万"),  # 9.9999万: never past the leading digit, so whole 万
        (99_950_000, -1, "", "1亿"),  # 9995万 rounds to 10000万, printed in 亿
        (9_999, -1, "", "9999"),  # below 万 the plain number keeps its units
    ],
)
def test_exact_style_rounds_half_up_at_the_printed_precision(value, places, unit, printed):
    assert chinese_units(Decimal(str(value)), places=places, unit=unit) == printed


def test_money_in_yi_from_an_exact_fen_total():
    assert yuan_in_units(12_995_000_000) == "1.3亿元"  # 129,950,000.00 yuan: 1.2995亿 → 1.30
    assert yuan_in_units(171_250_000_000) == "17.13亿元"
    assert yuan_in_units(15_000_000) == "15万元"


@pytest.mark.parametrize(
    "value, places, unit, words, printed",
    [
        (51_234, 2, "场", False, "5.12万余场"),
        (8_712_345, 0, "人次", False, "871余万人次"),
        (8_400_001, 0, "人", False, "840余万人"),
        (8_700_000, 0, "人次", False, "870万人次"),  # nothing cut: no 余
        (51_200, 2, "场", False, "5.12万场"),
        (20_417, 0, "人次", True, "两万余人次"),
        (20_000, 0, "人次", True, "两万人次"),
        (49_999.5, 2, "", False, "4.99万余"),  # cut, never rounded up
        (129_950_000, 1, "元", False, "1.2亿余元"),
        (2_109.5, 0, "", False, "2109余"),
        (8_450_000, -1, "人", False, "840余万人"),  # cut at 十万, as the province writes it
        (8_750_000, -1, "人次", False, "870余万人次"),
        (8_499_999, -1, "人", False, "840余万人"),  # cut, never rounded up
        (8_400_000, -1, "人", False, "840万人"),  # nothing cut: no 余
        (8_400_001, -1, "人", False, "840余万人"),  # a single worker cut still shows 余
        (99_999, -1, "", False, "9万余"),  # one digit in 万: cut at the unit, not to 0万
        (105_000_000, -1, "", False, "1亿余"),
        (12_345_678_901, -1, "", False, "120余亿"),
        (9_999, -1, "", False, "9999"),  # below 万 nothing is cut
    ],
)
def test_at_least_style_cuts_and_marks_what_was_cut_with_yu(value, places, unit, words, printed):
    shown = chinese_units_at_least(Decimal(str(value)), places=places, unit=unit, words=words)
    assert shown == printed


def test_pages_print_fen_as_yuan_with_separators_and_nothing_for_none():
    from django.template import Context, Template

    page = Template("{% load money %}{{ a|yuan }}|{{ b|yuan }}|{{ c|yuan|default:'—' }}")
    assert page.render(Context({"a": 200000000, "b": 5, "c": None})) == "2,000,000.00|0.05|—"
