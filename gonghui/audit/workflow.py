"""A small state machine for case work (mutual-aid claims, wage-arrears cases).

A ``Workflow`` names its states and its transitions; each transition says
from which states it may be made, to which state it leads, which roles may
make it and whether a reason is required. ``Workflow.move`` is the one way a
case changes state:

- the actor's role must be listed for the transition and the case must lie in
  the actor's subtree (else ``PermissionDenied``: 403; callers have already
  turned cases outside the subtree into 404 by reading them through a
  selector);
- the state changes with a conditional ``UPDATE ... WHERE state = <expected>``,
  so of two reviewers acting on the same case at once exactly one wins and the
  other gets ``StaleState`` (409), on SQLite and PostgreSQL alike, without
  relying on ``select_for_update`` (a no-op on SQLite);
- a ``WorkflowStep`` (timeline row with a snapshot of the case) and an audit
  event are written in the same transaction;
- four eyes: a transition that names earlier steps in ``apart_from`` is refused
  (``FourEyes``) to anyone the timeline shows making one of those steps on the case,
  while ``settings.FOUR_EYES`` is on (the default). The rule lives here, in the one
  door every page, API call, import and command goes through, not in a page.

The case model needs ``state`` (CharField), ``state_changed_at`` (DateTimeField)
and ``org_path``; ``move`` must be called inside the caller's transaction when
the caller writes more (a payout, a rollup) that must stand or fall with it.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from gonghui.audit.services import record_event
from gonghui.core.actors import Actor
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.models import WorkflowStep
from gonghui.core.scoping import in_scope


class StaleState(DomainError):
    """Someone else moved the case first; the caller should reload and look again."""

    status = 409


class FourEyes(PermissionDenied):
    """The actor made an earlier step of the case that this one must be done apart from."""


def four_eyes_refusal(*, by: Actor, earlier: Iterable, what: str, because: str) -> FourEyes | None:
    """The refusal when ``by`` is among the ``earlier`` actors (user ids) of a case, while
    ``settings.FOUR_EYES`` is on; ``what`` is the act, ``because`` what ``by`` did before.
    Shared by the workflow and the money writes that are not transitions (a recovery, a
    budget change)."""
    if not settings.FOUR_EYES or getattr(by, "pk", None) not in set(earlier):
        return None
    return FourEyes("four_eyes", f"{what}须由另一人办理：您已{because}（双人复核）")


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    reason_required: bool = False
    # Earlier actions ("create" is the filing) whose actors may not make this one.
    apart_from: tuple[str, ...] = ()


# The case model: a ``state``, a ``state_changed_at`` and an ``org_path`` (see above).
Case = TypeVar("Case", bound=models.Model)


class Workflow(Generic[Case]):
    """States (a ``TextChoices``) and the transitions between them for one kind of case."""

    def __init__(
        self,
        *,
        object_type: str,
        states: type[models.TextChoices],
        transitions: Iterable[Transition],
        snapshot: Callable[[Case], dict] | None = None,
    ) -> None:
        self.object_type = object_type
        self.states = states
        self.transitions = {t.name: t for t in transitions}
        self.snapshot = snapshot or (lambda case: {})
        known = set(states.values)
        for t in self.transitions.values():
            unknown = (set(t.sources) | {t.target}) - known
            if unknown:
                raise ValueError(f"{object_type}.{t.name}: unknown states {sorted(unknown)}")

    def state_label(self, state: str) -> str:
        return dict(self.states.choices).get(state, state)

    def transition(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise DomainError("unknown_action", f"没有“{name}”这一操作") from None

    def may(self, user: Actor, case: Case, name: str) -> bool:
        """Whether ``user`` may make transition ``name`` on ``case`` in its present state."""
        t = self.transitions.get(name)
        return t is not None and self._refusal(case, t, user) is None

    def _refusal(self, case: Case, t: Transition, by: Actor) -> DomainError | None:
        if getattr(by, "role", None) not in t.roles or not in_scope(by, case.org_path):
            return PermissionDenied("forbidden", f"您的角色不能对此{t.label}")
        if case.state not in t.sources:
            return StaleState(
                "bad_state", f"当前状态为“{self.state_label(case.state)}”，不能{t.label}"
            )
        if t.apart_from and settings.FOUR_EYES:
            earlier = dict(
                WorkflowStep.objects.filter(
                    object_type=self.object_type,
                    object_id=case.pk,
                    action__in=t.apart_from,
                    by_id=getattr(by, "pk", None),
                ).values_list("by_id", "action_label")[:1]
            )
            if earlier:
                done = next(iter(earlier.values()))
                return four_eyes_refusal(
                    by=by, earlier=earlier, what=t.label, because=f"{done}此{self._noun(case)}"
                )
        return None

    def available(self, user: Actor, case: Case) -> list[Transition]:
        """The transitions ``user`` may make now: the buttons a page shows."""
        return [t for t in self.transitions.values() if self.may(user, case, t.name)]

    def check(self, case: Case, *, action: str, by: Actor, reason: str = "") -> Transition:
        """Raise the refusal ``move`` would raise before it writes anything; services call it
        first when they must compute something (an amount) only a permitted actor may ask for."""
        t = self.transition(action)
        refusal = self._refusal(case, t, by)
        if refusal is not None:
            raise refusal
        if t.reason_required and not reason.strip():
            raise DomainError("reason_required", f"{t.label}须填写理由", field="reason")
        return t

    def queue_states(self, role: str) -> list[str]:
        """States in which a case waits for ``role``: sources of the role's transitions that
        move a case on (a transition that needs a reason is a refusal, not what it waits for)."""
        states = {
            s
            for t in self.transitions.values()
            if role in t.roles and not t.reason_required
            for s in t.sources
        }
        return [s for s in self.states.values if s in states]

    def move(
        self,
        case: Case,
        *,
        action: str,
        by: Actor,
        reason: str = "",
        changes: dict | None = None,
        client_ip: str | None = None,
    ) -> WorkflowStep:
        """Make transition ``action`` on ``case``; ``changes`` are further fields set in the
        same conditional UPDATE. Updates ``case`` in memory and returns the timeline row."""
        t = self.check(case, action=action, by=by, reason=reason)
        reason = reason.strip()
        now = timezone.now()
        fields = {"state": t.target, "state_changed_at": now, **(changes or {})}
        before = case.state
        with transaction.atomic():
            updated = type(case)._base_manager.filter(pk=case.pk, state=before).update(**fields)
            if not updated:
                raise StaleState(
                    "stale_state", f"该{self._noun(case)}已被他人处理，请刷新后查看当前状态"
                )
            for name, value in fields.items():
                setattr(case, name, value)
            step = WorkflowStep.objects.create(
                object_type=self.object_type,
                object_id=case.pk,
                org_path=case.org_path,
                action=t.name,
                action_label=t.label,
                from_state=before,
                to_state=t.target,
                by=by,
                at=now,
                reason=reason,
                snapshot=self.snapshot(case),
            )
            record_event(
                actor=by,
                action=t.name,
                object_type=self.object_type,
                object_id=case.pk,
                org_path=case.org_path,
                client_ip=client_ip,
                before={"state": before},
                after={"state": t.target, "reason": reason},
            )
        return step

    def start(self, case: Case, *, by: Actor) -> WorkflowStep:
        """The first timeline row of a newly created case (no transition: nothing to race)."""
        return self.note(case, action="create", label="创建", by=by, at=case.state_changed_at)

    def note(
        self,
        case: Case,
        *,
        action: str,
        label: str,
        by: Actor,
        reason: str = "",
        at: datetime.datetime | None = None,
    ) -> WorkflowStep:
        """A timeline row for an event that is not a state change (a transfer, a recovery);
        the caller writes its own audit event with the details."""
        return WorkflowStep.objects.create(
            object_type=self.object_type,
            object_id=case.pk,
            org_path=case.org_path,
            action=action,
            action_label=label,
            from_state=case.state,
            to_state=case.state,
            by=by,
            at=at or timezone.now(),
            reason=reason,
            snapshot=self.snapshot(case),
        )

    @staticmethod
    def _noun(case: models.Model) -> str:
        return str(case._meta.verbose_name)


def timeline(object_type: str, object_id: int) -> list[WorkflowStep]:
    """Every step of one case, oldest first; callers have already checked scope on the case."""
    return list(
        WorkflowStep.objects.filter(object_type=object_type, object_id=object_id).select_related(
            "by"
        )
    )
