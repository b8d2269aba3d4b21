"""What the sheets of an Excel 97–2003 workbook (.xls) hold besides the values the reader
(python-calamine) gives: which cells are formulas and which are errors (#N/A), the rows each
sheet states, how far their cells reach — found in the BIFF records of its «Workbook» stream.

An .xls is an OLE compound file (a little file system of sectors, read with olefile). A
formula is kept as tokens, not as its text: the reader shows «=» and the value it last
computed. An OLE file without a workbook stream is an xlsx with a password (or no workbook).
"""

from __future__ import annotations

import struct
from pathlib import Path

import olefile  # type: ignore[import-untyped]  # no stubs published

from desktop_app.exchange.book_scan import SheetScan, check_extent
from desktop_app.exchange.safe import ExchangeError, password_refusal

STREAMS = ("Workbook", "Book")  # BIFF8 (Excel 97–2003), BIFF5 (Excel 5.0/95)
BOF, EOF, BOUNDSHEET, FILEPASS = 0x0809, 0x000A, 0x0085, 0x002F
CODEPAGE, DIMENSIONS = 0x0042, 0x0200
FORMULA, BOOLERR, MULRK, MULBLANK = 0x0006, 0x0205, 0x00BD, 0x00BE
CELLS = {0x00FD, 0x0203, 0x027E, 0x0204, 0x00D6, 0x0201, FORMULA, BOOLERR}  # row, column first
ERRORS = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
          0x24: "#NUM!", 0x2A: "#N/A"}
WORKSHEET = 0x00  # BOUNDSHEET's sheet type
BOOL_TOKEN = 0x1D  # ptgBool
FUNCTION_TOKENS = (0x21, 0x41, 0x61)  # ptgFunc, as a reference, a value, an array
YES_NO = {34: True, 35: False}  # the functions TRUE() and FALSE()


class _Damaged(Exception):
    """The compound file or its records are not what they should be."""


def _workbook_stream(path: Path) -> tuple[bytes | None, bool]:
    """The workbook stream of the compound file (olefile reads the OLE container) and whether
    the file is an encrypted xlsx (an «EncryptedPackage» stream)."""
    with olefile.OleFileIO(str(path)) as ole:
        encrypted = ole.exists("EncryptedPackage")
        for stream in STREAMS:
            if ole.exists(stream) and ole.get_type(stream) == olefile.STGTY_STREAM:
                return ole.openstream(stream).read(), encrypted
        return None, encrypted


def scan_xls(path: Path) -> dict[str, SheetScan]:
    """Every worksheet of the workbook by its name; an OLE file that is no .xls workbook is
    refused as one with a password, a damaged one as damaged."""
    name = path.name
    try:
        stream, encrypted = _workbook_stream(path)
    except (_Damaged, struct.error, ValueError, IndexError, OSError) as exc:
        if path.suffix.lower() == ".xls":
            raise _damaged(name) from exc
        raise password_refusal(name) from exc
    if stream is None or encrypted:
        raise password_refusal(name)
    try:
        return _Book(stream, name).sheets()
    except (_Damaged, struct.error, ValueError, IndexError) as exc:
        raise _damaged(name) from exc


def _damaged(name: str) -> ExchangeError:
    return ExchangeError(f"Файл «{name}» повреждён или не является книгой Excel: не удалось "
                         "его открыть.")


class _Book:
    """The workbook stream: its globals (sheets, code page, password), then each sheet."""

    def __init__(self, stream: bytes, file_name: str) -> None:
        self.stream, self.file_name = stream, file_name
        self.codepage = "cp1251"
        self.biff8 = True

    def sheets(self) -> dict[str, SheetScan]:
        listed: list[tuple[str, int]] = []
        for kind, at, size in self._records(0):
            if kind == BOF:
                self.biff8 = struct.unpack_from("<H", self.stream, at)[0] == 0x0600
            elif kind == FILEPASS:
                raise password_refusal(self.file_name)
            elif kind == CODEPAGE:
                self._codepage(struct.unpack_from("<H", self.stream, at)[0])
            elif kind == BOUNDSHEET:
                position, _state, sheet_type = struct.unpack_from("<IBB", self.stream, at)
                if sheet_type == WORKSHEET:
                    listed.append((self._name(at + 6, size - 6), position))
            elif kind == EOF:
                break
        return {title: self._sheet(title, position) for title, position in listed}

    def _codepage(self, page: int) -> None:
        if page not in (1200, 0x8000, 0x8001):  # 1200: UTF-16 (BIFF8 names are Unicode)
            self.codepage = f"cp{page}"

    def _name(self, at: int, size: int) -> str:
        count = self.stream[at]
        if not self.biff8:
            return self._decode(self.stream[at + 1:at + 1 + count])
        wide = self.stream[at + 1] & 1
        raw = self.stream[at + 2:at + 2 + count * (2 if wide else 1)]
        return raw.decode("utf-16-le", "replace") if wide else raw.decode("latin-1")

    def _decode(self, raw: bytes) -> str:
        try:
            return raw.decode(self.codepage)
        except (LookupError, UnicodeDecodeError):
            return raw.decode("cp1251", "replace")

    def _records(self, start: int) -> list[tuple[int, int, int]]:
        found, pos, end = [], start, len(self.stream)
        while pos + 4 <= end:
            kind, size = struct.unpack_from("<HH", self.stream, pos)
            found.append((kind, pos + 4, size))
            pos += 4 + size
            if kind == EOF:
                break
        return found

    def _sheet(self, title: str, position: int) -> SheetScan:
        scan = SheetScan()
        depth, last_row, last_column = 0, 0, 0
        pos, end, stream = position, len(self.stream), self.stream
        while pos + 4 <= end:
            kind, size = struct.unpack_from("<HH", stream, pos)
            at, pos = pos + 4, pos + 4 + size
            if kind == BOF:
                depth += 1
            elif kind == EOF:
                depth -= 1
                if depth <= 0:
                    break
            elif depth != 1:
                continue  # a chart's records inside the sheet
            elif kind in CELLS:
                row, column = struct.unpack_from("<HH", stream, at)
                last_row, last_column = max(last_row, row + 1), max(last_column, column + 1)
                if kind == FORMULA:
                    _formula(stream, at, size, (row + 1, column + 1), scan)
                elif kind == BOOLERR and stream[at + 7]:
                    scan.cells[(row + 1, column + 1)] = ERRORS.get(stream[at + 6], "#N/A")
            elif kind in (MULRK, MULBLANK):
                row, _first = struct.unpack_from("<HH", stream, at)
                (column,) = struct.unpack_from("<H", stream, at + size - 2)
                last_row, last_column = max(last_row, row + 1), max(last_column, column + 1)
            elif kind == DIMENSIONS:
                scan.stated_rows = struct.unpack_from("<I" if self.biff8 else "<H", stream,
                                                      at + (4 if self.biff8 else 2))[0]
        check_extent(f"Файл «{self.file_name}», лист «{title}»", last_row, last_column)
        return scan


def _formula(stream: bytes, at: int, size: int, cell: tuple[int, int], scan: SheetScan) -> None:
    """A formula cell; LibreOffice keeps a yes/no as a formula of one token (the constant TRUE
    or FALSE, or the function TRUE() or FALSE()): taken as the value, not refused."""
    tokens = stream[at + 22:at + size]
    (count,) = struct.unpack_from("<H", stream, at + 20)
    if count == 2 and len(tokens) >= 2 and tokens[0] == BOOL_TOKEN:
        scan.cells[cell] = bool(tokens[1])
        return
    if count == 3 and len(tokens) >= 3 and tokens[0] in FUNCTION_TOKENS:
        (function,) = struct.unpack_from("<H", tokens, 1)
        if function in YES_NO:
            scan.cells[cell] = YES_NO[function]
            return
    scan.formulas[cell] = ""
