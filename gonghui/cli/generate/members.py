"""Workers: valid GB 11643 ID numbers, names, phones, categories, unions and employers.

Everything is drawn as numpy arrays first (ID numbers unique by construction, check digits
computed for all at once), so that millions of workers cost little more than their
encryption. Services path: ``prepare_worker`` (every check) then ``save_workers``. Bulk
path: the same stored values (``core.idnumber``, ``core.chinese.name_keys``,
``core.crypto``: encrypted ID and phone, blind index, masks, birth year and sex derived
from the number) written as rows; the equality test compares them, the
ciphertexts by their clear text (their nonces are random).
"""

import datetime

import numpy as np
from django.db import transaction
from django.db.models import Max, Min

from gonghui.cli.generate.bulk import Rows, day_text, loading, stamp_text
from gonghui.cli.generate.context import Generation, Workforce
from gonghui.core.chinese import name_keys
from gonghui.core.crypto import blind_indexes, encrypt_many
from gonghui.core.idnumber import mask_id, mask_phone
from gonghui.members.categories import BY_NAME
from gonghui.members.generate import GIVEN, SURNAMES
from gonghui.members.models import Worker
from gonghui.members.services import prepare_worker, save_workers
from gonghui.members.validation import ID_PURPOSE, PHONE_PURPOSE
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.selectors import org_refs_visible_to

CHUNK = 100_000
BIRTH_FIRST = datetime.date(1966, 1, 1)
BIRTH_DAYS = (datetime.date(2005, 12, 31) - BIRTH_FIRST).days + 1
JOIN_FIRST = datetime.date(2010, 1, 1)
HOME_REGION = 0.7  # share born in the county of their union
WITHOUT_EMPLOYER = 0.1
WITH_PHONE = 0.85
# GB 11643: weight of each of the first 17 digits, and the check character of the sum mod 11.
WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
CHECK = np.array(list("10X98765432"))

BIT = {name: category.bit for name, category in BY_NAME.items()}
NEF = (BIT["快递员"], BIT["外卖骑手"], BIT["网约车司机"])


def names() -> list[str]:
    """Every name ``members.generate.make_name`` can make: surname + one or two characters."""
    one = [s + a for s in SURNAMES for a in GIVEN]
    return one + [s + a + b for s in SURNAMES for a in GIVEN for b in GIVEN]


def _categories(g: Generation, rng: np.random.Generator) -> np.ndarray:
    plan = g.plan
    migrants = np.where(
        rng.random(plan.migrants) < 0.3, BIT["农民工"] | BIT["建筑工人"], BIT["农民工"]
    )
    others = np.where(rng.random(plan.others) < 0.5, BIT["家政服务员"], 0)
    bits = np.concatenate(
        [
            np.full(plan.sanitation, BIT["环卫工人"]),
            rng.choice(NEF, plan.nef),
            np.full(plan.truck_drivers, BIT["货车司机"]),
            np.full(plan.outdoor, BIT["户外劳动者"]),
            migrants,
            others,
        ]
    ).astype(np.int32)
    rng.shuffle(bits)
    return bits


def _digit_sums(numbers: list[str], offset: int) -> np.ndarray:
    """Weighted digit sums of equal-length digit strings placed at ``offset`` in the number."""
    digits = np.array([[int(c) for c in n] for n in numbers], dtype=np.int64)
    return digits @ WEIGHTS[offset : offset + digits.shape[1]]


def _id_numbers(g: Generation, rng: np.random.Generator, union: np.ndarray) -> dict:
    """Unique ID numbers: region, birthday and sequence per worker, and the check digit."""
    tree = g.tree
    regions = list(
        Org.objects.filter(kind=OrgKind.COUNTY).order_by("code").values_list("code", flat=True)
    )
    where = {code: i for i, code in enumerate(regions)}
    own = np.array([where[c] for c in tree.county_codes])[tree.union_county[union]]
    region = np.where(
        rng.random(len(union)) < HOME_REGION, own, rng.integers(len(regions), size=len(union))
    )
    birth = rng.integers(BIRTH_DAYS, size=len(union))
    seq = rng.integers(1000, size=len(union))
    while True:
        key = (region * BIRTH_DAYS + birth) * 1000 + seq
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
        repeated = np.setdiff1d(np.arange(len(key)), first)
        if not len(repeated):
            break
        seq[repeated] = rng.integers(1000, size=len(repeated))
    days = [BIRTH_FIRST + datetime.timedelta(days=d) for d in range(BIRTH_DAYS)]
    day_digits = [f"{d:%Y%m%d}" for d in days]
    total = (
        _digit_sums(regions, 0)[region]
        + _digit_sums(day_digits, 6)[birth]
        + _digit_sums([f"{s:03d}" for s in range(1000)], 14)[seq]
    )
    return {
        "regions": regions,
        "region": region,
        "days": days,
        "day_digits": day_digits,
        "birth": birth,
        "seq": seq,
        "check": CHECK[total % 11],
    }


def plan_workers(g: Generation) -> dict:
    """Every worker's attributes as arrays, in union order."""
    rng = g.rng("members")
    tree = g.tree
    count = g.plan.workers
    categories = _categories(g, rng)
    union = np.sort(rng.integers(len(tree.union_ids), size=count)).astype(np.int32)
    employer = np.where(rng.random(count) < WITHOUT_EMPLOYER, -1, union).astype(np.int32)
    table = names()
    phones = rng.integers(10**9, size=count)
    return {
        "union": union,
        "categories": categories,
        "employer": employer,
        "ids": _id_numbers(g, rng, union),
        "name": rng.integers(len(table), size=count),
        "names": table,
        "phone_head": rng.choice(list("3456789"), size=count),
        "phone": np.where(rng.random(count) < WITH_PHONE, phones, -1),
        "joined": np.where(
            rng.random(count) < g.plan.members,
            rng.integers((g.first_day - JOIN_FIRST).days, size=count),
            -1,
        ),
    }


def _texts(g: Generation, spec: dict, start: int, stop: int) -> list[tuple]:
    """(name, ID number, phone, joined_on or None) of workers ``start``..``stop``."""
    ids = spec["ids"]
    regions, day_digits = ids["regions"], ids["day_digits"]
    table = spec["names"]
    rows = []
    for i in range(start, stop):
        number = (
            f"{regions[ids['region'][i]]}{day_digits[ids['birth'][i]]}"
            f"{ids['seq'][i]:03d}{ids['check'][i]}"
        )
        phone = spec["phone"][i]
        joined = spec["joined"][i]
        rows.append(
            (
                table[spec["name"][i]],
                number,
                f"1{spec['phone_head'][i]}{phone:09d}" if phone >= 0 else "",
                JOIN_FIRST + datetime.timedelta(days=int(joined)) if joined >= 0 else None,
            )
        )
    return rows


def generate(g: Generation) -> None:
    spec = plan_workers(g)
    count = len(spec["union"])
    with g.phase("职工", count) as phase:
        if g.bulk:
            first = _bulk(g, spec, phase)
        else:
            first = _services(g, spec, phase)
    g.workforce = Workforce(first, spec["union"], spec["categories"], spec["employer"])


def _services(g: Generation, spec: dict, phase) -> int:
    tree = g.tree
    refs = org_refs_visible_to(g.by)
    for start in range(0, len(spec["union"]), CHUNK):
        stop = min(start + CHUNK, len(spec["union"]))
        prepared = []
        for i, (name, number, phone, joined) in enumerate(_texts(g, spec, start, stop), start):
            employer = spec["employer"][i]
            worker, errors = prepare_worker(
                name=name,
                id_number=number,
                phone=phone,
                org_code=tree.union_paths[spec["union"][i]].rstrip("/").rsplit("/", 1)[1],
                employer_name=tree.employer_names[employer] if employer >= 0 else "",
                uscc=tree.employer_usccs[employer] if employer >= 0 else "",
                categories=int(spec["categories"][i]),
                joined_on=joined or "",
                refs=refs,
            )
            if errors:
                raise RuntimeError(f"生成的职工未通过校验：{[e.message for e in errors]}")
            prepared.append(worker)
        with transaction.atomic():
            save_workers(by=g.by, prepared=prepared, refs=refs)
        phase.wrote("职工", len(prepared))
    span = Worker.objects.aggregate(first=Min("pk"), last=Max("pk"))
    assert span["last"] - span["first"] + 1 == len(spec["union"])
    return span["first"]


def _bulk(g: Generation, spec: dict, phase) -> int:
    tree = g.tree
    rows = Rows(
        Worker,
        [
            "name",
            "name_simple",
            "name_pinyin",
            "name_initials",
            "id_cipher",
            "id_index",
            "id_masked",
            "birth_year",
            "sex",
            "phone_cipher",
            "phone_masked",
            "org_id",
            "org_path",
            "employer_id",
            "categories",
            "is_member",
            "joined_on",
            "import_run_id",
            "created_at",
            "updated_at",
        ],
    )
    first = rows.next_id
    now = stamp_text(g.now)
    ids = spec["ids"]
    union_ids = tree.union_ids.tolist()
    employer_ids = tree.employer_ids.tolist()
    with loading(Worker):
        for start in range(0, len(spec["union"]), CHUNK):
            stop = min(start + CHUNK, len(spec["union"]))
            texts = _texts(g, spec, start, stop)
            numbers = [t[1] for t in texts]
            id_ciphers = encrypt_many(numbers, purpose=ID_PURPOSE)
            indexes = blind_indexes(numbers, purpose=ID_PURPOSE)
            phone_ciphers = iter(encrypt_many([t[2] for t in texts if t[2]], purpose=PHONE_PURPOSE))
            batch = []
            for i, (name, number, phone, joined), id_cipher, index, pk in zip(
                range(start, stop),
                texts,
                id_ciphers,
                indexes,
                rows.take_ids(stop - start),
                strict=True,
            ):
                union = spec["union"][i]
                employer = spec["employer"][i]
                birth = ids["birth"][i]
                batch.append(
                    (
                        pk,
                        name,
                        *name_keys(name),
                        id_cipher,
                        index,
                        mask_id(number),
                        ids["days"][birth].year,
                        "M" if ids["seq"][i] % 2 else "F",
                        next(phone_ciphers) if phone else None,
                        mask_phone(phone) if phone else "",
                        union_ids[union],
                        tree.union_paths[union],
                        employer_ids[employer] if employer >= 0 else None,
                        int(spec["categories"][i]),
                        joined is not None,
                        day_text(joined) if joined else None,
                        None,
                        now,
                        now,
                    )
                )
            rows.write(batch)
            phase.wrote("职工", len(batch))
    return first
