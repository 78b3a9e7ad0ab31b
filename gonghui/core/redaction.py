"""Clear ID numbers and mobile numbers never reach a log: a traceback or a message may carry
a request's path or a value a user typed (an ID number searched by GET), so every record is
redacted on its way to a handler, the formatted traceback included."""

import logging
import re

# 18-character resident ID numbers and 11-digit mobile numbers, not inside longer numbers.
_ID_NUMBER = re.compile(r"(?<![0-9])([1-9][0-9]{3})[0-9]{13}[0-9Xx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{8}(?![0-9])")


def redact(text: str) -> str:
    """``text`` with every ID number cut to its first 4 characters and every mobile number
    to its first 3, the rest starred."""
    text = _ID_NUMBER.sub(lambda m: m[1] + "*" * 14, text)
    return _MOBILE.sub(lambda m: m[1] + "*" * 8, text)


class RedactPersonalNumbers(logging.Filter):
    """A handler filter: the record's message and traceback, redacted once, in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
