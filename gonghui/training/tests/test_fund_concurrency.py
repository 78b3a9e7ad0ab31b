"""Simultaneous spending from one fund project, each spender on its own connection.

``transaction=True`` so each thread's transaction really commits: on PostgreSQL the
conditional update waits for the other spender's row lock and re-checks the committed
total; on SQLite (a file, see ``file_database``) the writers queue.
"""

import datetime
import threading

import pytest
from django.db import connection

from gonghui.core.errors import DomainError
from gonghui.training.funds import record_spending
from gonghui.training.models import FundProject, FundSpending, FundYear
from gonghui.training.tests.test_concurrency import connect

pytestmark = pytest.mark.django_db(transaction=True)
SPENDERS = 8


def test_simultaneous_spenders_never_overspend_the_budget(
    file_database, make_project, yicheng_officer
):
    project = make_project(budget_fen=100_00)
    start = threading.Barrier(SPENDERS)
    paid, refused, failures = [], [], []

    def spend(n: int) -> None:
        try:
            start.wait()
            connect()
            record_spending(
                by=yicheng_officer,
                project=project,
                spent_on=datetime.date.today(),
                amount_fen=30_00,
                purpose=f"第{n}笔学费",
            )
            paid.append(n)
        except DomainError as exc:
            refused.append(exc.code)
        except Exception as exc:  # reported below, with the thread's number
            failures.append((n, repr(exc)))
        finally:
            connection.close()

    connection.close()
    threads = [threading.Thread(target=spend, args=(n,)) for n in range(SPENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(paid) == 3 and refused == ["over_budget"] * (SPENDERS - 3)
    project = FundProject.objects.get(pk=project.pk)
    assert (project.spent_fen, project.left_fen) == (90_00, 10_00)
    assert sum(FundSpending.objects.values_list("amount_fen", flat=True)) == 90_00
    assert sum(FundYear.objects.values_list("spent_fen", flat=True)) == 90_00
