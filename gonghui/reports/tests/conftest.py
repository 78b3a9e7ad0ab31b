from gonghui.mutualaid.tests.conftest import claim, enrolment, plan, reviewer
from gonghui.rights.tests.conftest import case, case_with_workers

__all__ = ["case", "case_with_workers", "claim", "enrolment", "plan", "reviewer"]
