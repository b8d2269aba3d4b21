"""Long work off the GUI thread: a worker, a modal progress dialog, callbacks on the GUI thread.

The function runs in a QThreadPool thread and never touches widgets; it opens its own database
sessions there (db.sessions(): SQLite connections belong to one thread at a time). It may report
progress through the Progress it receives. The success and failure callbacks run on the GUI
thread, after the progress dialog has closed. Until then the user's clicks and keys are held
back (the dialog appears only after SHOW_AFTER_MS, so quick work does not flash it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from desktop_app import APP_NAME
from desktop_app.logging_setup import log_unexpected, unexpected_message

T = TypeVar("T")
SHOW_AFTER_MS = 300
# A function reporting every row would flood the GUI thread with signals: at most this often.
PROGRESS_EVERY_S = 0.05
_HELD_BACK = {
    QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.Wheel, QEvent.Type.Shortcut,
    QEvent.Type.ShortcutOverride, QEvent.Type.Close, QEvent.Type.ContextMenu,
}


class Progress:
    """What the worker function calls to say how far it is: progress(done, total, label)."""

    def __init__(self, emit: Callable[[int, int, str], None]) -> None:
        self._emit = emit
        self._last = 0.0
        self._label = ""

    def __call__(self, done: int = 0, total: int = 0, label: str | None = None) -> None:
        """total 0 means «unknown» (a busy indicator); a new label is always shown at once."""
        now = time.monotonic()
        changed = label is not None and label != self._label
        if not changed and now - self._last < PROGRESS_EVERY_S and (not total or done < total):
            return
        self._last = now
        if label is not None:
            self._label = label
        self._emit(done, total, self._label)


class _Signals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)


class _Worker(QRunnable):
    """Runs the function in a pool thread and reports through queued signals only."""

    def __init__(self, work: Callable[[Progress], Any], signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.work, self.signals = work, signals

    def run(self) -> None:
        try:
            result = self.work(Progress(self.signals.progress.emit))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


class _InputGuard(QObject):
    """Holds back the user's input to every window while an operation runs."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
        return event.type() in _HELD_BACK and event.spontaneous()

    def hold(self) -> None:
        self.count += 1
        app = QCoreApplication.instance()
        if self.count == 1 and app is not None:
            app.installEventFilter(self)

    def release(self) -> None:
        self.count = max(self.count - 1, 0)
        app = QCoreApplication.instance()
        if self.count == 0 and app is not None:
            app.removeEventFilter(self)


_GUARD: _InputGuard | None = None
_RUNNING: set[Operation[Any]] = set()  # an operation lives until its callbacks have run


def _guard() -> _InputGuard:
    global _GUARD
    if _GUARD is None:
        _GUARD = _InputGuard()
    return _GUARD


class Operation(QObject, Generic[T]):
    """One background job with its progress dialog; `finished` is emitted after the callbacks."""

    finished = Signal()

    def __init__(self, parent: QWidget | None, label: str, work: Callable[[Progress], T],
                 success: Callable[[T], None] | None = None,
                 failure: Callable[[BaseException], bool | None] | None = None) -> None:
        super().__init__()
        self.parent_widget, self.label, self.work = parent, label, work
        self._success, self._failure = success, failure
        self.done = False
        self.result: T | None = None
        self.error: BaseException | None = None
        self.signals = _Signals()
        self.signals.progress.connect(self._on_progress)
        self.signals.succeeded.connect(self._on_success)
        self.signals.failed.connect(self._on_failure)
        self.dialog = self._make_dialog()
        self._show_timer = QTimer(self)
        self._show_timer.setSingleShot(True)
        self._show_timer.timeout.connect(self._show)
        self._worker = _Worker(work, self.signals)

    def _make_dialog(self) -> QProgressDialog:
        dialog = QProgressDialog(self.label, "", 0, 0, self.parent_widget)
        dialog.setWindowTitle(APP_NAME)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal if self.parent_widget
                                 else Qt.WindowModality.ApplicationModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(24 * 3600 * 1000)  # shown by our timer, never by itself
        dialog.setMinimumWidth(420)
        # reset() stops the dialog's own show timer: once it has shown itself, every
        # setValue() would spin a nested event loop.
        dialog.reset()
        return dialog

    def start(self) -> Operation[T]:
        """Start the work; returns at once."""
        _RUNNING.add(self)
        _guard().hold()
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self._show_timer.start(SHOW_AFTER_MS)
        QThreadPool.globalInstance().start(self._worker)
        return self

    def _show(self) -> None:
        if not self.done:
            self.dialog.show()

    def _on_progress(self, done: int, total: int, label: str) -> None:
        if total > 0:
            self.dialog.setLabelText(f"{label or self.label}\n{min(done, total)} из {total}")
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
            return
        if label:
            self.dialog.setLabelText(label)
        if self.dialog.maximum() != 0:
            self.dialog.setRange(0, 0)

    def _end(self) -> None:
        self.done = True
        self._show_timer.stop()
        self.dialog.hide()
        self.dialog.deleteLater()
        QApplication.restoreOverrideCursor()
        _guard().release()

    def _on_success(self, result: T) -> None:
        self.result = result
        self._end()
        try:
            if self._success is not None:
                self._success(result)
        finally:
            self._finish()

    def _on_failure(self, exc: BaseException) -> None:
        self.error = exc
        self._end()
        try:
            handled = self._failure(exc) if self._failure is not None else False
            if not handled:
                show_unexpected(self.parent_widget, exc)
        finally:
            self._finish()

    def _finish(self) -> None:
        self.finished.emit()
        _RUNNING.discard(self)

    @property
    def succeeded(self) -> bool:
        return self.done and self.error is None


def show_unexpected(parent: QWidget | None, exc: BaseException) -> None:
    """An error nobody expected: written to the log, the user told in Russian where it is."""
    path = log_unexpected(type(exc), exc, exc.__traceback__)
    QMessageBox.critical(parent, APP_NAME, unexpected_message(path))


def run_in_background(parent: QWidget | None, label: str, work: Callable[[Progress], T],
                      success: Callable[[T], None] | None = None,
                      failure: Callable[[BaseException], bool | None] | None = None,
                      ) -> Operation[T]:
    """Run work(progress) in a worker thread behind a modal progress dialog labelled `label`.

    success(result) runs on the GUI thread. failure(exc) too; it returns True when it has told
    the user (an expected refusal), otherwise the error is logged and a Russian message with
    the log's path is shown.
    """
    return Operation(parent, label, work, success, failure).start()


def refusals(*kinds: type[BaseException], parent: QWidget | None = None,
             then: Callable[[str], None] | None = None,
             ) -> Callable[[BaseException], bool]:
    """A failure callback showing the Russian text of the expected exception kinds."""
    def failure(exc: BaseException) -> bool:
        if not isinstance(exc, kinds):
            return False
        if then is not None:
            then(str(exc))
        else:
            QMessageBox.critical(parent, APP_NAME, str(exc))
        return True

    return failure
