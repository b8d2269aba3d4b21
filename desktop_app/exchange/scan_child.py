"""The guards' reading of a big book's sheets (book_scan.scan_sheet) in a process of its own.

Before calamine parses a sheet of an xlsx, its XML is read through the guards (exchange/
xmlguard.py, book_scan.py): a region's exchange book has some 380 MB of it, 3 s of Python. In
the importing process that Python holds the interpreter's lock, and the import's own Python
waits for it — its inserts the most, as the database driver lets the lock go at each statement
and waits to take it back (the region's book: 19 s with the reading in a thread, 16 s with it
in a process of its own). The window keeps its lock free for painting, too.

ScanChild starts one process ("spawn": the same on Windows and Linux) for a book read ahead
sheet after sheet (the exchange book) and gives it the sheets larger than CHILD_FROM_BYTES, in
the book's order; the small ones cost less here than their passage. A sheet asked for that the
process has not begun is withdrawn from it and read here; one it is reading is waited for (before
it has read any, STARTING_WAIT at most: it may still be starting, and the sheet is read here). What
the guards refuse is raised where the sheet is asked for, as when it is read here. A process
that cannot be started, or dies, leaves its sheets to be read here.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from desktop_app.exchange.book_scan import SheetScan, scan_sheet

STARTING_WAIT = 1.0  # seconds the first sheets wait for the process (on Linux it starts
# and reads the region's sheet of people in some 0,6 s)
CHILD_FROM_BYTES = 256 * 1024  # a sheet's XML (packed in the file) from which the process
# reads it: a smaller one takes milliseconds here


class ScanChild:
    """The process reading the sheets given (title, the sheet's part, «where» of the
    messages) through their guards, in that order."""

    def __init__(self, path: Path, sheets: list[tuple[str, str, str]]) -> None:
        self._futures: dict[str, Future[SheetScan]] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._working = threading.Event()  # the process has read a sheet: it is up
        if not sheets:
            return
        try:
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            for title, part, where in sheets:
                future = self._pool.submit(scan_sheet, path, part, where)
                future.add_done_callback(self._done)
                self._futures[title] = future
        except (OSError, RuntimeError, BrokenProcessPool):  # no process here: read here
            self.stop()

    def _done(self, future: Future[SheetScan]) -> None:
        if not future.cancelled():  # read (or refused) by the process, not taken back
            self._working.set()

    def has(self, title: str) -> bool:
        """Whether the sheet was given to the process (and not taken back yet)."""
        return title in self._futures

    def take(self, title: str) -> SheetScan | None:
        """The sheet's scan, read by the process (waiting while it reads it); None: read it
        here (not given to the process, not begun by it, or the process is gone). Raises what
        the guards raised."""
        future = self._futures.pop(title, None)
        if future is None or future.cancel():
            return None
        try:
            # until the process has read a sheet it may still be starting (seconds, where an
            # antivirus looks at it first): then it is waited for STARTING_WAIT at most, and
            # past that its reading of the sheet is let go
            return future.result(None if self._working.is_set() else STARTING_WAIT)
        except (BrokenProcessPool, TimeoutError):
            return None

    def settle(self, timeout: float) -> bool:
        """Wait until the process has read every sheet given, at most timeout seconds (True:
        all read) — for the self-test and the tests, which want what the process read."""
        return not wait(list(self._futures.values()), timeout=timeout).not_done

    def stop(self) -> None:
        """Let the process go: the sheets not begun are withdrawn, the one being read is left
        to end (the process then ends)."""
        self._futures.clear()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def child_sheets(path: Path, parts: dict[str, str], titles: list[str], where: str
                 ) -> list[tuple[str, str, str]]:
    """The sheets (of titles, in their order) worth reading in the process: their parts packed
    larger than CHILD_FROM_BYTES. parts: title → the sheet's part in the zip; where: «Файл «…»»
    of the messages."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            sizes = {info.filename: info.compress_size for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError):  # changed since it was checked: read here, where the
        return []  # damage is said in Russian
    return [(title, parts[title], f"{where}, лист «{title}»") for title in titles
            if title in parts and sizes.get(parts[title], 0) > CHILD_FROM_BYTES]
