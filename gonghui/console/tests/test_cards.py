"""Union cards in bulk (issue 19 §2): a grassroots union's workers with their phone sign-in
links, and the A4 PDF of cards to print for a meeting; nothing for a sibling subtree."""

import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_grassroots_union

pytestmark = pytest.mark.django_db
NAMES = ("张东青", "李桂英", "王建国")
LINK = re.compile(r'class="portal-link" href="(http://testserver/training/m/enter/[^"/]+/)"')


@pytest.fixture
def union(grassroots, make_worker, staff):
    """驿城区环卫处工会 with three workers, its officer, and a worker of the county itself."""
    workers = [make_worker(name, org=grassroots.code) for name in NAMES]
    make_worker("赵县里", org="411702")  # the county's own worker: not on the union's cards
    officer = staff("union_officer", grassroots.code)
    return grassroots, workers, officer


def pdf_of(client, union) -> bytes:
    answer = client.get(reverse("console:union_cards_pdf", args=[union.code]))
    assert answer.status_code == 200, answer.content[:500]
    assert answer["Content-Type"] == "application/pdf"
    assert "no-store" in answer["Cache-Control"]
    return answer.content


def test_the_union_officer_lists_each_worker_with_a_working_sign_in_link(client, union):
    org, workers, officer = union
    client.force_login(officer)
    page = client.get(reverse("console:union_cards", args=[org.code])).content.decode()
    links = LINK.findall(page)
    assert len(links) == len(workers) == 3
    assert all(name in page for name in NAMES) and "赵县里" not in page
    # each link signs its holder in as that worker, and only that one
    signed_in = set()
    for link in links:
        client.logout()
        client.get(link.removeprefix("http://testserver"))
        signed_in.add(client.session.get("training_portal_worker"))
    assert signed_in == {w.pk for w in workers}


def test_an_auditor_sees_masked_names(client, union, staff):
    org, _, _ = union
    client.force_login(staff("county_auditor", "411702", Role.AUDITOR))
    page = client.get(reverse("console:union_cards", args=[org.code])).content.decode()
    assert "张*青" in page and "张东青" not in page and len(LINK.findall(page)) == 3


def test_the_pdf_prints_a_card_with_a_qr_code_per_worker(client, union, tmp_path):
    org, workers, officer = union
    client.force_login(officer)
    answer = client.get(reverse("console:union_cards_pdf", args=[org.code]))
    disposition = answer["Content-Disposition"]
    assert org.code in disposition and f"{timezone.localdate():%Y%m%d}" in disposition
    target = tmp_path / "cards.pdf"
    target.write_bytes(pdf_of(client, org))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(target), str(tmp_path / "p")],
        check=True,
    )
    assert (tmp_path / "p-1.png").read_bytes().startswith(b"\x89PNG")
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text.count("驿城区环卫处工会") == len(workers)
    assert all(name in text for name in NAMES)
    listed = subprocess.run(
        ["pdfimages", "-list", str(target)], capture_output=True, text=True, check=True
    ).stdout
    images = [line for line in listed.splitlines()[2:] if line.strip()]
    assert len(images) == len(workers)


def test_cards_are_only_for_a_grassroots_union_in_ones_subtree(
    client, union, luoyang_officer, yicheng_officer, province_admin
):
    org, _, _ = union
    luoyang_union = create_grassroots_union(
        by=province_admin, county=Org.objects.get(code="410302"), name="老城区环卫工会"
    )
    client.force_login(luoyang_officer)
    for name in ("console:union_cards", "console:union_cards_pdf"):
        assert client.get(reverse(name, args=[org.code])).status_code == 404
        assert client.get(reverse(name, args=[luoyang_union.code])).status_code == 200
    client.force_login(yicheng_officer)  # the county above the union: its cards, not a county's
    assert client.get(reverse("console:union_cards", args=[org.code])).status_code == 200
    assert client.get(reverse("console:union_cards", args=["411702"])).status_code == 404
    assert client.get(reverse("console:union_cards_pdf", args=["411702"])).status_code == 404
    assert client.get(reverse("console:union_cards", args=[luoyang_union.code])).status_code == 404
