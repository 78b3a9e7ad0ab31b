"""Money as integer fen, and figures printed the way the province's report prints them.

Rounding rule for 万/亿: half-up to the stated number of decimals (17.125亿 →
17.13亿), applied once to the exact total, never to parts that are then added.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def chinese_units(value: int | Decimal, *, places: int = 2, unit: str = "") -> str:
    """5888.7万人次 style: 亿 above 1e8, 万 above 1e4, else the plain number."""
    number = Decimal(value)
    for size, name in ((Decimal(10**8), "亿"), (Decimal(10**4), "万")):
        if abs(number) >= size:
            scaled = (number / size).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            text = f"{scaled:f}".rstrip("0").rstrip(".") if "." in f"{scaled:f}" else f"{scaled:f}"
            return f"{text}{name}{unit}"
    return f"{number:f}{unit}"


def yuan_in_units(fen: int, *, places: int = 2) -> str:
    """17.13亿元 from an exact fen total."""
    return chinese_units(fen_to_yuan(fen), places=places, unit="元")
