"""A progress bar on stderr while a scan runs, only when stderr is a terminal.

Piped output and `--format json` get nothing extra: the bar is for a person watching.
"""
from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class NoProgress:
    def start(self, jobs):
        pass

    def advance(self, job, result):
        pass

    def stop(self):
        pass


class ScanProgress(NoProgress):
    """Rule runs done, account-regions and accounts finished, errors so far."""

    def __init__(self, console: Console):
        self._bar = Progress(TextColumn("scan"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                             TimeElapsedColumn(), console=console, transient=True)

    def start(self, jobs):
        self._left = {}
        for job in jobs:
            self._left.setdefault(job.account, {}).setdefault(job.region, 0)
            self._left[job.account][job.region] += 1
        self._pairs = sum(len(regions) for regions in self._left.values())
        self._accounts = len(self._left)
        self._errors = 0
        self._task = self._bar.add_task(self._describe(), total=len(jobs))
        self._bar.start()

    def advance(self, job, result):
        regions = self._left[job.account]
        regions[job.region] -= 1
        self._errors += len(result.errors)
        self._bar.update(self._task, advance=1, description=self._describe())

    def _describe(self):
        pairs = sum(1 for regions in self._left.values() for left in regions.values() if left == 0)
        accounts = sum(1 for regions in self._left.values() if not any(regions.values()))
        return f"rules  {pairs}/{self._pairs} regions  {accounts}/{self._accounts} accounts  {self._errors} error(s)"

    def stop(self):
        self._bar.stop()


def progress_for(output: str) -> NoProgress:
    """A bar for a table on a terminal; nothing otherwise."""
    console = Console(stderr=True)
    return ScanProgress(console) if output == "table" and console.is_terminal else NoProgress()
