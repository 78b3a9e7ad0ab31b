"""Money as integer fen, and figures printed the way the province's report prints them.

The province prints a figure in one of two styles:

- **exact at the printed precision** (``chinese_units``: 2.79万, 5888.7万, 17.13亿元):
  half-up to the stated number of decimals of 万 or 亿 (17.125亿 → 17.13亿), applied once
  to the exact total, never to parts that are then added; trailing zeros are dropped
  (129,950,000.00 yuan → 1.30亿 → 1.3亿元), and a figure that rounds up to the next unit
  is printed in it (99,999,999 → 1亿, not 10000万).
- **at least, with 余** (``chinese_units_at_least``: 5.12万余场, 870余万人次, 两万余人次):
  cut (never rounded) to the stated decimals; 余 marks that something was cut and is never
  printed when nothing was (8,700,000 → 870万). It follows the unit after a decimal or a
  single digit (5.12万余, 两万余) and precedes it after a whole number of ten or more
  (870余万, as the province writes). ``words`` writes a single digit in characters
  (两万余), as the province does for a figure this small.

``places`` below zero cuts or rounds whole digits of the figure in 万 or 亿: -1 to tens of
万 (8,450,000 → 840余万 at least, 850万 exact), never past its leading digit (99,999 → 9万余
at -1) and never below 万 (9,999 stays 9999).

万 from 1e4, 亿 from 1e8; below 1e4 the plain number.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from gonghui.core.errors import DomainError

FEN_PER_YUAN = 100


def yuan_to_fen(value: object, *, field: str | None = None, label: str = "金额") -> int:
    """'12.5' / Decimal / int yuan → 1250 fen; more than 2 decimals or not a number is an error.

    ``field`` is the attribute the amount is for (``wages_fen``), the error's ``field``;
    ``label`` is how the message names it to a person (追回工资).
    """
    try:
        amount = Decimal(str(value).strip().replace(",", "").removesuffix("元"))
    except InvalidOperation:
        raise DomainError("bad_amount", f"{label}“{value}”不是有效金额", field=field) from None
    if not amount.is_finite():
        raise DomainError("bad_amount", f"{label}“{value}”不是有效金额", field=field)
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise DomainError("bad_amount", f"{label}“{value}”最多两位小数（精确到分）", field=field)
    return int(fen)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / FEN_PER_YUAN).quantize(Decimal("0.01"))


def yuan_text(fen: int) -> str:
    """1,234.56: an amount of fen as every page and message prints it (staff read 元 with
    thousands separators, never fen)."""
    return f"{fen_to_yuan(fen):,.2f}"


def yuan(fen: int) -> str:
    """12,345.67元: an amount inside a sentence (a story line, a refusal, a log line)."""
    return f"{yuan_text(fen)}元"


UNITS = ((Decimal(10**8), "亿"), (Decimal(10**4), "万"))
DIGIT_WORDS = dict(zip("123456789", "一两三四五六七八九", strict=True))


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _in_unit(number: Decimal, size: Decimal, name: str, places: int, rounding: str) -> Decimal:
    """``number`` in the unit ``size``, cut or rounded to ``places`` decimals. Negative
    ``places`` work on whole digits in 万 or 亿 (-1: tens of 万, 840余万), never past the
    leading one (9.9万 at -1 is 9万余, not 0万余); a plain number keeps its units."""
    figure = number / size
    if places < 0:
        places = max(places, 1 - len(str(int(abs(figure))))) if name else 0
    shown = figure.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    return shown.quantize(Decimal(1)) if places < 0 else shown


def _scaled(number: Decimal, places: int, rounding: str) -> tuple[Decimal, str, Decimal]:
    """(the figure in its unit cut or rounded to ``places``, the unit, the exact figure in
    that unit). The unit goes by magnitude, and a figure in 万 that rounds to 10000 goes
    on in 亿 (9999.999万 → 1亿)."""
    sizes = [(size, name) for size, name in UNITS if abs(number) >= size] or [(Decimal(1), "")]
    size, name = sizes[0]
    shown = _in_unit(number, size, name, places, rounding)
    if name == "万" and abs(shown) >= 10_000:
        size, name = UNITS[0]
        shown = _in_unit(number, size, name, places, rounding)
    return shown, name, number / size


def chinese_units(value: int | Decimal, *, places: int = 2, unit: str = "") -> str:
    """5888.7万人次 style: exact at ``places`` decimals of 万 or 亿 (see the module's rules)."""
    shown, name, _ = _scaled(Decimal(value), places, ROUND_HALF_UP)
    return f"{_plain(shown)}{name}{unit}"


def chinese_units_at_least(
    value: int | Decimal, *, places: int = 0, unit: str = "", words: bool = False
) -> str:
    """870余万人次 style: cut to ``places`` decimals, with 余 when anything was cut."""
    shown, name, exact = _scaled(Decimal(value), places, ROUND_DOWN)
    text = _plain(shown)
    if words and text in DIGIT_WORDS:
        text = DIGIT_WORDS[text]
    if shown == exact:
        return f"{text}{name}{unit}"
    if name and "." not in text and abs(shown) >= 10:
        return f"{text}余{name}{unit}"
    return f"{text}{name}余{unit}"


def yuan_in_units(fen: int, *, places: int = 2) -> str:
    """17.13亿元 from an exact fen total."""
    return chinese_units(fen_to_yuan(fen), places=places, unit="元")
