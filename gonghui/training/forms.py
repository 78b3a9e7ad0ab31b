"""Console forms for the night school; they only carry values, every rule is the services'."""

from django import forms

from gonghui.orgs.picker import OrgPickerField
from gonghui.training.models import (
    MAX_CAPACITY,
    MIN_CAPACITY,
    FundKind,
    OutcomeKind,
    Part,
    Tier,
    TitleLevel,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAYS = [(str(i), f"周{'一二三四五六日'[i - 1]}") for i in range(1, 8)]


class ClassForm(forms.Form):
    org_code = OrgPickerField(label="开班组织")
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
        label="名额",
        min_value=MIN_CAPACITY,
        max_value=MAX_CAPACITY,
        help_text=f"{MIN_CAPACITY}至{MAX_CAPACITY}人",
    )
    lottery = forms.BooleanField(
        label="报名人数超过名额时摇号",
        required=False,
        help_text="勾选后先收集报名，由工作人员摇号确定录取名单；否则先到先得",
    )
    certificate_sessions = forms.IntegerField(
        label="结业所需出勤次数", required=False, min_value=1, help_text="留空为总课次的80%"
    )


class EnrolForm(forms.Form):
    """A worker named by their whole ID number, sent in a POST body (never in a URL): a class
    application, a contest entry, an honour."""

    id_number = forms.CharField(
        label="职工身份证号", max_length=24, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class LotteryForm(forms.Form):
    seed = forms.CharField(
        label="摇号种子",
        max_length=64,
        required=False,
        help_text="可当众公布的任意文字（如当日日期与公证编号）；留空则随机生成并记入审计日志",
    )


class FundProjectForm(forms.Form):
    """A training-fund project; money is typed in yuan and converted by ``yuan_to_fen``."""

    org_code = OrgPickerField(label="资助组织")
    name = forms.CharField(label="项目名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=FundKind.choices)
    employer_name = forms.CharField(label="合作企业", max_length=200)
    uscc = forms.CharField(
        label="统一社会信用代码", max_length=24, help_text="已登记的企业沿用登记的名称"
    )
    provider = forms.CharField(label="合作院校/培训机构", max_length=100)
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    budget = forms.CharField(
        label="预算（元）",
        max_length=20,
        help_text="单位：元，最多两位小数",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class SpendingForm(forms.Form):
    spent_on = forms.DateField(label="支出日期", widget=DATE)
    amount = forms.CharField(
        label="金额（元）",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    purpose = forms.CharField(label="用途", max_length=200, help_text="如 学费、教材费、考试费")


class TraineeForm(forms.Form):
    id_number = forms.CharField(
        label="职工身份证号", max_length=24, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    joined_on = forms.DateField(
        label="入学日期", required=False, widget=DATE, help_text="留空为项目开始日期"
    )


class OutcomeForm(forms.Form):
    trainee = forms.IntegerField(label="学员")
    kind = forms.ChoiceField(label="结果", choices=OutcomeKind.choices)
    on = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(
        label="证书编号/等级/说明",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"size": 10, "placeholder": "证书编号/等级"}),
    )


class ScoreForm(forms.Form):
    """One judge's mark for one entry and part; ``entries`` are (entry id, label) pairs of the
    contest, so an entry of another contest is not a valid choice."""

    entry = forms.TypedChoiceField(label="参赛者", coerce=int)
    judge = forms.CharField(label="评委", max_length=50)
    part = forms.ChoiceField(label="部分", choices=Part.choices)
    points = forms.CharField(
        label="分数",
        max_length=10,
        help_text="0至100，最多两位小数",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )

    def __init__(self, *args, entries: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "请选择参赛者"), *entries]


class CompetitionForm(forms.Form):
    org_code = OrgPickerField(label="主办组织")
    name = forms.CharField(label="竞赛名称", max_length=100)
    tier = forms.ChoiceField(label="级别", choices=Tier.choices)
    trade = forms.CharField(label="工种", max_length=50, help_text="如 电工、焊工、环卫")
    held_on = forms.DateField(label="比赛日期", widget=DATE)
    theory_weight = forms.IntegerField(
        label="理论成绩权重（%）", help_text="0至100，其余为实操成绩"
    )


class TitleForm(EnrolForm):
    """An honour for one worker of the staff's subtree."""

    title = forms.CharField(
        label="称号", max_length=50, help_text="如 劳动模范、五一劳动奖章、河南工匠"
    )
    level = forms.ChoiceField(label="级别", choices=TitleLevel.choices)
    year = forms.IntegerField(label="授予年份")


class ResultsAwardForm(forms.Form):
    """A title for every entry placed ``places`` or better (ties included)."""

    places = forms.IntegerField(label="授予前几名", help_text="并列者一并授予")
    title = forms.CharField(label="称号", max_length=50)
