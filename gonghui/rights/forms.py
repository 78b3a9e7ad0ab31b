"""Console forms for wage-arrears cases: text only; every rule is the services' to check."""

from django import forms

from gonghui.orgs.picker import OrgPickerField
from gonghui.rights.models import Channel, Referral

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.Form):
    org_code = OrgPickerField(label="承办组织")
    channel = forms.ChoiceField(label="来源渠道", choices=Channel.choices)
    opened_on = forms.DateField(label="受理日期", widget=DATE)
    employer_name = forms.CharField(label="用人单位", max_length=200)
    employer_uscc = forms.CharField(label="统一社会信用代码", max_length=18)
    project = forms.CharField(
        label="工程项目", max_length=200, required=False, help_text="建设领域案件填写"
    )
    contractor_name = forms.CharField(label="施工总承包单位", max_length=200, required=False)
    contractor_uscc = forms.CharField(label="总承包单位信用代码", max_length=18, required=False)
    summary = forms.CharField(
        label="案情摘要", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel或CSV文件", help_text=".xlsx 或 .csv（Excel另存的GBK也可）")


class TransferForm(forms.Form):
    # A case may be handed outside the sender's subtree: its picker offers the orgs above too.
    to_org = OrgPickerField(label="接收组织", among="hand_over")
    reason = forms.CharField(label="移交理由", max_length=500)


REFERRALS = [("", "—")] + list(Referral.choices)
