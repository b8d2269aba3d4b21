"""Filling a collection round's file as a school does: the workbook the round wrote, opened with
openpyxl, cells typed over, rows added under the last one or deleted, saved under a new name."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import openpyxl

from desktop_app.exchange.rounds.spec import CODE, ROUND_SHEET


class SchoolBook:
    """One ОО's round file being filled in."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.wb = openpyxl.load_workbook(self.path)

    def titles(self, sheet: str) -> list[str]:
        """The column titles of a data sheet (without «*»)."""
        return [str(c.value).removesuffix(" *") if c.value else "" for c in self.wb[sheet][1]]

    def column(self, sheet: str, title: str) -> int:
        titles = self.titles(sheet)
        assert title in titles, f"на листе «{sheet}» нет столбца «{title}»: {titles}"
        return titles.index(title) + 1

    def last_row(self, sheet: str) -> int:
        """The last row with a value (the sheet keeps empty formatted rows below)."""
        ws = self.wb[sheet]
        last = 1
        for row in ws.iter_rows(min_row=2):
            if any(c.value not in (None, "") for c in row):
                last = row[0].row
        return last

    def rows(self, sheet: str) -> Iterator[dict[str, Any]]:
        """Every filled row as {title: value} with «row»."""
        titles = self.titles(sheet)
        ws = self.wb[sheet]
        for number in range(2, self.last_row(sheet) + 1):
            values = {t: ws.cell(row=number, column=i + 1).value for i, t in enumerate(titles)}
            if any(v not in (None, "") for v in values.values()):
                yield {**values, "row": number}

    def codes(self, sheet: str) -> list[str]:
        return [str(r[CODE.title]) for r in self.rows(sheet) if r[CODE.title]]

    def row_of(self, sheet: str, code: str) -> int:
        for r in self.rows(sheet):
            if r[CODE.title] == code:
                return int(r["row"])
        raise AssertionError(f"на листе «{sheet}» нет строки с кодом {code}")

    def get(self, sheet: str, code: str, title: str) -> Any:
        ws = self.wb[sheet]
        return ws.cell(row=self.row_of(sheet, code), column=self.column(sheet, title)).value

    def set(self, sheet: str, code: str, values: Mapping[str, Any]) -> int:
        """Type values over the row of a code; its row number."""
        number = self.row_of(sheet, code)
        for title, value in values.items():
            self.wb[sheet].cell(row=number, column=self.column(sheet, title), value=value)
        return number

    def add(self, sheet: str, values: Mapping[str, Any]) -> int:
        """A new row under the last one; its row number."""
        number = self.last_row(sheet) + 1
        for title, value in values.items():
            self.wb[sheet].cell(row=number, column=self.column(sheet, title), value=value)
        return number

    def copy_row(self, sheet: str, code: str) -> int:
        """The row of a code copied under the last one (code included); its number."""
        source = self.row_of(sheet, code)
        number = self.last_row(sheet) + 1
        ws = self.wb[sheet]
        for col in range(1, len(self.titles(sheet)) + 1):
            ws.cell(row=number, column=col, value=ws.cell(row=source, column=col).value)
        return number

    def delete(self, sheet: str, code: str) -> None:
        self.wb[sheet].delete_rows(self.row_of(sheet, code))

    def header(self) -> dict[str, Any]:
        ws = self.wb[ROUND_SHEET]
        return {r[0].value: r[1] for r in ws.iter_rows(min_row=2) if r[0].value}

    def save(self, out: Path | None = None) -> Path:
        out = Path(out) if out is not None else self.path.with_name(
            self.path.stem + " (возврат).xlsx")
        self.wb.save(out)
        return out


def folder_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under a folder (what «nothing written» is checked by)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}
