"""Console forms for the night school; they only carry values, every rule is the services'."""

from django import forms

from gonghui.training.models import MAX_CAPACITY, MIN_CAPACITY

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAYS = [(str(i), f"周{'一二三四五六日'[i - 1]}") for i in range(1, 8)]


class ClassForm(forms.Form):
    org_code = forms.CharField(label="开班组织代码", max_length=20)
    subject = forms.CharField(label="科目", max_length=50, help_text="如 书法、戏曲、太极、相声")
    course_name = forms.CharField(
        label="课程名称", max_length=100, help_text="同一组织下同名课程会沿用已有课程"
    )
    name = forms.CharField(label="班级名称", max_length=100)
    teacher = forms.CharField(label="授课老师", max_length=50)
    room = forms.CharField(label="教室", max_length=100)
    weekdays = forms.MultipleChoiceField(
        label="每周上课日",
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkboxes"}),
    )
    starts_at = forms.TimeField(label="上课时间", widget=TIME)
    ends_at = forms.TimeField(label="下课时间", widget=TIME)
    term_starts = forms.DateField(label="开课日期", widget=DATE)
    term_ends = forms.DateField(label="结课日期", widget=DATE)
    capacity = forms.IntegerField(
        label="名额", min_value=MIN_CAPACITY, max_value=MAX_CAPACITY,
        help_text=f"{MIN_CAPACITY}至{MAX_CAPACITY}人",
    )  # fmt: skip
    lottery = forms.BooleanField(
        label="报名人数超过名额时摇号", required=False,
        help_text="勾选后先收集报名，由工作人员摇号确定录取名单；否则先到先得",
    )  # fmt: skip
    certificate_sessions = forms.IntegerField(
        label="结业所需出勤次数", required=False, min_value=1, help_text="留空为总课次的80%"
    )


class EnrolForm(forms.Form):
    id_number = forms.CharField(
        label="职工身份证号", max_length=24, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class LotteryForm(forms.Form):
    seed = forms.CharField(
        label="摇号种子", max_length=64, required=False,
        help_text="可当众公布的任意文字（如当日日期与公证编号）；留空则随机生成并记入审计日志",
    )  # fmt: skip
