"""Bulk writes to audited models only from inside a service.

A service writes its audit event in the same transaction as its change; a
``QuerySet.update()`` or ``.delete()`` typed in a shell, an admin action or a
view would change the same rows with no event and no rollup upkeep. Models
whose writes are audited take ``AuditedQuerySet`` as their manager: its
``update``, ``delete`` and ``bulk_update`` raise ``UnauditedWrite`` unless the
caller runs inside ``service_writes()`` (or a function decorated with
``@service``), which sets a context variable for the current thread or task.
The workflow's own conditional UPDATE goes through the model's base manager
and is the service's by construction.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from gonghui.core.errors import DomainError
from gonghui.core.scoping import ScopedQuerySet

_IN_SERVICE: ContextVar[bool] = ContextVar("gonghui_in_service", default=False)
P = ParamSpec("P")
R = TypeVar("R")


class UnauditedWrite(DomainError):
    status = 403

    def __init__(self, model: str) -> None:
        super().__init__("unaudited_write", f"“{model}”只能通过业务操作修改或删除（须留审计记录）")


@contextmanager
def service_writes() -> Iterator[None]:
    """Bulk writes to audited models are allowed until the block ends."""
    token = _IN_SERVICE.set(True)
    try:
        yield
    finally:
        _IN_SERVICE.reset(token)


def service(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` inside ``service_writes()``: a service that writes with bulk statements."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with service_writes():
            return func(*args, **kwargs)

    return run


class AuditedQuerySet(ScopedQuerySet):
    """The manager of a model whose writes are audited (see the module's docstring)."""

    def _allowed(self) -> None:
        if not _IN_SERVICE.get():
            raise UnauditedWrite(str(self.model._meta.verbose_name))

    def update(self, **kwargs):
        self._allowed()
        return super().update(**kwargs)

    def delete(self):
        self._allowed()
        return super().delete()

    def bulk_update(self, objs, fields, batch_size=None):
        self._allowed()
        return super().bulk_update(objs, fields, batch_size=batch_size)
