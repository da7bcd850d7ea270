"""What `transnorm run` shows on the terminal: one line per phase with its own bar, the notes.

The run loop and the stages report through transnorm.ops.progress; this is the Reporter the CLI
installs there. On a terminal each phase gets a line (spinner or bar, count, elapsed time) that
stays, ticked, when the next phase begins. Piped or redirected, nothing is drawn: a script reads
the run folder on stdout and the summary on stderr, and nothing else.
"""

from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text


class CountColumn(ProgressColumn):
    """`12 of ~2,000 documents`, `4.1/98.2 MB`, or nothing, after the phase's unit."""

    def __init__(self):
        super().__init__()
        self.download = DownloadColumn()

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "")
        if unit == "bytes":
            return self.download.render(task) if task.completed or task.total else Text("")
        if not unit:
            return Text("")
        total = f" of ~{int(task.total):,}" if task.total and task.completed < task.total else ""
        return Text(f"{int(task.completed):,}{total} {unit}")


class PhaseDisplay:
    """ops.progress.Reporter on a rich console (stderr)."""

    def __init__(self, console: Console):
        self.console = console
        self.live = console.is_terminal
        self.bar = Progress(SpinnerColumn(finished_text="[green]✓[/]"), TextColumn("{task.description:<34}"),
                            BarColumn(bar_width=30), CountColumn(), TimeElapsedColumn(),
                            console=console, transient=False, disable=not self.live)
        self.current: int | None = None
        self.names: list[str] = []
        self._lock = threading.Lock()

    def __enter__(self) -> "PhaseDisplay":
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.finish()
        self.bar.stop()

    def finish(self) -> None:
        """The current phase is done (its bar full, its clock stopped)."""
        with self._lock:
            if self.current is not None:
                done = self.bar.tasks[self.current].completed or 1  # the real count, not the estimate
                self.bar.update(self.current, total=done, completed=done)
                self.bar.stop_task(self.current)
                self.current = None

    def phase(self, name: str, total: float | None = None, unit: str = "") -> None:
        self.finish()
        with self._lock:
            self.names.append(name)
            self.current = self.bar.add_task(name, total=total, unit=unit)

    def update(self, done: float | None = None, total: float | None = None, advance: float = 0) -> None:
        with self._lock:
            if self.current is None:
                return
            kw = {"completed": done} if done is not None else {"advance": advance}
            if total is not None:
                kw["total"] = total
            self.bar.update(self.current, **kw)

    def note(self, message: str) -> None:
        """A line the user should read now (above the bars on a terminal)."""
        self.console.print(message, highlight=False, soft_wrap=True)
