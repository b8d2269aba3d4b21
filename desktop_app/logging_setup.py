"""The program's log: a rotating file in the data folder's logs/, with personal data masked."""

from __future__ import annotations

import logging
import re
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from desktop_app import paths

LOG_NAME = "metodaktiv.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Log messages carry ids and counts only; these masks catch what might slip through in an
# exception text (SQL parameters, quoted values, e-mails, phone numbers).
_MASKS = [
    (re.compile(r"\[parameters: .*?\](?=\s*(\(Background|$))", re.S), "[parameters: скрыты]"),
    (re.compile(r"«[^»]*»"), "«…»"),
    (re.compile(r"'[^'\n]{0,300}'"), "'…'"),
    (re.compile(r'"[^"\n]{0,300}"'), '"…"'),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "<эл. почта>"),
    (re.compile(r"\+?\d[\d\s()\-]{8,}\d"), "<номер>"),
    (re.compile(r"\b[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\b"), "<…>"),
]


def mask(text: str) -> str:
    """Text with quoted values, e-mails, phone numbers and name-like words masked."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFormatter(logging.Formatter):
    """Formats records and tracebacks with personal data masked (file paths are kept)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(super().format(record))

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        return _frames_only(ei[0], ei[1], ei[2])


def _frames_only(exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> str:
    """The traceback's frames (files, lines, functions) and the exception's masked message."""
    lines = traceback.format_exception(exc_type, exc, tb)
    return mask("".join(lines)).rstrip()


def log_file() -> Path:
    return paths.logs_dir() / LOG_NAME


def _our_handler(root: logging.Logger) -> RotatingFileHandler | None:
    for handler in root.handlers:
        if getattr(handler, "metodaktiv", False):
            return handler  # type: ignore[return-value]
    return None


def setup_logging(level: int = logging.INFO) -> Path:
    """Send the program's log to the rotating file (again after the data folder changed)."""
    target = log_file()
    root = logging.getLogger()
    handler = _our_handler(root)
    if handler is not None and Path(handler.baseFilename) == target.resolve():
        return target
    if handler is not None:
        root.removeHandler(handler)
        handler.close()
    handler = RotatingFileHandler(target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT,
                                  encoding="utf-8", delay=True)
    handler.metodaktiv = True  # type: ignore[attr-defined]
    handler.setFormatter(MaskingFormatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(min(root.level or level, level))
    logging.getLogger("desktop_app").setLevel(level)
    return target


def log_unexpected(exc_type: type[BaseException], exc: BaseException,
                   tb: TracebackType | None) -> Path:
    """Write an unexpected error with its traceback to the log; returns the log file."""
    path = setup_logging()
    logging.getLogger("desktop_app.errors").error(
        "непредвиденная ошибка %s", exc_type.__name__, exc_info=(exc_type, exc, tb))
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path


def unexpected_message(path: Path) -> str:
    """The Russian text shown for an unexpected error."""
    return (
        "Произошла непредвиденная ошибка. Сохранённые данные не потеряны: каждое действие "
        "записывается в базу отдельно. Подробности записаны в журнал: "
        f"{path}. Пожалуйста, передайте этот файл разработчикам."
    )


def report_unexpected_cli(exc: BaseException) -> int:
    """Command line: log the error, print the Russian message with the log path; exit code 1."""
    path = log_unexpected(type(exc), exc, exc.__traceback__)
    print(f"Ошибка: {unexpected_message(path)}", file=sys.stderr)
    return 1
