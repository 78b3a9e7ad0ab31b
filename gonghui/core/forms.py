"""Forms more than one app's pages use."""

from django import forms
from django.core.exceptions import ValidationError

from gonghui.core.errors import DomainError


class UploadForm(forms.Form):
    """A list to import: the importers read .xlsx and CSV (UTF-8 or GBK as Excel saves it)."""

    file = forms.FileField(label="Excel或CSV文件", help_text=".xlsx 或 .csv（Excel另存的GBK也可）")


def show_error(
    form: forms.Form,
    error: DomainError | ValidationError,
    *,
    fields: dict[str, str] | None = None,
) -> None:
    """Put a refusal on the form: each message next to the field it names (a
    ``DomainError``'s ``field`` or a model ``ValidationError``'s keys are attribute names;
    ``fields`` maps those the form calls otherwise), the rest above the form. Forms take
    an org by its code, so ``org`` goes to ``org_code`` everywhere."""
    fields = {"org": "org_code", **(fields or {})}
    if isinstance(error, DomainError):
        named = {error.field or "": [error.message]}
    elif hasattr(error, "error_dict"):
        named = error.message_dict
    else:
        named = {"": error.messages}
    for name, messages in named.items():
        target = fields.get(name, name)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)
