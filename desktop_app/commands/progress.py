"""The progress of a long command on a terminal: a tqdm bar on stderr — what is being done (the
sheet), rows done of the total, the time left — fed by the progress(done, total, label)
callbacks the window's progress dialog hears (export_all, import_file, start_round).

When stderr is not a terminal (a pipe, a file, a scheduled task, the tests' capture) nothing is
drawn and the work is given no callback at all: the output stays exactly what it was.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

Progress = Callable[[int, int, str], None]
# «лист «Педагоги»:  42%|████▏     | 12 600 из 30 000 строк [00:07, осталось 00:09]»
KNOWN_TOTAL = ("{desc}: {percentage:3.0f}%|{bar}| {n_fmt} из {total_fmt} {unit} "
               "[{elapsed}, осталось {remaining}]")
UNKNOWN_TOTAL = "{desc} [{elapsed}]"  # a file that does not state its rows: the label counts
REFRESH_SECONDS = 0.2  # the bar redrawn at most this often (and whenever the label changes)


def on_terminal(stream: TextIO | None) -> bool:
    """Whether the stream is a terminal a bar can be drawn on (never a pipe or a file; a
    program without a console — Windows' pythonw — has no stream at all)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except (OSError, ValueError):  # a closed stream
        return False


@contextmanager
def terminal_progress(unit: str = "строк") -> Iterator[Progress | None]:
    """A progress callback drawing a bar on stderr while the block runs (the bar removed at
    its end, an error included), or None when stderr is not a terminal. unit: what is counted,
    in the genitive plural («строк», «ОО»)."""
    if not on_terminal(sys.stderr):
        yield None
        return
    bar = TerminalBar(sys.stderr, unit)
    try:
        yield bar
    finally:
        bar.close()


class TerminalBar:
    """progress(done, total, label) drawn with tqdm: label before the bar, done of total and
    the time left after it; total 0 — unknown (the label then counts the rows itself)."""

    def __init__(self, stream: TextIO, unit: str) -> None:
        self.stream, self.unit = stream, unit
        self.bar: Any = None
        self.label = ""

    def __call__(self, done: int, total: int, label: str) -> None:
        if self.bar is None:
            self.bar, self.label = self._open(total, label), label  # drawn as it opens
        bar = self.bar
        if (total or None) != bar.total:
            bar.total = total or None
            bar.bar_format = KNOWN_TOTAL if total else UNKNOWN_TOTAL
        if done < bar.n:  # counted again from the start (not done by this program's work)
            bar.reset(total or None)
        changed = label != self.label
        self.label = label
        bar.set_description_str(label, refresh=False)
        bar.update(done - bar.n)  # redrawn when REFRESH_SECONDS passed: the time left estimated
        if changed:
            bar.refresh()  # a new sheet is shown at once

    def _open(self, total: int, label: str) -> Any:
        from tqdm import tqdm  # type: ignore[import-untyped]

        return tqdm(total=total or None, desc=label, file=self.stream, leave=False,
                    dynamic_ncols=True, mininterval=REFRESH_SECONDS, unit=self.unit,
                    bar_format=KNOWN_TOTAL if total else UNKNOWN_TOTAL)

    def close(self) -> None:
        """Remove the bar from the terminal: the command's own lines follow."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None
