"""The competition page's marking form and score-sheet upload, and its Excel ranking."""

import datetime
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.members.generate import make_id
from gonghui.orgs.models import Org
from gonghui.training.competitions import create_competition, enter_competition, record_score
from gonghui.training.importers import SCORE_COLUMNS
from gonghui.training.models import Score

pytestmark = pytest.mark.django_db


def id_of(seed: int) -> str:
    return make_id(random.Random(seed), "411702")


@pytest.fixture
def entries(contest, zhumadian_officer, make_worker):
    names = ["张东青", "李秀英", "王伟"]
    return [
        enter_competition(
            by=zhumadian_officer,
            competition=contest,
            worker=make_worker(n, org="411702", id_number=id_of(i)),
        )
        for i, n in enumerate(names, start=1)
    ]


def score_url(contest) -> str:
    return reverse("training:competition_score", args=[contest.pk])


def detail(client, contest) -> str:
    return client.get(reverse("training:competition", args=[contest.pk])).content.decode()


def test_a_mark_from_the_form_is_saved_and_ranks_the_entry(
    client, contest, entries, zhumadian_officer
):
    client.force_login(zhumadian_officer)
    assert 'id="score"' in detail(client, contest)
    for part, points in [("theory", "80"), ("practical", "90")]:
        answer = client.post(
            score_url(contest),
            {"entry": entries[0].pk, "judge": "评委甲", "part": part, "points": points},
        )
        assert answer.status_code == 302
    page = client.get(reverse("training:competition", args=[contest.pk]), follow=True)
    text = page.content.decode()
    assert "张*青 实操，评委“评委甲”：90.00分，已登记" in text
    table = text[text.index('id="ranking"') :]
    row = table[table.index("张*青") - 30 :].split("</tr>")[0]
    assert "<tr><td>1</td><td>张*青</td>" in row and "87.00" in row  # 0.3*80 + 0.7*90
    assert "成绩不全" in table  # the two entries without marks


def test_field_errors_are_shown_next_to_their_field_and_nothing_is_saved(
    client, contest, entries, zhumadian_officer
):
    client.force_login(zhumadian_officer)
    answer = client.post(
        score_url(contest),
        {"entry": entries[0].pk, "judge": "评委甲", "part": "theory", "points": "100.5"},
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    errors = text[text.index('id="errors-points"') :].split("</ul>")[0]
    assert "应为0至100之间、最多两位小数" in errors
    assert 'value="100.5"' in text  # the typed mark stays for correcting
    answer = client.post(
        score_url(contest), {"entry": entries[0].pk, "judge": " ", "part": "笔试", "points": "80"}
    )
    text = answer.content.decode()
    assert "这个字段是必填项" in text[text.index('id="errors-judge"') :].split("</ul>")[0]
    assert "选择一个有效的选项" in text[text.index('id="errors-part"') :].split("</ul>")[0]
    other = create_competition(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        name="焊工竞赛",
        tier="city",
        trade="焊工",
        held_on=datetime.date(2026, 11, 2),
    )
    answer = client.post(
        score_url(other),
        {"entry": entries[0].pk, "judge": "评委甲", "part": "theory", "points": "80"},
    )
    assert answer.status_code == 400 and 'id="errors-entry"' in answer.content.decode()
    assert Score.objects.count() == 0


def test_only_those_who_may_mark_see_the_forms_and_a_sibling_gets_404(
    client, contest, entries, yicheng_officer, luoyang_officer
):
    post = {"entry": entries[0].pk, "judge": "评委甲", "part": "theory", "points": "80"}
    sheet = SimpleUploadedFile("评分表.csv", ",".join(SCORE_COLUMNS).encode())
    client.force_login(yicheng_officer)  # sees the city's contest, marks are the city's
    page = detail(client, contest)
    assert "张*青" in page and 'id="score"' not in page and 'id="import-scores"' not in page
    assert client.post(score_url(contest), post).status_code == 404
    client.force_login(luoyang_officer)
    for name in ("competition", "competition_export"):
        assert client.get(reverse(f"training:{name}", args=[contest.pk])).status_code == 404
    assert client.post(score_url(contest), post).status_code == 404
    import_url = reverse("training:competition_import", args=[contest.pk])
    assert client.post(import_url, {"file": sheet}).status_code == 404
    assert Score.objects.count() == 0


def upload(client, contest, rows: list[list[str]], name="评分表.csv"):
    text = "\n".join(",".join(r) for r in [list(SCORE_COLUMNS), *rows]) + "\n"
    file = SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")
    return client.post(reverse("training:competition_import", args=[contest.pk]), {"file": file})


def test_the_upload_imports_all_rows_or_lists_the_bad_ones(
    client, contest, entries, zhumadian_officer
):
    client.force_login(zhumadian_officer)
    answer = upload(
        client,
        contest,
        [
            [id_of(1), "张东青", "评委甲", "理论", "88"],
            [id_of(2), "李秀英", "评委甲", "理论", "一百"],
        ],
    )
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "第3行【分数】" in text and "未导入任何数据" in text
    assert Score.objects.count() == 0
    answer = upload(
        client,
        contest,
        [
            [id_of(1), "张东青", "评委甲", "理论", "88"],
            [id_of(1), "张东青", "评委甲", "实操", "77"],
        ],
    )
    assert answer.status_code == 302
    assert "新增2" in detail(client, contest)
    assert sorted(Score.objects.values_list("points", flat=True)) == [77, 88]


def test_the_excel_ranking_has_ranks_ties_masked_names_and_two_place_scores(
    client, contest, entries, zhumadian_officer, yicheng_officer, make_worker
):
    fourth = make_worker("赵敏", org="411702", id_number=id_of(4))
    a, b, c = entries
    d = enter_competition(by=zhumadian_officer, competition=contest, worker=fourth)
    marks = [(a, "80", "90"), (b, "90", "85.71"), (c, "80", "90"), (d, "60", None)]
    for entry, theory, practical in marks:
        record_score(by=zhumadian_officer, entry=entry, judge="甲", part="theory", points=theory)
        if practical:
            record_score(
                by=zhumadian_officer, entry=entry, judge="甲", part="practical", points=practical
            )
    record_score(by=zhumadian_officer, entry=b, judge="乙", part="practical", points="85.72")
    client.force_login(yicheng_officer)
    answer = client.get(reverse("training:competition_export", args=[contest.pk]))
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    rows = list(book["成绩排名"].iter_rows(values_only=True))
    assert rows[0] == ("名次", "姓名", "所属工会", "理论平均分", "实操平均分", "加权总分")
    # 李秀英 0.3*90 + 0.7*85.715 = 87.0005 is first by the exact total though it prints 87.00;
    # 张东青 and 王伟 both 0.3*80 + 0.7*90 = 87 with equal practical means share 2nd; 赵敏
    # lacks a practical mark and is not ranked.
    union = Org.objects.get(code="411702").name
    assert [row[:3] for row in rows[1:]] == [
        (1, "李*英", union),
        (2, "张*青", union),
        (2, "王*", union),
        ("成绩不全", "赵*", union),
    ]
    assert [row[3:] for row in rows[1:]] == [
        (90, 85.72, 87),
        (80, 90, 87),
        (80, 90, 87),
        (60, None, None),
    ]
    assert book["成绩排名"]["F2"].data_type == "n"  # numbers staff can sum, not text
    competition = list(book["竞赛"].iter_rows(values_only=True))[1]
    assert competition[:3] == ("驻马店市电工技能竞赛", "市级", "电工")
    assert id_of(1) not in str(rows) and "张东青" not in str(rows)
