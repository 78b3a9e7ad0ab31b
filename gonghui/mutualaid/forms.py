"""Console forms for mutual aid. They carry text only: money goes through
``core.money.yuan_to_fen``, workers are found through the members selectors, and
every rule is the services' to check."""

from django import forms

from gonghui.core.forms import UploadForm
from gonghui.orgs.picker import OrgPickerField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClaimForm(forms.Form):
    plan = forms.ChoiceField(label="互助保障计划")
    id_number = forms.CharField(
        label="职工身份证号",
        max_length=20,
        help_text="须为已参加该计划的职工",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    category = forms.ChoiceField(label="疾病类别")
    diagnosed_on = forms.DateField(label="确诊日期", widget=DATE)
    hospital = forms.CharField(label="确诊医院", max_length=100)
    diagnosis = forms.CharField(
        label="诊断",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="健康信息：加密保存，仅审核人可查看",
    )
    claimed = forms.CharField(
        label="申请金额（元）", max_length=20, help_text="单位：元，最多两位小数"
    )
    document = forms.FileField(
        label="诊断证明等材料", required=False, help_text="PDF、JPEG或PNG，按文件内容判断类型"
    )

    def __init__(self, *args, plans=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(str(p.pk), f"{p.year} · {p.name}") for p in plans]
        categories = sorted({b.category for p in plans for b in p.benefits.all()})
        self.fields["category"].choices = [(c, c) for c in categories]


class EnrolForm(forms.Form):
    plan = forms.ChoiceField(label="互助保障计划")
    id_number = forms.CharField(label="职工身份证号", max_length=20)
    paid_on = forms.DateField(label="缴费日期", widget=DATE, help_text="保障自缴费之日开始")

    def __init__(self, *args, plans=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(str(p.pk), f"{p.year} · {p.name}") for p in plans]


class DocumentForm(forms.Form):
    document = forms.FileField(label="上传材料", help_text="PDF、JPEG或PNG")


def _yuan_input(label: str, help_text: str = "单位：元，最多两位小数") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class PlanForm(forms.Form):
    """A yearly plan as ``services.create_plan`` takes it; the benefits are typed one
    category a line (``恶性肿瘤 50000``), amounts in yuan."""

    org_code = OrgPickerField(
        label="主办组织", help_text="本组织及其下级的职工可参加；输入代码、名称或拼音首字母"
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="计划名称", max_length=100)
    contribution = _yuan_input("每人缴费（元）")
    enrol_opens = forms.DateField(label="参保开始", widget=DATE)
    enrol_closes = forms.DateField(label="参保截止", widget=DATE)
    cover_starts = forms.DateField(label="保障开始", widget=DATE)
    cover_ends = forms.DateField(label="保障结束", widget=DATE)
    annual_cap = _yuan_input("每人年度最高互助金（元）")
    waiting_days = forms.IntegerField(
        label="等待期（天）",
        min_value=0,
        max_value=365,
        initial=90,
        help_text="缴费后多少天内确诊不予给付",
    )
    benefits = forms.CharField(
        label="给付标准",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个疾病类别和互助金（元），如：恶性肿瘤 50000",
    )


class RosterForm(UploadForm):
    """A roster for one plan: the importer checks every row before anything is submitted."""

    field_order = ["plan", "file"]
    plan = forms.ChoiceField(label="互助保障计划")

    def __init__(self, *args, plans=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [(str(p.pk), f"{p.year} · {p.name}") for p in plans]


class RosterReviewForm(forms.Form):
    """The rows ticked are returned with the one reason given; every other row is accepted.
    ``whole`` returns every row."""

    returned = forms.TypedMultipleChoiceField(coerce=int, required=False, label="退回的行")
    reason = forms.CharField(
        label="退回理由", max_length=200, required=False, help_text="退回任何一行都须填写"
    )

    def __init__(self, *args, rows=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["returned"].choices = [(r.row_number, r.row_number) for r in rows]
