from gonghui.mutualaid.tests.conftest import enrolment, plan
from gonghui.rights.tests.conftest import case, case_with_workers

__all__ = ["case", "case_with_workers", "enrolment", "plan"]
