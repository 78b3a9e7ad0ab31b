"""The org field of every form: a plain text box taking a code, a name or pinyin initials,
which htmx turns into a list of the user's own orgs as they type.

Without JavaScript the box is submitted as typed and ``selectors.pick_org`` resolves it,
listing the candidates when the text could mean several; with htmx the candidates arrive
as radio buttons named ``<field>_pick`` beside the box, and a ticked one wins over the text.
"""

from django import forms

from gonghui.core.actors import Actor
from gonghui.core.errors import DomainError
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import pick_org

PICK_SUFFIX = "_pick"


class OrgPicker(forms.TextInput):
    template_name = "orgs/widgets/org_picker.html"

    def __init__(self, attrs: dict | None = None, among: str = "") -> None:
        super().__init__(
            {"autocomplete": "off", "placeholder": "组织代码、名称或拼音首字母", **(attrs or {})}
        )
        self.among = among

    def get_context(self, name: str, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"]["among"] = self.among
        return context

    def value_from_datadict(self, data, files, name: str):
        return data.get(name + PICK_SUFFIX) or super().value_from_datadict(data, files, name)


class OrgPickerField(forms.CharField):
    """The text naming an org; the view resolves it with ``pick_org`` for the acting user.
    ``among`` names the orgs offered (``selectors.PICK_AMONG``), the user's subtree unless
    the field hands work over outside it."""

    def __init__(self, *, among: str = "", **kwargs) -> None:
        self.among = among
        kwargs.setdefault("widget", OrgPicker(among=among))
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", "输入组织代码、名称或拼音首字母（如 zmd），从列表中选择")
        super().__init__(**kwargs)


def picked_org(form: forms.Form, user: Actor, field: str = "org_code") -> Org | None:
    """The org the form's picker names, or None with the refusal put on that field."""
    try:
        return pick_org(user, form.cleaned_data[field], among=form.fields[field].among)
    except DomainError as exc:
        form.add_error(field, exc.message)
        return None
