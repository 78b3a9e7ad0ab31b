"""Who acts: what scope checks, workflows and the audit log read of the acting user.

``core``, ``audit`` and ``orgs`` lie below ``accounts`` and may not import its
``User``, so they type the acting user as ``Actor``; ``accounts.User`` fits it.
``accounts`` and the apps above it type it as ``User`` itself, as their writes
store it in foreign keys (``recorded_by``, ``filed_by``, …). A worker acting
for themself on the portal is a ``core.portal.WorkerActor``, not an ``Actor``:
they have no scope and no permissions, only a name in the audit log.
"""

from typing import Protocol


class Actor(Protocol):
    """A staff account as the layers below ``accounts`` see it."""

    @property
    def pk(self) -> int: ...

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def scope_path(self) -> str | None:
        """The org-path prefix of the user's subtree; None sees nothing."""
        ...

    def can(self, permission: str) -> bool: ...
