"""Minimal disclosure (issue 17 §1): what a role sees of a worker, taken together, and what
the database file holds without the field key, leave at least 10,000 candidate ID numbers.

The facts are read back from what the real pages, API, export and search return, not from
what the code means to show, and counted conservatively: the sex is taken as known, a
birth year or date as known as soon as it appears anywhere in the text, the birth county
as known as soon as its name does (a worker's own union often bears it).
"""

import dataclasses
import datetime
import io
import json
import random
import re

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.accounts.models import Role
from gonghui.accounts.services import issue_api_token
from gonghui.core.crypto import decrypt
from gonghui.core.disclosure import (
    MIN_CANDIDATES,
    Disclosed,
    count_candidates,
    known_positions,
)
from gonghui.core.idnumber import check_digit
from gonghui.core.regions import region_name
from gonghui.members.generate import make_id
from gonghui.members.validation import ID_PURPOSE

_ID_FORM = re.compile(r"(?<![0-9A-Za-z*])[0-9*]{17}[0-9X*](?![0-9A-Za-z*])")
TODAY = datetime.date(2026, 12, 5)

# 济源 (419001) and 东莞 (441900) are the only codes of their first 4 digits: the worst case.
REGIONS = ("411702", "410302", "419001", "441900")


def facts_in(text: str, number: str) -> Disclosed:
    """What ``text`` tells about ``number``, read as generously as an attacker would."""
    born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    date_forms = (
        born.isoformat(),
        born.strftime("%Y/%m/%d"),
        born.strftime("%Y%m%d"),
        f"{born.year}年{born.month}月{born.day}日",
    )
    if any(form in text for form in date_forms):
        born_from = born_to = born
    elif str(born.year) in text:
        born_from, born_to = datetime.date(born.year, 1, 1), datetime.date(born.year, 12, 31)
    else:
        born_from, born_to = datetime.date(1900, 1, 1), TODAY
    county = region_name(number[:6], born.year) or number[:6]
    regions = frozenset({number[:6]}) if county in text or number[:6] in text else None
    forms = [f for f in _ID_FORM.findall(text) if _could_be(f, number)]
    return Disclosed(
        known=known_positions(forms),
        region_codes=regions,
        born_from=born_from,
        born_to=born_to,
        sex="M" if int(number[16]) % 2 else "F",
    )


def _could_be(form: str, number: str) -> bool:
    return all(c in ("*", n) for c, n in zip(form, number, strict=True))


def test_count_is_exact_against_brute_force():
    number = "41170219670330113X"
    facts = Disclosed(
        known=known_positions(["41170219670*******"]),
        region_codes=frozenset({"411702"}),
        born_from=datetime.date(1967, 3, 1),
        born_to=datetime.date(1967, 3, 31),
        sex="M",
    )
    days_and_odd_sequences = [
        f"41170219670{3:1d}{day:02d}{seq:03d}" for day in range(1, 32) for seq in range(1, 1000, 2)
    ]
    assert count_candidates(facts, today=TODAY) == len(days_and_odd_sequences) == 31 * 500
    ending_in_x = sum(1 for first17 in days_and_odd_sequences if check_digit(first17) == "X")
    with_x = dataclasses.replace(facts, known={**facts.known, 17: "X"})
    assert count_candidates(with_x, today=TODAY) == ending_in_x
    assert count_candidates(Disclosed(known=known_positions([number])), today=TODAY) == 1


def test_the_issues_figures_for_other_masks():
    """First 4 + last 4 + birth year ≈ 400 (too few); first 4 + last 2 + year ≈ 40,000;
    the old page (last 4, birth date, county) pins the number."""
    year = {"born_from": datetime.date(1967, 1, 1), "born_to": datetime.date(1967, 12, 31)}
    last4 = count_candidates(Disclosed(known=known_positions(["4117**********113X"]), **year))
    last2 = count_candidates(Disclosed(known=known_positions(["4117************3X"]), **year))
    old_page = Disclosed(
        known=known_positions(["4117**********113X"]),
        region_codes=frozenset({"411702"}),
        born_from=datetime.date(1967, 3, 30),
        born_to=datetime.date(1967, 3, 30),
    )
    assert (last4, last2, count_candidates(old_page)) == (399, 39_817, 1)


@pytest.fixture
def sample(make_worker):
    rng = random.Random(17)
    return [
        make_worker(f"样本{i}", org="411702", id_number=make_id(rng, region))
        for i, region in enumerate(REGIONS)
    ]


def _role_views(client, worker, token: str) -> str:
    """Everything a logged-in user gets about ``worker``: pages, API, export, searches."""
    texts = []
    for url in (
        reverse("members:worker_list") + f"?q={worker.name}",
        reverse("members:worker_detail", args=[worker.pk]),
        reverse("programs:card", args=[worker.pk]),
    ):
        texts.append(client.get(url).content.decode())
    bearer = {"Authorization": f"Bearer {token}"}
    for url in (f"/api/workers/{worker.pk}", f"/api/workers?q={worker.name}"):
        texts.append(client.get(url, headers=bearer).content.decode())
    export = client.get(reverse("members:worker_export"))
    if export.status_code == 200:
        book = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                texts.append(" ".join("" if v is None else str(v) for v in row))
        book.close()
    return "\n".join(texts)


@pytest.mark.parametrize(
    "role",
    [Role.PROVINCE_ADMIN, Role.OFFICER, Role.REVIEWER, Role.AUDITOR, Role.POINT_STAFF],
)
def test_what_each_role_sees_leaves_ten_thousand_candidates(client, staff, sample, role):
    user = staff(f"who-{role}", "411700", role)
    client.force_login(user)
    token = issue_api_token(user=user, name="disclosure")
    for worker in sample:
        number = decrypt(worker.id_cipher, purpose=ID_PURPOSE)
        text = _role_views(client, worker, token)
        assert number not in text
        facts = facts_in(text, number)
        if user.can("browse"):  # the reading is real: the API answered, the mask was found
            assert f'"id_masked": "{worker.id_masked}"' in text
            assert facts.known == {0: number[0], 1: number[1], 2: number[2], 3: number[3]} | {
                17: number[17]
            }
            assert facts.born_to is not None and facts.born_to.year == facts.born_from.year
        candidates = count_candidates(facts, today=TODAY)
        assert candidates >= MIN_CANDIDATES, (role, worker.id_masked, candidates)


def test_searching_by_part_of_a_number_is_no_oracle(client, staff, sample):
    """Only a whole number matches; the last 4, the birth date or all but the check digit
    return nobody, so search cannot confirm the hidden characters one guess at a time."""
    token = issue_api_token(user=staff("auditor", "411700", Role.AUDITOR), name="disclosure")
    bearer = {"Authorization": f"Bearer {token}"}
    for worker in sample:
        number = decrypt(worker.id_cipher, purpose=ID_PURPOSE)
        for part in (number[-4:], number[-2:], number[6:14], number[:17], number[:6]):
            body = client.get("/api/workers", {"q": part}, headers=bearer).json()
            assert body["count"] == 0, part
        assert client.get("/api/workers", {"q": number}, headers=bearer).json()["count"] == 0
        found = client.post(
            "/api/workers/find",
            json.dumps({"id_number": number}),
            content_type="application/json",
            headers=bearer,
        )
        assert found.json()["id"] == worker.pk


def _database_text() -> str:
    """Every value of every table as text, ciphertexts (bytes) left out: the file without the key."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                parts.append(" ".join(str(v) for v in row if not isinstance(v, bytes | memoryview)))
    return "\n".join(parts)


def test_the_database_without_the_key_leaves_ten_thousand_candidates(sample):
    text = _database_text()
    for worker in sample:
        number = decrypt(worker.id_cipher, purpose=ID_PURPOSE)
        assert number not in text
        facts = facts_in(text, number)
        assert facts.known.get(17) == number[17]  # the stored mask was read
        candidates = count_candidates(facts, today=TODAY)
        assert candidates >= MIN_CANDIDATES, (worker.id_masked, candidates)
