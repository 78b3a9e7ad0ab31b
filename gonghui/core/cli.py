"""Progress bars for the ``gonghui`` commands' long work."""

from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


@contextmanager
def progress_bar(description: str, total: int | None = None):
    """Yields ``update(done, total=None)``; a rich bar on stderr."""
    columns = [TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(description, total=total)

        def update(done: int, total: int | None = None) -> None:
            bar.update(
                task, completed=done, total=total if total is not None else bar.tasks[0].total
            )

        yield update
