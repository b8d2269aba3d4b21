"""A long command's progress on a terminal: a bar on stderr (the sheet, rows done of the total)
fed by the callbacks the window's progress dialog hears; nothing extra when the output is not a
terminal (a pipe, a file, the tests' capture)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.commands import collect, core, exchange, progress
from desktop_app.commands.progress import TerminalBar

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SAVED = re.compile(r"Книга обмена сохранена: .+ \(листов: \d+, строк: (\d+)\)")


@pytest.fixture
def book(base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The exchange book of the small demo database."""
    out = tmp_path / "книга.xlsx"
    assert main(["--db", str(base), "export", "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def _commands(base: Path, book: Path) -> dict[str, list[str]]:
    db = ["--db", str(base)]
    return {"export": [*db, "export", "--out", str(book.with_name("ещё.xlsx"))],
            "import --dry-run": [*db, "import", str(book), "--dry-run"],
            "import --merge": [*db, "import", str(book), "--merge"],
            "check": [*db, "check"]}


@contextlib.contextmanager
def _no_progress(unit: str = "") -> Iterator[None]:
    """The commands as they were before the bar: no progress callback at all."""
    yield None


@pytest.mark.parametrize("command", ["export", "import --dry-run", "import --merge", "check"])
def test_nothing_extra_when_not_a_terminal(command: str, base: Path, book: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    args = _commands(base, book)[command]
    with monkeypatch.context() as patch:
        for module in (exchange, collect, core):
            patch.setattr(module, "terminal_progress", _no_progress)
        before = main(args), capsys.readouterr()
    after = main(args), capsys.readouterr()
    assert after == before
    assert after[0] == 0 and after[1].err == ""


def test_a_pipe_gets_no_bar(base: Path, book: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "desktop_app",
                           *_commands(base, book)["export"]],
                          capture_output=True, text=True, encoding="utf-8", timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert SAVED.fullmatch(done.stdout.strip()), done.stdout


def _on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run the program with a pseudo-terminal (200 columns) for its output; its exit code and
    everything it drew there, escape sequences removed."""
    pty = pytest.importorskip("pty")
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "desktop_app", *args], stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave, env={**os.environ, "COLUMNS": "200"})
    os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the program ended and closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    code = proc.wait(timeout=120)
    return code, ANSI.sub("", b"".join(chunks).decode("utf-8", errors="replace"))


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_export_draws_its_bar_on_a_terminal(base: Path, tmp_path: Path) -> None:
    code, shown = _on_a_terminal(["--db", str(base), "export", "--out",
                                  str(tmp_path / "книга.xlsx")])
    assert code == 0, shown
    saved = SAVED.search(shown)
    assert saved, shown
    total = saved.group(1)
    # each sheet is named as it is begun, with the rows written so far of all of them
    assert re.search(rf"лист «Педагоги»: +\d+%\|.*\| \d+ из {total} строк \[", shown), shown
    assert re.search(rf"лист «Ответы диагностик»: .*\| \d+ из {total} строк", shown), shown
    assert "осталось" in shown


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_import_draws_its_bar_on_a_terminal(base: Path, book: Path) -> None:
    code, shown = _on_a_terminal(["--db", str(base), "import", str(book), "--dry-run"])
    assert code == 0, shown
    rows = re.findall(r"\| (\d+) из (\d+) строк", shown)
    assert rows, shown
    total = {t for _d, t in rows}
    assert len(total) == 1, total  # the rows the book's «Сведения» states
    assert re.search(r"лист «Педагоги»: .*\| \d+ из \d+ строк", shown), shown
    assert "Проверка без записи: база не изменена." in shown


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_collect_start_draws_its_bar_on_a_terminal(base: Path, tmp_path: Path) -> None:
    today = date.today().strftime("%d.%m.%Y")
    code, shown = _on_a_terminal(["--db", str(base), "collect", "start", "--date", today,
                                  "--out", str(tmp_path / "сбор")])
    assert code == 0, shown
    sent = len(list((tmp_path / "сбор").glob("*.xlsx")))
    assert sent and re.search(rf"\| \d+ из {sent} ОО \[", shown), shown


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_check_draws_its_steps_on_a_terminal(base: Path) -> None:
    code, shown = _on_a_terminal(["--db", str(base), "check"])
    assert code == 0, shown
    assert "проверка целостности [" in shown  # the integrity check: a busy bar, no total
    steps = re.findall(r"число записей: (\w+): +\d+%\|.*?\| (\d+) из (\d+) шагов", shown)
    assert "people" in {name for name, _d, _t in steps}, shown
    assert len({total for _n, _d, total in steps}) == 1  # the tables counted and the check
    assert "Целостность: в порядке" in shown


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_shows_label_rows_and_an_unknown_total() -> None:
    stream = _Terminal()
    bar = TerminalBar(stream, "строк")
    bar(0, 300, "лист «Педагоги»")
    bar(150, 300, "лист «Педагоги»")
    bar(150, 300, "лист «Курсы»")
    bar(0, 0, "лист «Педагоги», прочитано строк: 2000")  # a form without its dimensions
    bar.close()
    drawn = stream.getvalue()
    assert "лист «Педагоги»:   0%" in drawn and "0 из 300 строк" in drawn
    assert "лист «Курсы»:  50%" in drawn and "150 из 300 строк" in drawn
    assert "лист «Педагоги», прочитано строк: 2000 [" in drawn
    assert drawn.endswith("\r")  # the bar removed: the command's own lines follow


def test_no_bar_without_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress.terminal_progress() as callback:
        assert callback is None
    monkeypatch.setattr(sys, "stderr", None)  # Windows' pythonw: no console at all
    with progress.terminal_progress() as callback:
        assert callback is None
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with progress.terminal_progress() as callback:
        assert isinstance(callback, TerminalBar)
