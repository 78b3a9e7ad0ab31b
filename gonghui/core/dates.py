import datetime
import re

from gonghui.core.errors import DomainError

_DATE = re.compile(r"^(\d{4})[-/.年]?(\d{1,2})[-/.月]?(\d{1,2})日?$")


def parse_date(value: object, *, field: str, label: str) -> datetime.date:
    """Dates as staff type them: 2024-03-01, 2024/3/1, 2024.03.01, 20240301, 2024年3月1日.

    ``field`` is the attribute the date is for (``joined_on``), the error's ``field``;
    ``label`` is how the message names it to a person (入会日期).
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE.match(str(value).strip())
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise DomainError("bad_date", f"{label}“{value}”不是有效日期（例：2024-03-01）", field=field)
