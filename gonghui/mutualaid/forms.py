"""Console forms for mutual aid. They carry text only: money goes through
``core.money.yuan_to_fen``, workers are found through the members selectors, and
every rule is the services' to check."""

from django import forms

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
