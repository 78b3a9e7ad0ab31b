"""The staff password policy, as a Django password validator (``AUTH_PASSWORD_VALIDATORS``)."""

from django.core.exceptions import ValidationError

MIN_LENGTH = 12
MIN_CLASSES = 3


def _classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols the password uses."""
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )


class LengthAndClassesValidator:
    """At least 12 characters from at least 3 of 4 classes (大写、小写、数字、符号)."""

    def validate(self, password: str, user=None) -> None:
        if len(password) < MIN_LENGTH or _classes(password) < MIN_CLASSES:
            raise ValidationError(self.get_help_text(), code="password_policy")

    def get_help_text(self) -> str:
        return (
            f"密码至少{MIN_LENGTH}位，并包含大写字母、小写字母、数字、符号中的至少{MIN_CLASSES}种"
        )
