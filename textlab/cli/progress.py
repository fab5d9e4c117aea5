"""Progress on stderr: one mechanism, and one rule for who shows it.

Who shows progress.  In ``textlab wiki dump x.bz2 | textlab words | textlab
ngrams -o t.tsv`` three processes share one terminal; if each redrew a bar on
the last line they would overwrite one another.  So only a stage that reads
*files* shows its progress: it knows the total and how far through it is.  A
stage reading a pipe goes as fast as its writer and has nothing to add, so it
stays quiet.  Work a command does after its input ends (word2vec's epochs) is
its own, and shows whenever stderr is a terminal: by then the stages before it
have finished.  ``--progress`` forces progress on, for a log file say.

How it looks.  On a terminal, a rich bar, redrawn in place and gone when the
work is done.  Anywhere else (``--progress 2> log``), one plain line every few
seconds and one at the end, so a log reads as a history.

A backend with a bar of its own (the tokenizers trainer) is asked to draw it by
the same rule: :func:`wanted`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress, Task, TaskID

#: Seconds between two plain progress lines when stderr is not a terminal.
LOG_EVERY = 5.0


def reads_files(files: Sequence[str] | None) -> bool:
    """Whether the input is named files (not standard input, which may be a pipe)."""
    return bool(files) and all(f != "-" for f in files or ())


def wanted(forced: bool, files: Sequence[str] | None = None, own_work: bool = False) -> bool:
    """Whether to show progress: ``--progress``, or a terminal on stderr and input
    read from files (or work of the command's own, after its input ended)."""
    return forced or (sys.stderr.isatty() and (own_work or reads_files(files)))


class Meter:
    """Progress of one piece of work: ``update(done, total, **fields)`` as it goes.

    ``unit`` is ``"bytes"`` (shown as MB with a speed) or a word for what is
    counted (``"words"``).  ``fields`` are format strings over the keyword
    arguments of :meth:`update` (``"{articles:,} articles"``), shown after the bar.
    With ``show=False`` every call does nothing, so callers need no ``if``.
    """

    def __init__(self, label: str, *fields: str, unit: str = "bytes", show: bool = True) -> None:
        self.label, self.fields, self.unit, self.show = label, fields, unit, show
        self.live = show and sys.stderr.isatty()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._started = self._logged = 0.0
        self._done: float = 0.0
        self._total: float | None = None
        self._values: dict[str, Any] = {}

    def __enter__(self) -> Meter:
        self._started = self._logged = time.perf_counter()
        if self.live:
            self._bar = _rich_bar(self.label, self.fields, self.unit)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=None)
        return self

    def update(self, done: float, total: float | None = None, **values: Any) -> None:
        if not self.show:
            return
        self._done, self._total = done, total if total is not None else self._total
        self._values.update(values)
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=done, total=self._total, **values)
        elif time.perf_counter() - self._logged >= LOG_EVERY:
            self._log()

    def callback(self) -> Callable[[int, int | None], None]:
        """``update`` in the shape ``TextReader.on_progress`` calls it."""
        return lambda done, total: self.update(done, total)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif self.show and kind is None:
            self._log()

    def _log(self) -> None:
        self._logged = time.perf_counter()
        seconds = max(self._logged - self._started, 1e-9)
        parts = [_amount(self._done, self._total, self.unit), _rate(self._done / seconds, self.unit)]
        parts += [f.format(**self._values) for f in self.fields if self._values]
        print(f"textlab: {self.label}: " + ", ".join(parts), file=sys.stderr, flush=True)


def _amount(done: float, total: float | None, unit: str) -> str:
    def size(x: float) -> str:
        return f"{x / 1e6:,.1f} MB" if unit == "bytes" else f"{x:,.0f} {unit}"

    if not total:
        return size(done)
    return f"{size(done)} of {size(total)} ({100 * done / total:.0f}%)"


def _rate(per_second: float, unit: str) -> str:
    return f"{per_second / 1e6:,.1f} MB/s" if unit == "bytes" else f"{per_second:,.0f} {unit}/s"


def _rich_bar(label: str, fields: tuple[str, ...], unit: str) -> Progress:
    # rich is imported only when a bar is drawn: a command in a pipe never pays for it (about 60 ms)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        ProgressColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )
    from rich.text import Text

    class Fields(ProgressColumn):
        """The caller's own fields, formatted from the task's values."""

        def __init__(self, template: str) -> None:
            super().__init__()
            self.template = template

        def render(self, task: Task) -> Text:
            try:
                return Text(self.template.format(**task.fields))
            except (KeyError, ValueError):  # before the first update gives the values
                return Text("")

    class Rate(ProgressColumn):
        def render(self, task: Task) -> Text:
            return Text(_rate(task.speed, unit) if task.speed else "")

    if unit == "bytes":
        amount: list[ProgressColumn] = [DownloadColumn(), TransferSpeedColumn()]
    else:
        amount = [TaskProgressColumn(), Rate()]
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        *amount,
        TimeRemainingColumn(),
        *(Fields(f) for f in fields),
        console=Console(stderr=True),
        transient=True,
    )
