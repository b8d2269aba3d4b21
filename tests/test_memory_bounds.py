"""Memory bounded by design: a file whose sheet, cell, row or shared strings table would swell
past a stated limit (exchange/limits.py) is refused before memory grows — a clear Russian
refusal, exit code 1, the database unchanged.

The files are real xlsx books (written by openpyxl) with a part made huge in the zip: 900 MB of
spaces compressed to under 1 MB, one cell of 100 MB of spaces. The imports run in a child
process under an address-space ceiling (Linux: RLIMIT_AS), which a normal import stays far
under; before the limits such a file took 1–2 GB.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest

from desktop_app.cli import main
from desktop_app.exchange import limits
from desktop_app.exchange.xmlguard import PartGuard
from tests.test_exchange_roundtrip import db_digest

MB = 1024 * 1024
# The address space the child may take: a normal import of a form needs about 90 MB (30 000
# people: 170 MB), a copy of the region's exchange book about 300 MB.
CEILING = 600 * MB
HEADER = ["Краткое наименование", "Полное наименование"]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="RLIMIT_AS is measured on Linux")


def small_form(path: Path, rows: int = 3) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Организации"
    ws.append(HEADER)
    for i in range(1, rows + 1):
        ws.append([f"МБОУ СОШ № {i}", f"School {i}"])  # ASCII: found as is in the XML
    wb.save(path)
    return path


def swollen(form: Path, out: Path, at: bytes, filler: Callable[[], Iterator[bytes]],
            part: str = "xl/worksheets/sheet1.xml", before: bool = True) -> Path:
    """A copy of form whose part has the filler's bytes put in just before (or after) the
    first `at`, written to the zip as a stream (never held in memory)."""
    with zipfile.ZipFile(form) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename != part:
                zout.writestr(item, data)
                continue
            cut = data.index(at) + (0 if before else len(at))
            with zout.open(item.filename, "w") as sink:
                sink.write(data[:cut])
                for chunk in filler():
                    sink.write(chunk)
                sink.write(data[cut:])
    return out


def spaces(total: int) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        block = b" " * MB
        for _ in range(total // MB):
            yield block
    return chunks


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """900 MB of spaces between two rows; one cell of 100 MB of spaces."""
    folder = tmp_path_factory.mktemp("bombs")
    form = small_form(folder / "form.xlsx")
    between = swollen(form, folder / "between.xlsx", b'<row r="3"', spaces(900 * MB))
    cell = swollen(form, folder / "cell.xlsx", b"School 3", spaces(100 * MB),
                   before=False)
    return {"form": form, "between": between, "cell": cell}


@pytest.fixture
def base(tmp_path: Path) -> Path:
    path = tmp_path / "base.sqlite"
    assert main(["--db", str(path), "init"]) == 0
    return path


CHILD = textwrap.dedent("""
    import resource, sys
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    ratio = int(sys.argv[2])
    if ratio:  # the zip check switched off: the limits met while the XML is read must hold
        import desktop_app.exchange.safe as safe
        safe.MAX_RATIO = ratio
    from desktop_app.cli import main
    sys.exit(main(sys.argv[3:]))
""")


def import_under_ceiling(base: Path, book: Path, home: Path,
                         ratio: int = 0) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "METODAKTIV_HOME": str(home), "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(CEILING), str(ratio), "--db", str(base), "import",
         str(book)], capture_output=True, text=True, encoding="utf-8", env=env, timeout=600,
        cwd=root, check=False)


def refused(base: Path, book: Path, home: Path, *words: str, ratio: int = 0) -> str:
    before = db_digest(base)
    done = import_under_ceiling(base, book, home, ratio)
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr[-3000:])
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert "непредвиденная ошибка" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr
    assert db_digest(base) == before
    return done.stderr


@linux_only
def test_a_normal_import_fits_under_the_ceiling(base: Path, bombs: dict[str, Path],
                                                data_home: Path) -> None:
    done = import_under_ceiling(base, bombs["form"], data_home)
    assert done.returncode == 0, done.stderr
    assert "добавлено 3" in done.stdout


@linux_only
def test_900_mb_of_spaces_refused_before_reading(base: Path, bombs: dict[str, Path],
                                                 data_home: Path) -> None:
    assert bombs["between"].stat().st_size < 2 * MB
    err = refused(base, bombs["between"], data_home, "Файл «between.xlsx», лист «Организации»",
                  "после распаковки 900,0 МБ", "искусственно раздут")
    assert "не больше чем в 200 раз" in err


@linux_only
def test_a_cell_of_100_mb_refused_before_reading(base: Path, bombs: dict[str, Path],
                                                 data_home: Path) -> None:
    refused(base, bombs["cell"], data_home, "Файл «cell.xlsx», лист «Организации»",
            "искусственно раздут")


@linux_only
def test_a_cell_of_100_mb_refused_while_read(base: Path, bombs: dict[str, Path],
                                             data_home: Path) -> None:
    """The zip check switched off (as for a file that compresses poorly): the cell is refused
    as soon as its text passes 1 MB, naming its sheet, row and column."""
    refused(base, bombs["cell"], data_home, "Файл «cell.xlsx», лист «Организации», строка 4, "
            "столбец B: в ячейке больше 1,0 МБ текста", "не больше 32767 знаков",
            ratio=10**9)


@linux_only
def test_900_mb_of_spaces_refused_while_read(base: Path, bombs: dict[str, Path],
                                             data_home: Path) -> None:
    refused(base, bombs["between"], data_home, "Файл «between.xlsx», лист «Организации» "
            "(после строки 2): больше 1,0 МБ текста или пробелов подряд вне ячеек",
            ratio=10**9)


# the limits met while a part is read (every platform) ------------------------------------
def noise(total: int, seed: int = 5) -> Callable[[], Iterator[bytes]]:
    """Random letters: text that does not compress like a bomb."""
    def chunks() -> Iterator[bytes]:
        rng = random.Random(seed)
        for _ in range(total // MB):
            yield bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(MB))
    return chunks


def cells(count: int, row: int) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        letters = [openpyxl.utils.get_column_letter(c) for c in range(3, 16_385)]
        out = []
        for i in range(count):
            out.append(f'<c r="{letters[i % len(letters)]}{row}"/>'.encode())
            if len(out) == 10_000:
                yield b"".join(out)
                out = []
        yield b"".join(out)
    return chunks


def test_a_long_cell_that_compresses_poorly(base: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    book = swollen(small_form(tmp_path / "f.xlsx"), tmp_path / "noise.xlsx",
                   b"School 3", noise(2 * MB), before=False)
    before = db_digest(base)
    capsys.readouterr()
    assert main(["--db", str(base), "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert ("Файл «noise.xlsx», лист «Организации», строка 4, столбец B: в ячейке больше "
            "1,0 МБ текста, а в ячейку Excel помещается не больше 32767 знаков") in err, err
    assert db_digest(base) == before


def test_a_row_of_300_000_cells(base: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    book = swollen(small_form(tmp_path / "f.xlsx"), tmp_path / "wide.xlsx", b'<row r="3"',
                   cells(300_000, 2), before=True)
    # put in row 2, just before it ends: «</row><row r="3"» → the cells close row 2
    before = db_digest(base)
    capsys.readouterr()
    assert main(["--db", str(base), "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert ("Файл «wide.xlsx», лист «Организации», строка 2: больше 200\u00a0000 тегов "
            "(ячеек) подряд в одной строке") in err, err
    assert db_digest(base) == before


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml."


def shared_strings_book(path: Path, rows: list[list[str]]) -> Path:
    """An xlsx whose text is in a shared strings table, as Excel and LibreOffice write it
    (openpyxl writes text into the cells)."""
    strings: list[str] = []
    xml_rows = []
    for r, values in enumerate(rows, start=1):
        cells_xml = "".join(f'<c r="{openpyxl.utils.get_column_letter(c)}{r}" t="s"><v>'
                            f"{len(strings) + c - 1}</v></c>" for c in range(1, len(values) + 1))
        strings += values
        xml_rows.append(f'<row r="{r}">{cells_xml}</row>')
    si = "".join(f"<si><t>{s}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{TYPES}sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{TYPES}worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" '
            f'ContentType="{TYPES}sharedStrings+xml"/></Types>'),
        "_rels/.rels": (f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
                        f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
                        "</Relationships>"),
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet '
                            'name="Организации" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/worksheets/sheet1.xml": (f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(xml_rows)}'
                                     "</sheetData></worksheet>"),
        "xl/sharedStrings.xml": (f'<sst xmlns="{MAIN}" count="{len(strings)}" '
                                 f'uniqueCount="{len(strings)}">{si}</sst>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return path


def test_shared_strings_book_is_read(base: Path, tmp_path: Path) -> None:
    book = shared_strings_book(tmp_path / "sst.xlsx", [HEADER, ["МБОУ СОШ № 1", "Школа"]])
    assert main(["--db", str(base), "import", str(book)]) == 0


def test_shared_strings_past_their_limit(base: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """The shared strings table is held whole in memory: past its limit (lowered here to
    1 MB) the file is refused before it is opened."""
    monkeypatch.setattr("desktop_app.exchange.safe.MAX_SHARED_STRINGS_BYTES", MB)
    rows = [HEADER] + [[f"МБОУ СОШ № {i}", f"Средняя школа № {i}"] for i in range(1, 20_001)]
    book = shared_strings_book(tmp_path / "sst.xlsx", rows)
    with zipfile.ZipFile(book) as z:
        size = z.getinfo("xl/sharedStrings.xml").file_size
    assert size > MB
    before = db_digest(base)
    capsys.readouterr()
    assert main(["--db", str(base), "import", str(book)]) == 1
    err = capsys.readouterr().err
    shown = f"{size / MB:.1f}".replace(".", ",")
    assert (f"Файл «sst.xlsx», общая таблица строк (xl/sharedStrings.xml): {shown} МБ текста в "
            "общей таблице строк — больше 1,0 МБ") in err, err
    assert db_digest(base) == before


def test_a_long_shared_string(base: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    book = shared_strings_book(tmp_path / "sst.xlsx", [HEADER, ["МБОУ СОШ № 1", "Школа"]])
    book = swollen(book, tmp_path / "long.xlsx", "Школа".encode(), noise(2 * MB),
                   part="xl/sharedStrings.xml", before=False)
    capsys.readouterr()
    assert main(["--db", str(base), "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert ("Файл «long.xlsx», общая таблица строк (xl/sharedStrings.xml), строка общей "
            "таблицы № 4: больше 1,0 МБ текста") in err, err


def test_a_part_read_whole_past_its_limit(base: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """styles.xml is read whole by openpyxl: past its limit (lowered here to 1 MB) it is
    refused before it is read."""
    monkeypatch.setattr("desktop_app.exchange.safe.MAX_PART_BYTES", MB)

    def comment() -> Iterator[bytes]:
        yield b"<!--"
        yield from noise(2 * MB)()
        yield b"-->"
    book = swollen(small_form(tmp_path / "f.xlsx"), tmp_path / "styles.xlsx", b"<numFmts",
                   comment, part="xl/styles.xml")
    capsys.readouterr()
    assert main(["--db", str(base), "import", str(book)]) == 1
    err = capsys.readouterr().err
    assert ("Файл «styles.xlsx», часть xl/styles.xml: 2,0 МБ после распаковки — больше 1,0 МБ"
            in err), err


# the guard itself, fed in slices of every size ---------------------------------------------
def feed(data: bytes, step: int) -> PartGuard:
    def refuse(message: str) -> None:
        raise ValueError(message)
    guard = PartGuard("лист «Т»", refuse)  # type: ignore[arg-type]
    for start in range(0, len(data), step):
        guard.feed(data[start:start + step])
    guard.end()
    return guard


def sheet(rows: list[bytes]) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<x:sheetData>" + b"".join(rows) + b"</x:sheetData></x:worksheet>")


def row(number: int, width: int) -> bytes:
    return (f'<x:row r="{number}">'.encode()
            + b"".join(f'<x:c r="A{number}"><x:v>{i}</x:v></x:c>'.encode() for i in range(width))
            + b"</x:row>")


@pytest.mark.parametrize("step", [1, 3, 7, 64, 4096, 1 << 20])
def test_guard_counts_rows_across_slices(step: int) -> None:
    data = sheet([row(n, 40) for n in range(1, 301)])
    guard = feed(data, step)
    assert guard.row == 300 and guard.unit == b"<x:row"


@pytest.mark.parametrize("step", [5, 4096, 1 << 20])
def test_guard_refuses_a_wide_row_across_slices(step: int, monkeypatch: pytest.MonkeyPatch
                                                ) -> None:
    monkeypatch.setattr("desktop_app.exchange.xmlguard.MAX_ROW_TAGS", 1000)
    data = sheet([row(1, 10), row(2, 400), row(3, 10)])
    with pytest.raises(ValueError, match="строка 2: больше 1\u00a0000 тегов"):
        feed(data, step)


@pytest.mark.parametrize("step", [2, 9, 4096])
def test_guard_is_not_fooled_by_rows_in_cdata_or_comments(step: int,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """A «<x:row» inside CDATA or a comment does not begin a row: the count goes on."""
    monkeypatch.setattr("desktop_app.exchange.xmlguard.MAX_ROW_TAGS", 1000)
    fake = b"<![CDATA[<x:row r='9'>]]><!-- <x:row r='8'> -->"
    cells_ = b"".join(f'<x:c r="A1"><x:v>{i}</x:v></x:c>'.encode() + (fake if i % 50 == 0
                                                                      else b"")
                      for i in range(400))
    with pytest.raises(ValueError, match="строка 1: больше"):
        feed(sheet([b'<x:row r="1">' + cells_ + b"</x:row>"]), step)
    feed(sheet([row(n, 40) + fake for n in range(1, 40)]), step)  # real rows still count


@pytest.mark.parametrize("step", [1, 5, 4096])
def test_guard_run_limit_is_exact(step: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("desktop_app.exchange.xmlguard.MAX_RUN_BYTES", 100)
    text = b'<x:row r="7"><x:c r="C7" t="inlineStr"><x:is><x:t>'
    feed(sheet([text + b"a" * 100 + b"</x:t></x:is></x:c></x:row>"]), step)
    with pytest.raises(ValueError, match="строка 7, столбец C: в ячейке больше"):
        feed(sheet([text + b"a" * 101 + b"</x:t></x:is></x:c></x:row>"]), step)
    with pytest.raises(ValueError, match="после строки 7.*вне ячеек"):
        feed(sheet([row(7, 2) + b" " * 101]), step)
    assert limits.MAX_RUN_BYTES >= limits.CELL_TEXT_LIMIT * 10  # character references fit
