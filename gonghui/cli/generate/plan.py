"""Target sizes of each scale: how many of everything ``gonghui generate`` writes.

``province`` is sized so that the report card of the generated year prints the figures
the province published (``PUBLISHED``, the table in domain.md): the counts below are the
raw records' counts, chosen inside the ranges those printed figures allow (5888.7万人次 is
58,886,500–58,887,499). ``Plan.targets`` says which card figure each count becomes, and
the generator makes every one of them exactly, at every scale; so two cheap tests prove
the province's card without generating it: the province's targets print the published
sentences, and a tiny generated card equals the tiny targets.
``city`` is one city (驻马店) at its own scale, ``tiny`` a few hundred workers in two of its
counties that touches every app in seconds (the tests' scale).
"""

from dataclasses import dataclass

NIGHT_SCHOOL_CITY = "411700"  # 驻马店: 每年服务职工两万余人次

# The province's published figures (domain.md), by the card figure that prints them.
# The competitions' entries (training.entries) have no published figure.
PUBLISHED = {
    "programs.exam_persons": "2.79万名",
    "programs.truck_persons": "3.77万名",
    "programs.breakfast_persons": "14.43万名",
    "programs.breakfast_times": "5888.7万人次",
    "rights.workers": "19.96万名",
    "rights.recovered": "17.13亿元",
    "mutualaid.enrolments": "445万人次",
    "mutualaid.payees": "4.7万人",
    "mutualaid.paid": "1.3亿元",
    "stations.count": "1.15万个",
    "stations.covered": "840余万人",
    "culture.events": "5.12万余场",
    "culture.audience": "870余万人次",
    "culture.bookhouses": "2109家",
    "culture.shares": "2104.8万次",
    "training.attendances": "两万余人次",
    "training.craftsmen": "1.4万名",
    # One county union's school–enterprise project, the only one the province reports:
    # it is the province's whole figure, so every plan funds one project.
    "training.fund": "15万元",
}


@dataclass(frozen=True)
class Plan:
    name: str
    cities: tuple[str, ...] | None  # None: every city with counties
    counties: tuple[str, ...] | None  # None: every county of those cities
    unions_per_county: int
    located_employers: float  # share of employers with a workplace location
    # Workers by category (each worker has one of these).
    sanitation: int  # 环卫工人
    nef: int  # 快递员, 外卖骑手, 网约车司机
    truck_drivers: int  # 货车司机
    outdoor: int  # 户外劳动者
    migrants: int  # 农民工 (建筑工人 among them)
    others: int  # 家政服务员 or no category
    members: float  # share of workers who joined the union
    # Programmes (report lines breakfast, nef_exam, truck_insurance).
    breakfast_persons: int
    breakfast_times: int
    exam_persons: int
    truck_persons: int
    # Mutual aid.
    aid_enrolments: int
    aid_payees: int
    aid_repeat_payees: int  # payees paid on a second claim of the same year
    aid_unpaid_claims: int  # rejected, returned or still under review
    aid_paid_fen: int  # paid to the payees, exactly
    # Wage arrears.
    rights_persons: int  # distinct migrant workers with a recovery
    recovered_fen: int  # wages and compensation recovered, exactly
    rights_workers_per_case: int
    # Rest stations.
    stations_open: int
    stations_other: int  # suspended or closed
    visits: int
    # Culture.
    events_held: int
    audience: int  # exactly, over the events held
    events_other: int  # planned or cancelled
    signed_events: int  # held events with a sign-in list
    bookhouses_demo: int  # national or province level
    bookhouses_other: int
    reading_shares: int  # exactly
    # Training.
    night_school_attendances: int  # in NIGHT_SCHOOL_CITY, exactly
    competitions: int
    craftsmen: int  # distinct workers with a title, contest winners among them
    fund_projects: int  # in as many counties
    fund_budget_fen: int  # each project's

    @property
    def workers(self) -> int:
        return (
            self.sanitation
            + self.nef
            + self.truck_drivers
            + self.outdoor
            + self.migrants
            + self.others
        )

    @property
    def outdoor_workers(self) -> int:
        """Workers of the outdoor categories (members.categories.OUTDOOR_CATEGORIES)."""
        return self.sanitation + self.nef + self.truck_drivers + self.outdoor

    @property
    def targets(self) -> dict[str, int]:
        """What the generated year's card prints for the province, by figure id (fen for
        money): each an exact count of the records the plan makes. Every outdoor worker
        works within reach of an open station (``places``), so all of them are covered."""
        return {
            "programs.exam_persons": self.exam_persons,
            "programs.truck_persons": self.truck_persons,
            "programs.breakfast_persons": self.breakfast_persons,
            "programs.breakfast_times": self.breakfast_times,
            "rights.workers": self.rights_persons,
            "rights.recovered": self.recovered_fen,
            "mutualaid.enrolments": self.aid_enrolments,
            "mutualaid.payees": self.aid_payees,
            "mutualaid.paid": self.aid_paid_fen,
            "stations.count": self.stations_open,
            "stations.covered": self.outdoor_workers,
            "culture.events": self.events_held,
            "culture.audience": self.audience,
            "culture.bookhouses": self.bookhouses_demo,
            "culture.shares": self.reading_shares,
            "training.attendances": self.night_school_attendances,
            "training.craftsmen": self.craftsmen,
            "training.fund": self.fund_projects * self.fund_budget_fen,
        }


PROVINCE = Plan(
    name="province",
    cities=None,
    counties=None,
    unions_per_county=60,
    located_employers=0.3,
    sanitation=150_000,
    nef=40_000,
    truck_drivers=45_000,
    # Outdoor workers (the first four categories) are 8,450,000, all within reach of a
    # station: 840余万人 covered.
    outdoor=8_215_000,
    migrants=240_000,
    others=160_000,
    members=0.7,
    breakfast_persons=144_300,
    breakfast_times=58_887_000,
    exam_persons=27_900,
    truck_persons=37_700,
    aid_enrolments=4_450_000,
    aid_payees=47_000,
    aid_repeat_payees=2_000,
    aid_unpaid_claims=4_000,
    aid_paid_fen=130_000_000_00,  # 1.3亿元 needs 129.5M–130.5M yuan
    rights_persons=199_600,
    recovered_fen=171_300_000_000,
    rights_workers_per_case=10,
    stations_open=11_500,
    stations_other=300,
    visits=2_000_000,
    events_held=51_250,
    audience=8_750_000,
    events_other=1_500,
    signed_events=2_500,
    bookhouses_demo=2_109,
    bookhouses_other=3_000,
    reading_shares=21_048_000,
    night_school_attendances=25_000,
    competitions=6,
    craftsmen=14_000,
    fund_projects=1,
    fund_budget_fen=150_000_00,
)

CITY = Plan(
    name="city",
    cities=("411700",),
    counties=None,
    unions_per_county=30,
    located_employers=0.3,
    sanitation=5_000,
    nef=1_500,
    truck_drivers=1_500,
    outdoor=84_000,
    migrants=5_000,
    others=3_000,
    members=0.7,
    breakfast_persons=4_800,
    breakfast_times=1_960_000,
    exam_persons=1_000,
    truck_persons=1_200,
    aid_enrolments=50_000,
    aid_payees=550,
    aid_repeat_payees=25,
    aid_unpaid_claims=50,
    aid_paid_fen=1_510_000_00,
    rights_persons=3_000,
    recovered_fen=2_580_000_000,
    rights_workers_per_case=10,
    stations_open=135,
    stations_other=5,
    visits=300_000,
    events_held=600,
    audience=100_000,
    events_other=20,
    signed_events=30,
    bookhouses_demo=25,
    bookhouses_other=40,
    reading_shares=250_000,
    night_school_attendances=25_000,
    competitions=2,
    craftsmen=170,
    fund_projects=1,
    fund_budget_fen=150_000_00,
)

TINY = Plan(
    name="tiny",
    cities=("411700",),
    counties=("411702", "411721"),
    unions_per_county=3,
    located_employers=0.5,
    sanitation=24,
    nef=12,
    truck_drivers=10,
    outdoor=170,
    migrants=40,
    others=44,
    members=0.7,
    breakfast_persons=20,
    breakfast_times=500,
    exam_persons=8,
    truck_persons=8,
    aid_enrolments=150,
    aid_payees=6,
    aid_repeat_payees=1,
    aid_unpaid_claims=3,
    aid_paid_fen=15_000_00,
    rights_persons=24,
    recovered_fen=20_000_000,
    rights_workers_per_case=8,
    stations_open=6,
    stations_other=2,
    visits=120,
    events_held=10,
    audience=2_000,
    events_other=3,
    signed_events=2,
    bookhouses_demo=2,
    bookhouses_other=3,
    reading_shares=5_000,
    night_school_attendances=300,
    competitions=1,
    craftsmen=6,
    fund_projects=1,
    fund_budget_fen=150_000_00,
)

PLANS = {plan.name: plan for plan in (TINY, CITY, PROVINCE)}
