"""The program's log: a rotating file in the data folder's logs/, with personal data masked."""

from __future__ import annotations

import copy
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

# A phone number as people write one: a Russian number of ten digits after +7, 7 or 8, its
# code maybe in brackets, groups apart by spaces or hyphens (+7 (913) 555-12-34,
# 8-913-555-12-34, 89135551234, 913 555-12-34), or a local number of five to seven digits in
# hyphenated groups (2-14-07, 55-12-34, 555-12-34). Times, ids and counts are not
# phone-shaped: 17:57:25, person_id=17, 1 600 000, 1234567890.
_SEP = r"[ \u00a0-]?"
_PHONE = re.compile(
    r"(?<![\w+.:/-])(?:"
    rf"(?:\+7|8|7){_SEP}(?:\(\d{{3,5}}\)|\d{{3}}){_SEP}\d{{1,3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
    rf"|\(?\d{{3}}\)?[ \u00a0-]\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
    r"|\d{1,3}-\d{2}-\d{2}"
    r")(?![\w:/-]|[.,]\d)"
)
# A date in a message or an exception may be someone's birth date (the line's own date and
# time are never masked).
_DATE = re.compile(r"(?<![\d.-])(?:\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{2,4})(?![\d-])")
# Log messages carry ids and counts only; these masks catch what might slip through in an
# exception text (SQL parameters, quoted values, e-mails, phone numbers). They are applied to a
# record's message and exception only, never to its time, level and logger name.
_MASKS = [
    # the password of a database URL (postgresql://user:password@server/base), whatever else
    (re.compile(r"(\b[a-z][\w+.-]*://[^:/@\s]*:)[^@\s]+@", re.I), r"\1***@"),
    (re.compile(r"\[parameters: .*?\](?=\s*(\(Background|$))", re.S), "[parameters: скрыты]"),
    (re.compile(r"«[^»]*»"), "«…»"),
    (re.compile(r"'[^'\n]{0,300}'"), "'…'"),
    (re.compile(r'"[^"\n]{0,300}"'), '"…"'),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "<эл. почта>"),
    (_DATE, "<дата>"),
    (_PHONE, "<номер>"),
    (re.compile(r"\b[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\b"), "<…>"),
]


def mask(text: str) -> str:
    """Text with quoted values, e-mails, phone numbers and name-like words masked."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFormatter(logging.Formatter):
    """Formats records with the message, the traceback and the stack masked (file paths are
    kept); the line's head — date and time, level, logger — is written as it is."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        # the exception is formatted here every time: a text another handler cached on the
        # record (record.exc_text) was not masked
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        elif record.exc_text:
            text += "\n" + mask(record.exc_text)
        if record.stack_info:
            text += "\n" + self.formatStack(record.stack_info)
        return text

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802
        masked = copy.copy(record)
        masked.message = mask(record.message)
        return super().formatMessage(masked)

    def formatException(self, ei) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        return _frames_only(ei[0], ei[1], ei[2])

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return mask(stack_info)


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
