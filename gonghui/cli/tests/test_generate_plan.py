"""The province's plan prints the province's card, proved without generating the province:
its targets, printed by the card's own indicators and sentences, are the published figures
(domain.md), and the draws that must land on a total do so at province scale. That the
generator makes every target exactly is proved at tiny scale (test_generated_card.py)."""

import datetime

import pytest
from django.utils import timezone

from gonghui.cli.generate.context import Generation
from gonghui.cli.generate.mutualaid import BENEFITS, LEAST_CLAIM, approved_amounts, plan_claims
from gonghui.cli.generate.plan import PLANS, PROVINCE, PUBLISHED
from gonghui.core.periods import Period
from gonghui.orgs.models import Org
from gonghui.reports.card import Card, Figure, indicators

# The province's sentences, as domain.md's table publishes them.
PUBLISHED_SENTENCES = [
    "为2.79万名新就业形态劳动者免费体检",
    "为3.77万名货车司机赠送意外伤害保险",
    "为14.43万名环卫工人提供免费早餐5888.7万人次",
    "帮助19.96万名农民工追回工资及赔偿金17.13亿元",
    "职工重大疾病互助保障参保445万人次；为4.7万人发放互助金1.3亿元",
    "建成户外劳动者爱心驿站1.15万个，覆盖户外劳动者840余万人",
    "开展万场文化活动进基层5.12万余场演出，覆盖职工870余万人次",
    "建成省级及以上示范职工书屋2109家",
    "“悦读新思想 经典诵读”活动转发传播2104.8万次",
    "职工夜校服务职工两万余人次",
    "培育工匠人才1.4万名",
    "资助校企合作培训项目15万元",
]
UNPUBLISHED = {"training.entries"}  # the competitions' tiers have no published count


def test_every_published_figure_is_a_target_of_every_plan():
    declared = {i.id for i in indicators()}
    assert set(PUBLISHED) == declared - UNPUBLISHED
    for plan in PLANS.values():
        assert set(plan.targets) == set(PUBLISHED)


def test_the_provinces_targets_print_its_published_figures():
    by_id = {i.id: i for i in indicators()}
    printed = {key: by_id[key].printed(value) for key, value in PROVINCE.targets.items()}
    assert printed == PUBLISHED


@pytest.mark.django_db
def test_the_provinces_targets_make_its_published_sentences():
    figures = {i.id: Figure(i, PROVINCE.targets.get(i.id, 0)) for i in indicators()}
    card = Card(Org.objects.get(code="410000"), Period.year(2025), figures)
    sentences = [s for s in card.sentences() if "技能竞赛" not in s]
    assert sentences == PUBLISHED_SENTENCES


def test_the_provinces_outdoor_workers_are_all_its_covered_figure():
    # 8,450,000 outdoor workers, each within reach of an open station: 840余万人.
    assert PROVINCE.outdoor_workers == 8_450_000
    assert PROVINCE.targets["stations.covered"] == PROVINCE.outdoor_workers


def test_the_provinces_single_county_fund_is_its_whole_fund_figure():
    assert PROVINCE.fund_projects == 1
    assert PROVINCE.targets["training.fund"] == 150_000_00


@pytest.mark.parametrize("seed", [1, 2])
def test_the_provinces_claims_pay_its_total_to_the_fen(seed):
    """The province's own draws (4,450,000 enrolments, 51,000 claims): the paid claims
    approve 130,000,000.00 yuan exactly, the drawn 128.6M yuan being moved within the
    benefits, and the payees are the plan's."""
    g = Generation(
        plan=PROVINCE,
        seed=seed,
        year=2025,
        bulk=True,
        by=None,
        reviewer=None,
        payer=None,
        today=datetime.date(2026, 12, 5),
        now=timezone.now(),
        out=None,
    )
    enrolled, paid_on, claims = plan_claims(g, PROVINCE.workers)
    assert len(enrolled) == PROVINCE.aid_enrolments
    approved = approved_amounts(claims)
    assert sum(approved) == PROVINCE.aid_paid_fen == 130_000_000_00
    paid = [c for c in claims if c.paid_on is not None]
    assert len({c.enrolment for c in paid}) == PROVINCE.aid_payees
    assert len(claims) - len(paid) == PROVINCE.aid_unpaid_claims
    assert all(LEAST_CLAIM <= c.claimed_fen for c in claims)
    paid_amounts = [(c, fen) for c, fen in zip(claims, approved, strict=True) if c.paid_on]
    assert all(0 < fen <= BENEFITS[c.category] for c, fen in paid_amounts)
