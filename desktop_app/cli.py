"""One argument parser for the whole program: the window, the command line, the self-test."""

from __future__ import annotations

import argparse
import errno
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from desktop_app import __version__, argparse_ru
from desktop_app.commands import MODULES
from desktop_app.commands.common import (
    UserError,
    busy_text,
    disk_error_text,
    disk_full_text,
    file_error_text,
    is_database_busy,
    is_disk_error,
    is_disk_full,
    missing_text,
    shown_target,
)
from desktop_app.logging_setup import report_unexpected_cli, setup_logging
from desktop_app.store.database import DatabaseMissing, DatabaseRefused
from desktop_app.store.engine import final_name, memory_target
from desktop_app.store.lock import DatabaseBusy

argparse_ru.install()


class RussianParser(argparse.ArgumentParser):
    """argparse with its own words in Russian."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: ошибка: {message}\n")

    def _get_value(self, action: argparse.Action, arg_string: str) -> object:
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError as exc:
            raise (argparse_ru.typed_value_error(action, arg_string) or exc) from None


def build_parser() -> argparse.ArgumentParser:
    parser = RussianParser(
        prog="metodaktiv",
        description="Методактив — реестр методического актива, наставничества и показателей.",
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="показать эту справку и выйти")
    parser.add_argument("--version", action="version", version=f"Методактив {__version__}",
                        help="показать версию и выйти")
    parser.add_argument("--db", metavar="D",
                        help="файл базы данных .sqlite (по умолчанию — в папке данных) или "
                             "адрес сервера PostgreSQL: postgresql://пользователь:пароль@сервер/база")
    parser.add_argument("--demo", action="store_true",
                        help="открыть демонстрационную базу (создаётся при первом запуске)")
    parser.add_argument("--read-only", action="store_true", help="открыть базу только для чтения")
    parser.add_argument("--selftest", action="store_true",
                        help="самопроверка установленной программы: база, шрифты, PDF, Excel")
    sub = parser.add_subparsers(dest="command", metavar="КОМАНДА", parser_class=RussianParser)
    for name in MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _configure_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


class _NotWindowOnly(Exception):
    """The arguments ask for more than the window: the full parser decides."""


class _WindowParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotWindowOnly(message)


def window_only_args(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The arguments when they only open the window (--db, --demo, --read-only), parsed without
    building the full parser, which imports every command module (openpyxl, the reports, the
    demo: about 0,3 s of the window's start); None for anything else (commands, --help …)."""
    parser = _WindowParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--db")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--read-only", action="store_true")
    try:
        args, rest = parser.parse_known_args(sys.argv[1:] if argv is None else list(argv))
    except _NotWindowOnly:
        return None
    if rest:
        return None
    args.selftest, args.command, args.func = False, None, None
    return args


# The exit code when the output's reader has gone (`… | head -1`): 128 + SIGPIPE, as a POSIX
# shell reports a program its closed pipe stopped; the output was cut short, not finished.
CLOSED_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; without a command, open the window.

    Output into a pipe closed early (`metodaktiv … | head -1`) ends quietly with CLOSED_PIPE."""
    _configure_streams()
    setup_logging()
    # an error of the log itself (its disk full) is not printed as a traceback either
    logging.raiseExceptions = False
    sys.unraisablehook = _log_unraisable
    try:
        try:
            args = window_only_args(argv) or build_parser().parse_args(argv)
            _check_db_option(args)
        except SystemExit:  # --help, --version or wrong usage: printed, then exit
            sys.stdout.flush()
            raise
        code = _run(args)
        sys.stdout.flush()  # a closed pipe is found here, not at the interpreter's exit
        return code
    except OSError as exc:  # BrokenPipeError among them
        if not _closed_pipe(exc):
            return report_unexpected_cli(exc)
        _silence_stdout()
        return CLOSED_PIPE


DB_EXAMPLE = "укажите файл базы данных (.sqlite) или адрес postgresql://…"


def _check_db_option(args: argparse.Namespace) -> None:
    """A --db that names no database to keep is wrong usage (exit code 2): an empty value
    (it would open the default database instead) and an in-memory database (it keeps nothing).
    """
    given = getattr(args, "db", None)
    if given is None:
        return
    if not str(given).strip():
        build_parser().error(f"аргумент --db: пустое значение: {DB_EXAMPLE}")
    if memory_target(given):
        build_parser().error(f"аргумент --db: «{str(given).strip()}» — база в памяти, в ней "
                             f"ничего не сохраняется: {DB_EXAMPLE}")


def _run(args: argparse.Namespace) -> int:
    try:
        if args.selftest:
            from desktop_app.selftest import run as run_selftest

            return run_selftest()
        if getattr(args, "func", None) is None:
            from desktop_app.ui.app import run_gui

            return run_gui(args)
        return int(args.func(args))
    except DatabaseMissing as exc:
        print(f"Ошибка: {missing_text(exc, args)}", file=sys.stderr)
        return 1
    except (UserError, DatabaseRefused, DatabaseBusy) as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return getattr(exc, "code", 1)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if _closed_pipe(exc):
            raise  # main ends quietly
        return _unexpected(exc, args)
    except Exception as exc:  # noqa: BLE001 - the last guard: a Russian message, never a traceback
        return _unexpected(exc, args)


def _unexpected(exc: BaseException, args: argparse.Namespace) -> int:
    """An error no command told. What the user's computer caused is still told in Russian: a
    full disk (naming the file being written, else the database), a failed disk, a database
    another program keeps writing to, a file the system refuses (no access, no folder …).
    Anything else is the program's own error: logged, told as an unexpected one."""
    written = _written_file(exc, args)
    folder = None if "://" in written else Path(written).parent
    refused = _file_refusal(exc)
    if is_disk_full(exc, folder):
        text = disk_full_text(written)
    elif is_disk_error(exc):
        text = disk_error_text(written)
    elif is_database_busy(exc):
        text = busy_text(shown_target(args))
    elif refused is not None:
        text = file_error_text(refused)
    else:
        return report_unexpected_cli(exc)
    # told to the user in their words; the trace stays in the log for the developers
    logging.getLogger("desktop_app.errors").warning("отказ системы или диска: %s",
                                                    type(exc).__name__, exc_info=exc)
    print(f"Ошибка: {text}", file=sys.stderr)
    return 1


def _file_refusal(exc: BaseException) -> OSError | None:
    """The system's refusal of a named file behind an error (no access, no such folder, a
    read-only disk …), None when there is none: then it is an error of the program."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if isinstance(link, OSError) and link.filename and link.errno:
            return link
        link = link.__cause__ or link.__context__
    return None


def _written_file(exc: BaseException, args: argparse.Namespace) -> str:
    """The file a failed write was for: the one the error names (the target of a partial
    file), else the command's --out, else the database."""
    refused = _file_refusal(exc)
    if refused is not None:
        return final_name(refused.filename)
    out = getattr(args, "out", None)
    return str(out) if out else shown_target(args)


def _log_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An error in a finaliser (a half-written workbook's generators closed after a full disk)
    goes to the log, not to the terminal as a traceback."""
    try:
        exc = unraisable.exc_value
        logging.getLogger("desktop_app.errors").warning(
            "ошибка при освобождении объекта: %s", type(exc).__name__,
            exc_info=(unraisable.exc_type, exc, unraisable.exc_traceback) if exc else None)
    except Exception:  # noqa: BLE001, S110 - the log itself may be on the full disk
        pass


def _closed_pipe(exc: OSError) -> bool:
    """Whether writing the output failed because its reader has gone: BrokenPipeError; on
    Windows an OSError EINVAL from a write to a closed pipe, told apart from other EINVALs by
    the output failing again."""
    if isinstance(exc, BrokenPipeError):
        return True
    if exc.errno != errno.EINVAL or sys.platform != "win32":
        return False
    try:
        sys.stdout.write("\n")
        sys.stdout.flush()
    except OSError:
        return True
    return False


def _silence_stdout() -> None:
    """Point stdout at the null device so the interpreter's last flush at exit finds no closed
    pipe either (what the Python documentation recommends for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real descriptor (a test's capture)
        pass
