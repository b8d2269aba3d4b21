"""Filling the program's own blank forms as a school does: the template written by the command
line, values typed under the headers by openpyxl, the file imported through the command line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from desktop_app.cli import main

Row = Mapping[str, Any]


class Forms:
    """One database file and a folder for the filled forms."""

    def __init__(self, db: Path, folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db, self.folder, self.capsys = db, folder, capsys
        self.count = 0
        if not db.exists():
            assert main(["--db", str(db), "init"]) == 0
            capsys.readouterr()

    def fill(self, kind: str, rows: Sequence[Row]) -> Path:
        """The blank form of the kind with the rows typed in under their header titles (the
        «*» of a required column left out); the path of the saved file."""
        self.count += 1
        out = self.folder / f"{self.count:02d}-{kind}.xlsx"
        assert main(["--db", str(self.db), "template", kind, "--out", str(out)]) == 0
        self.capsys.readouterr()
        wb = openpyxl.load_workbook(out)
        ws = wb.worksheets[0]
        titles = [str(c.value).removesuffix(" *") for c in ws[1] if c.value]
        for r, row in enumerate(rows, start=2):
            for title, value in row.items():
                assert title in titles, f"в бланке {kind} нет столбца «{title}»: {titles}"
                ws.cell(row=r, column=titles.index(title) + 1, value=value)
        wb.save(out)
        return out

    def columns(self, kind: str) -> list[str]:
        """The header titles of the blank form of the kind (without «*»)."""
        out = self.folder / f"columns-{kind}.xlsx"
        assert main(["--db", str(self.db), "template", kind, "--out", str(out)]) == 0
        self.capsys.readouterr()
        ws = openpyxl.load_workbook(out).worksheets[0]
        return [str(c.value).removesuffix(" *") for c in ws[1] if c.value]

    def load(self, path: Path, *extra: str) -> tuple[int, str, str]:
        """Import the file through the command line: (exit code, stdout, stderr)."""
        code = main(["--db", str(self.db), "import", str(path), *extra])
        out = self.capsys.readouterr()
        assert "Traceback" not in out.err and "непредвиденная" not in out.err, out.err
        return code, out.out, out.err

    def requisites(self) -> None:
        """The centre's requisites set through the command line (documents need them)."""
        from tests.test_settings_cli import REQUISITES

        for key, value in REQUISITES.items():
            assert main(["--db", str(self.db), "settings", "set", key, value]) == 0
        self.capsys.readouterr()

    def put(self, kind: str, rows: Sequence[Row]) -> str:
        """Fill and import a form that must be taken in; the command's output."""
        code, out, err = self.load(self.fill(kind, rows))
        assert code == 0, out + err
        return out
