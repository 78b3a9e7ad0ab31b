"""Console forms for the worker registry.

The forms only carry text to the services: every rule (required fields, ID
checksum, category names, dates) is checked once, in ``members.validation``
via ``prepare_worker``, and its errors come back naming its keywords, which are the
``WorkerForm`` field names (``show_error`` puts each next to its field).
"""

from django import forms

from gonghui.members.categories import CATEGORIES, NEW_EMPLOYMENT_FORM
from gonghui.orgs.picker import OrgPicker, OrgPickerField

MEMBER_CHOICES = [("", "全部"), ("yes", "是"), ("no", "否")]


class IdSearchForm(forms.Form):
    """A whole ID number, posted: never in a URL, where access logs and history keep it."""

    id_number = forms.CharField(
        label="按身份证号查找",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "完整的18位身份证号"}),
    )


class WorkerFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "姓名、拼音或首字母",
                "autocomplete": "off",
            }
        ),
    )
    org = OrgPickerField(
        label="组织", required=False, help_text="", widget=OrgPicker(attrs={"placeholder": "全部"})
    )
    category = forms.ChoiceField(
        label="职工类别",
        required=False,
        choices=[("", "全部类别")]
        + [(c.name, c.name) for c in CATEGORIES]
        + [(NEW_EMPLOYMENT_FORM, NEW_EMPLOYMENT_FORM)],
    )
    member = forms.ChoiceField(label="工会会员", required=False, choices=MEMBER_CHOICES)

    def member_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("member") or "")


class WorkerForm(forms.Form):
    """One worker; on edit the ID number (the worker's identity) is not a field."""

    name = forms.CharField(label="姓名", required=False, max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(label="手机号码", required=False, max_length=20)
    org_code = OrgPickerField(label="所属工会", required=False)
    employer_name = forms.CharField(label="工作单位", required=False, max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", required=False, max_length=30)
    categories = forms.MultipleChoiceField(
        label="职工类别",
        required=False,
        choices=[(c.name, c.name) for c in CATEGORIES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkboxes"}),
    )
    joined_on = forms.CharField(
        label="入会日期",
        required=False,
        help_text="留空表示非会员",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, editing: bool = False, phone_masked: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            del self.fields["id_number"]
            self.fields["phone"].help_text = (
                f"当前 {phone_masked}，留空则不修改" if phone_masked else "未登记"
            )


class ImportForm(forms.Form):
    file = forms.FileField(label="名册文件（.xlsx 或 .csv）", required=False)
    dry_run = forms.BooleanField(label="试导入（只校验，不写入）", required=False)
