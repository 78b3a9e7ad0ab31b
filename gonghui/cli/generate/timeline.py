"""A case's timeline rows in the bulk path, as ``audit.workflow.Workflow`` writes them
(``start``/``note``: the state unchanged; ``move``: a transition), with the workflow's own
labels and snapshots."""

from gonghui.audit.workflow import Workflow
from gonghui.cli.generate.bulk import Rows, prepared
from gonghui.core.models import WorkflowStep

COLUMNS = (
    "object_type",
    "object_id",
    "org_path",
    "action",
    "action_label",
    "from_state",
    "to_state",
    "by_id",
    "at",
    "reason",
    "snapshot",
)


class Timeline:
    def __init__(self, flow: Workflow, *, by_id: int, at, by_action: dict[str, int] | None = None):
        """``by_id`` makes every step but those ``by_action`` gives to another account (the
        four-eyes steps, as the services path makes them)."""
        self.flow = flow
        self.by_id = by_id
        self.by_action = by_action or {}
        self.at = at
        self.rows = Rows(WorkflowStep, COLUMNS)

    def note(self, case, action: str, label: str, reason: str = "", *, before=None) -> None:
        """A step that leaves the state as it is (``before`` given: a transition's row)."""
        self.rows.add(
            self.flow.object_type,
            case.pk,
            case.org_path,
            action,
            label,
            case.state if before is None else before,
            case.state,
            self.by_action.get(action, self.by_id),
            self.at,
            reason,
            prepared(WorkflowStep, "snapshot", self.flow.snapshot(case)),
        )

    def move(self, case, action: str, reason: str = "") -> None:
        """``case`` (in memory, its other changes already made) takes transition ``action``."""
        transition = self.flow.transition(action)
        before, case.state = case.state, transition.target
        self.note(case, action, transition.label, reason, before=before)

    def flush(self) -> None:
        self.rows.flush()
