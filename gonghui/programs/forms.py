"""Console forms for programs, service points and check-in.

The forms only carry text: money is converted by ``core.money.yuan_to_fen``, orgs are
looked up through the scoped org selector, and every rule is the services' to check.
"""

import uuid

from django import forms

from gonghui.members.categories import CATEGORIES
from gonghui.orgs.picker import OrgPickerField
from gonghui.programs.models import Frequency, ProgramKind, ReportLine, WhenExhausted

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YUAN_HELP = "单位：元，最多两位小数"


def _yuan_field(label: str, *, required: bool = False, help_text: str = YUAN_HELP):
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ProgramForm(forms.Form):
    org_code = OrgPickerField(
        label="主办组织", help_text="项目在该组织及其下级范围内开展；输入代码、名称或拼音首字母"
    )
    name = forms.CharField(label="项目名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=ProgramKind.choices)
    report_line = forms.ChoiceField(
        label="成绩单栏目",
        choices=ReportLine.choices,
        required=False,
        help_text="本项目的服务人数与人次计入成绩单的哪一项；不属于成绩单所列项目的选“不单列”",
    )
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    frequency = forms.ChoiceField(label="频次限制", choices=Frequency.choices)
    categories = forms.MultipleChoiceField(
        label="限职工类别",
        required=False,
        choices=[(str(c.bit), c.name) for c in CATEGORIES],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkboxes"}),
        help_text="都不选表示不限类别",
    )
    min_age = forms.IntegerField(label="最低年龄", required=False, min_value=0, max_value=150)
    max_age = forms.IntegerField(label="最高年龄", required=False, min_value=0, max_value=150)
    members_only = forms.BooleanField(label="仅限工会会员", required=False)
    unit_cost = _yuan_field("单价（元/人次）", help_text="每服务一人次计入的金额，单位：元")
    budget = _yuan_field("预算（元）", help_text="留空表示不设预算，单位：元")
    when_exhausted = forms.ChoiceField(
        label="预算用完后", choices=WhenExhausted.choices, initial=WhenExhausted.REFUSE
    )
    insurer = forms.CharField(label="保险公司", required=False, max_length=100)
    policy_number = forms.CharField(label="保单号", required=False, max_length=64)
    cover_starts = forms.DateField(label="保障开始", required=False, widget=DATE)
    cover_ends = forms.DateField(label="保障结束", required=False, widget=DATE)
    sum_insured = _yuan_field("保额（元/人）", help_text="赠送保险填写，单位：元")

    MONEY_FIELDS = {"unit_cost": "unit_cost_fen", "budget": "budget_fen"}
    POLICY_FIELDS = ("insurer", "policy_number", "cover_starts", "cover_ends")

    def category_bits(self) -> int:
        return sum(int(bit) for bit in self.cleaned_data["categories"])


# Model fields the programme form names otherwise.
PROGRAM_FIELDS = {
    "unit_cost_fen": "unit_cost",
    "budget_fen": "budget",
    "sum_insured_fen": "sum_insured",
}


class BudgetForm(forms.Form):
    """A new budget for a programme, in 元 (blank: no budget), and why; the four-eyes rule
    and the spent floor are the service's (``change_budget``)."""

    budget = _yuan_field("新预算（元）", help_text="留空表示不设预算，单位：元")
    reason = forms.CharField(label="修改理由", max_length=200)


class ServicePointForm(forms.Form):
    org_code = OrgPickerField(label="所属组织")
    name = forms.CharField(label="服务点名称", max_length=100)
    address = forms.CharField(label="地址", required=False, max_length=200)
    programs = forms.MultipleChoiceField(
        label="提供的项目",
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkboxes"}),
    )
    staff = forms.CharField(
        label="核销人员账号",
        required=False,
        max_length=1000,
        help_text="服务点核销员的登录账号，多个用空格或逗号分隔",
    )

    def __init__(self, *args, programs=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programs"].choices = [(str(p.pk), p.name) for p in programs]

    def usernames(self) -> list[str]:
        text = self.cleaned_data["staff"].replace("，", ",").replace(",", " ")
        return [name for name in text.split() if name]


class CheckinForm(forms.Form):
    """Which point and program, the card token, and a request id for idempotent retries."""

    choice = forms.ChoiceField(
        label="服务点 · 项目",
        error_messages={"required": "请选择服务点和项目", "invalid_choice": "请选择服务点和项目"},
    )
    token = forms.CharField(
        label="工会卡二维码",
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
                "placeholder": "扫码或输入二维码内容",
                "class": "token",
            }
        ),
        error_messages={"required": "请扫码或输入工会卡二维码"},
    )
    request_id = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, choices=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = list(choices)
        if len(choices) == 1:
            self.fields["choice"].initial = choices[0][0]

    @staticmethod
    def fresh_request_id() -> str:
        return uuid.uuid4().hex
