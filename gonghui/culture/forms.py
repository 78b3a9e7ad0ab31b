"""Console forms for culture; they carry values, the services hold the rules."""

from django import forms

from gonghui.culture.models import BookhouseLevel, EventKind, HostKind
from gonghui.orgs.picker import OrgPickerField

HOURS_HELP = "例：周一至周五 08:30-12:00,14:00-18:00；周六 09:00-17:00；周日 休息"


class EventForm(forms.Form):
    org_code = OrgPickerField(label="主办组织")
    kind = forms.ChoiceField(label="类别", choices=EventKind.choices)
    title = forms.CharField(label="活动名称", max_length=100)
    venue = forms.CharField(label="地点（村、社区、企业）", max_length=200)
    starts_at = forms.DateTimeField(
        label="开始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    performers = forms.CharField(label="演出团体/主讲人", max_length=200, required=False)


class HeldForm(forms.Form):
    audience = forms.IntegerField(label="观众人次", min_value=0)
    estimated = forms.BooleanField(label="人次为估计数（露天演出）", required=False)


class BookhouseForm(forms.Form):
    org_code = OrgPickerField(label="所属组织")
    name = forms.CharField(label="书屋名称", max_length=100)
    host_kind = forms.ChoiceField(label="依托单位类型", choices=HostKind.choices)
    level = forms.ChoiceField(
        label="示范级别", choices=BookhouseLevel.choices, initial=BookhouseLevel.NONE
    )
    level_year = forms.IntegerField(
        label="命名年份", required=False, min_value=1990, max_value=2100
    )
    holdings = forms.IntegerField(label="藏书（册）", min_value=0, initial=0)
    ebooks = forms.IntegerField(label="电子图书（册）", min_value=0, initial=0)
    periodicals = forms.IntegerField(label="期刊（种）", min_value=0, initial=0)
    opening_hours = forms.CharField(
        label="开放时间", max_length=200, required=False, help_text=HOURS_HELP
    )


class BookhouseEditForm(forms.Form):
    """The bookhouse form without its org (a bookhouse does not move between orgs)."""

    name = forms.CharField(label="书屋名称", max_length=100)
    host_kind = forms.ChoiceField(label="依托单位类型", choices=HostKind.choices)
    level = forms.ChoiceField(
        label="示范级别", choices=BookhouseLevel.choices, initial=BookhouseLevel.NONE
    )
    level_year = forms.IntegerField(
        label="命名年份", required=False, min_value=1990, max_value=2100
    )
    holdings = forms.IntegerField(label="藏书（册）", min_value=0)
    ebooks = forms.IntegerField(label="电子图书（册）", min_value=0, initial=0)
    periodicals = forms.IntegerField(label="期刊（种）", min_value=0, initial=0)
    opening_hours = forms.CharField(
        label="开放时间", max_length=200, required=False, help_text=HOURS_HELP
    )


class VisitsForm(forms.Form):
    month = forms.CharField(
        label="月份", max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    visits = forms.IntegerField(label="读者人次", min_value=0)


class SignInForm(forms.Form):
    id_numbers = forms.CharField(
        label="签到职工身份证号（每行一个）",
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label="活动照片", help_text="JPEG或PNG")


class CampaignForm(forms.Form):
    """A reading campaign and its items, one a line: the title, a space, then its link."""

    org_code = OrgPickerField(label="主办组织")
    name = forms.CharField(label="活动名称", max_length=100)
    starts_on = forms.DateField(
        label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label="结束日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    items = forms.CharField(
        label="阅读篇目（每行一篇）",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行：篇目标题，空格，原文链接（http:// 或 https:// 开头）",
    )

    def clean_items(self) -> list[tuple[str, str]]:
        """(title, url) per non-blank line; a line without both names its number."""
        items = []
        text = self.cleaned_data["items"].replace("\u3000", " ")  # a full-width space too
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            title, _, url = line.strip().rpartition(" ")
            if not title or not url.startswith(("http://", "https://")):
                raise forms.ValidationError(f"第{number}行须为“篇目标题 原文链接”")
            items.append((title, url))
        if not items:
            raise forms.ValidationError("至少填写一篇")
        return items
