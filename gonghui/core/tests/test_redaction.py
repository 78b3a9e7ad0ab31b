import logging
import sys

from gonghui.core.redaction import RedactPersonalNumbers, redact


def test_numbers_are_cut_and_other_digits_left_alone():
    assert redact("搜索 410102199001011234 与 13812345678") == (
        "搜索 4101************** 与 138********"
    )
    assert redact("41010219900101123X 订单 20261205123456789012") == (
        "4101************** 订单 20261205123456789012"
    )


def test_a_record_and_its_traceback_are_redacted_before_any_handler_formats_them():
    try:
        raise RuntimeError("failed on /boom/?id=410102199001011234")
    except RuntimeError:
        record = logging.getLogger("x").makeRecord(
            "x",
            logging.ERROR,
            __file__,
            1,
            "查询 %s",
            ("13812345678",),
            sys.exc_info(),
        )
    RedactPersonalNumbers().filter(record)
    text = logging.Formatter().format(record)
    assert "138********" in text and "4101**************" in text
    assert "13812345678" not in text and "410102199001011234" not in text
