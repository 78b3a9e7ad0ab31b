"""Rebuild and check ``CultureDaily`` against the events reported held."""

from collections import Counter

from django.db import transaction

from gonghui.culture.models import CultureDaily, Event, EventState


def expected() -> Counter:
    want: Counter = Counter()
    held = Event.objects.filter(state=EventState.HELD)
    for org, path, day, audience in held.values_list("org_id", "org_path", "day", "audience"):
        want[(org, path, day, "events")] += 1
        want[(org, path, day, "audience")] += audience
    return want


def stored() -> Counter:
    have: Counter = Counter()
    rows = CultureDaily.objects.values_list("org_id", "org_path", "day", "events", "audience")
    for org, path, day, events, audience in rows:
        have[(org, path, day, "events")] += events
        have[(org, path, day, "audience")] += audience
    return +have


def differences() -> list[str]:
    """Every disagreement between the rollup and the held events; empty when they agree."""
    want, have = +expected(), stored()
    return [
        f"文化日汇总 {key}: 原始记录 {want[key]}，汇总表 {have[key]}"
        for key in sorted(set(want) | set(have), key=str)
        if want[key] != have[key]
    ]


@transaction.atomic
def rebuild() -> None:
    CultureDaily.objects.all().delete()
    want = expected()
    rows: dict[tuple, CultureDaily] = {}
    for (org, path, day, kind), n in want.items():
        row = rows.setdefault((org, day), CultureDaily(org_id=org, org_path=path, day=day))
        setattr(row, kind, n)
    CultureDaily.objects.bulk_create(rows.values(), batch_size=2000)
