"""Reading an exchange workbook's sheets (workbook.import_exchange takes the rows on): the
book told by its «Сведения» sheet, the format version, the table of sheets (rows and sheets of
each table) and its counts, a table's sheet and its continuations found or refused, the header
row mapped to the columns, every cell parsed by its column's type (a list's label, да/нет/«не
указано», a date, a date-time), formulas and texts too long refused, and a table's rows over its
sheets yielded as they are read, the empty cells filled with what they mean.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from datetime import datetime
from itertools import chain
from typing import Any

import openpyxl
from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Table

from desktop_app.exchange.book_file import BookFile, BookSheet, Formula
from desktop_app.exchange.book_spec import (
    FETCH_ROWS,
    INFO_HEADER,
    UNKNOWN_TEXT,
    Block,
    Rows,
    _grouped,
    _Ticker,
    carried_columns,
)
from desktop_app.exchange.cells import (
    EXACT_INTEGER,
    CellProblem,
    as_text,
    header_key,
    is_blank,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    shown,
    too_long,
)
from desktop_app.exchange.limits import CELL_TEXT_LIMIT, SHEET_ROWS
from desktop_app.exchange.reader import RowError
from desktop_app.exchange.result import PART_STRIDE, SheetOutcome
from desktop_app.exchange.schema import (
    ENUMS,
    FORMAT_VERSION,
    INFO_SHEET,
    INFO_TITLE,
    column_title,
    part_title,
)
from desktop_app.textutil import fold, person_key, person_sort_key


def is_exchange_workbook(wb: BookFile) -> bool:
    if INFO_SHEET not in wb:
        return False
    first: tuple[Any, ...] = next(wb[INFO_SHEET].iter_rows(max_row=1), ())
    return bool(first) and as_text(first[0]) == INFO_TITLE


def _check_version(wb: BookFile, info: SheetOutcome) -> bool:
    for row in wb[INFO_SHEET].iter_rows(max_row=10):
        if row and as_text(row[0]) == "Версия формата":
            try:
                version = parse_int(row[1])
            except (CellProblem, IndexError):
                version = -1
            if 1 <= version <= FORMAT_VERSION:
                return True
            info.fatal.append(RowError(INFO_SHEET, 2, "B", as_text(row[1] if len(row) > 1 else ""),
                                       f"версия формата {version} не поддерживается (программа "
                                       f"читает версии 1–{FORMAT_VERSION}); обновите Методактив"))
            return False
    info.fatal.append(RowError(INFO_SHEET, 2, "A", "", "не указана версия формата"))
    return False


def _listed_tables(wb: BookFile, info: SheetOutcome) -> dict[str, tuple[int | None, int]]:
    """(rows, sheets) of each table by the table of sheets on «Сведения»; a book of format 1
    has no «Листов» column: one sheet each. Rows None: a book without the «Строк» column (none
    of ours: every version wrote it) — its tables are read without the count check."""
    listed: dict[str, tuple[int | None, int]] = {}
    columns: dict[str, int] | None = None
    for number, row in enumerate(wb[INFO_SHEET].iter_rows(), start=1):
        texts = [as_text(v) for v in row]
        if columns is None:
            if texts[:2] == list(INFO_HEADER[:2]):
                columns = {t: i for i, t in enumerate(texts) if t in INFO_HEADER}
            continue
        name = texts[columns["Таблица"]] if len(texts) > columns["Таблица"] else ""
        if name:
            rows = (_info_count(row, columns, "Строк", None, number, info)
                    if "Строк" in columns else None)
            listed[name] = (rows, _info_count(row, columns, "Листов", 1, number, info))
    return listed


def _info_count(row: Any, columns: dict[str, int], title: str, empty: int | None, number: int,
                info: SheetOutcome) -> int:
    """A count of the table of sheets; empty: what a blank cell means (None: a blank is refused,
    as a count that is not a whole number from 0)."""
    index = columns.get(title)
    value = row[index] if index is not None and index < len(row) else None
    if is_blank(value) and empty is not None:
        return empty
    least = 0 if empty is None else empty
    try:
        count = -1 if is_blank(value) else parse_int(value)
    except CellProblem:
        count = -1
    if count < least:
        assert index is not None  # a missing column is blank, and blank is allowed then
        info.fatal.append(RowError(INFO_SHEET, number, openpyxl.utils.get_column_letter(
            index + 1) + f" ({title})", as_text(value), f"нужно целое число не меньше {least}"))
    return max(count, 0)


def _table_sheets(wb: BookFile, table: Table, parts: int, outcome: SheetOutcome) -> list[str]:
    """The titles of a table's sheets as «Сведения» counts them; a missing one (or one more
    than counted) refuses the book."""
    titles = [part_title(table.name, n) for n in range(1, parts + 1)]
    if titles[0] not in wb:
        outcome.fatal.append(RowError(titles[0], 1, "—", "", "в книге нет этого листа"))
        return []
    for title in titles[1:]:
        if title not in wb:
            outcome.fatal.append(RowError(
                title, 1, "—", "", f"в книге нет этого листа: по листу «{INFO_SHEET}» таблица "
                f"«{titles[0]}» занимает {_sheets(parts)}, продолжение не найдено"))
    extra = part_title(table.name, parts + 1)
    if extra in wb:
        outcome.fatal.append(RowError(
            extra, 1, "—", "", f"лист не указан на листе «{INFO_SHEET}»: там у таблицы "
            f"«{titles[0]}» {_sheets(parts)} (исправьте число в столбце «Листов»)"))
    return [] if outcome.fatal else titles


def _count_refusal(titles: list[str], found: list[int], stated: int) -> RowError:
    """A table whose rows over its sheets are not the number «Сведения» states: a sheet cut
    short, rows deleted or added by hand, a continuation sheet removed with its count."""
    read = sum(found)
    if len(titles) == 1:
        where = f"на листе «{titles[0]}» — {_grouped(read)}"
    else:
        where = f"на её листах — {_grouped(read)} (" + ", ".join(
            f"«{t}» — {_grouped(n)}" for t, n in zip(titles, found, strict=True)) + ")"
    why = ("книга неполная: строки удалены, лист обрезан или лист-продолжение удалён"
           if read < stated else "в книгу добавлены строки")
    return RowError(titles[0], 1, "—", "", f"по листу «{INFO_SHEET}» в таблице «{titles[0]}» "
                    f"строк данных {_grouped(stated)}, а {where}: {why}; выгрузите книгу "
                    "заново из исходной базы")


def _sheets(n: int) -> str:
    """«1 лист», «3 листа», «5 листов»."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} лист"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} листа"
    return f"{n} листов"


def _cell_parser(table: Table, column: Any) -> Callable[[Any], Any]:
    enum = ENUMS.get((table.name, column.name))
    if enum is not None:
        lookup = {fold(m.label): m.value for m in enum} | {m.value: m.value for m in enum}

        def parse_enum(value: Any) -> str:
            code = lookup.get(fold(value))
            if code is None:
                raise CellProblem(f"«{as_text(value)}» — нет в списке допустимых значений")
            return code
        return parse_enum
    if isinstance(column.type, Boolean):
        return _parse_maybe_bool if column.nullable else parse_bool
    if isinstance(column.type, DateTime):
        return _parse_datetime
    if isinstance(column.type, Date):
        return parse_date
    if isinstance(column.type, Integer):
        return _parse_whole
    if isinstance(column.type, Float):
        return parse_float
    return _text_cell


def _text_cell(value: Any) -> str:
    """A text column's value: a text as it is, anything else as text (_RowShape.read takes a
    text without calling this)."""
    return value if isinstance(value, str) else as_text(value)


def _parse_whole(value: Any) -> int:
    """parse_int, with the commonest case first: a whole number the reader gave as an int."""
    if value.__class__ is int and -EXACT_INTEGER < value < EXACT_INTEGER:
        return value
    return parse_int(value)


def _parse_maybe_bool(value: Any) -> bool | None:
    """да/нет, or «не указано» (None) where a yes/no may be not given."""
    return None if fold(value) == fold(UNKNOWN_TEXT) else parse_bool(value)


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(as_text(value))
    except ValueError:
        raise CellProblem(f"«{as_text(value)}» — не дата и время ГГГГ-ММ-ДД чч:мм:сс") from None


def _header_map(ws: BookSheet, table: Table, outcome: SheetOutcome,
                letters: dict[str, str]) -> list[Any] | None:
    header = next(ws.iter_rows(max_row=1), ())
    known = len(outcome.fatal)  # refusals of earlier sheets of the table do not count here
    by_title = {header_key(column_title(table.name, c.name)): c for c in carried_columns(table)}
    mapped: list[Any] = []
    for i, value in enumerate(header):
        if is_blank(value):
            mapped.append(None)
            continue
        column = by_title.get(header_key(value))
        if column is not None:
            letters[column.name] = openpyxl.utils.get_column_letter(i + 1)
        else:
            outcome.fatal.append(RowError(ws.title, 1, openpyxl.utils.get_column_letter(i + 1),
                                          shown(value), "неизвестный столбец"))
        mapped.append(column)
    # by identity: «==» of a column builds an SQL clause (with None: «IS NULL», no truth)
    missing = [c for c in by_title.values() if not any(m is c for m in mapped)]
    for column in missing:
        if not column.nullable and column.default is None and not column.primary_key:
            outcome.fatal.append(RowError(ws.title, 1, "—", "", "нет обязательного столбца «"
                                          f"{column_title(table.name, column.name)}»"))
    return None if len(outcome.fatal) > known else mapped


def _read_table(wb: BookFile, titles: list[str], table: Table, outcome: SheetOutcome,
                letters: dict[str, str], ticker: _Ticker, found: list[int]) -> Iterator[Rows]:
    """Every row of the table over its sheets, numbered part * PART_STRIDE + row (a generator:
    the rows are read as they are taken; a sheet of whole numbers gives Blocks of them, see
    _whole_rows); found gets the data rows of each sheet read through."""
    first: list[str | None] | None = None
    shape = _RowShape(table)
    for part, title in enumerate(titles):
        ws = wb[title]
        mapped = _header_map(ws, table, outcome, letters if part == 0 else {})
        if mapped is None:
            return
        names = [None if c is None else c.name for c in mapped]
        if first is None:
            first = names
        elif names != first:
            outcome.fatal.append(RowError(title, 1, "—", "", "заголовки листа-продолжения не "
                                          f"совпадают с заголовками листа «{titles[0]}»: нужны "
                                          "те же столбцы в том же порядке"))
            return
        ticker.say(f"лист «{title}»")
        cells = [(i, c.name, _cell_parser(table, c)) for i, c in enumerate(mapped)
                 if c is not None]
        offset = part * PART_STRIDE
        if shape.whole(cells) and (chunks := ws.raw_chunks(FETCH_ROWS)) is not None:
            whole = yield from _whole_rows(ws, shape, cells, outcome, offset, ticker, chunks)
            if whole is None:
                return
            found.append(whole)
            continue
        number = reported = 1
        data = 0
        for number, row in enumerate(ws.iter_rows(min_row=2), start=2):
            if number > SHEET_ROWS:  # read to the last row present, whatever the sheet states
                outcome.fatal.append(_beyond_sheet(title, number))
                return
            values = shape.read(title, number, row, cells, outcome)
            if values:
                data += 1
                yield offset + number, values
            if number - reported >= FETCH_ROWS:
                ticker.add(number - reported)
                reported = number
        ticker.add(number - reported)
        found.append(data)


def _whole_rows(ws: BookSheet, shape: _RowShape, cells: list[tuple[int, str, Any]],
                outcome: SheetOutcome, offset: int, ticker: _Ticker,
                chunks: Iterator[list[list[Any]]]) -> Generator[Rows, None, int | None]:
    """The rows of a sheet of whole numbers only, every column of its table on it in the
    table's order (the answers: 1,6 million rows of three numbers in a region's book), converted
    a chunk at a time (BookSheet.raw_chunks): a chunk of whole numbers, each row full, becomes
    one Block of them; any other chunk goes cell by cell as on any sheet (_RowShape.read), its
    refusals the same. Returns the data rows read; None: stopped at a row past a sheet's last."""
    names = tuple(name for _i, name, _parse in cells)
    width, title = len(names), ws.title
    number = data = 0  # the number of the row before the chunk; the data rows read
    for raw in chunks:
        if number == 0:  # the header
            raw, number = raw[1:], 1
        beyond = number + len(raw) > SHEET_ROWS
        if beyond:  # read to the last row present, whatever the sheet states
            raw = raw[:SHEET_ROWS - number]
        rows = _whole_numbers(raw, width)
        if rows is not None:
            data += len(rows)
            yield Block(offset + number + 1, names, rows)
        else:
            for at, values in enumerate(raw, start=number + 1):
                read = shape.read(title, at, ws.row(values, at), cells, outcome)
                if read:
                    data += 1
                    yield offset + at, read
        number += len(raw)
        ticker.add(len(raw))
        if beyond:
            outcome.fatal.append(_beyond_sheet(title, SHEET_ROWS + 1))
            return None
    return data


def _whole_numbers(raw: list[list[Any]], width: int) -> list[tuple[int, ...]] | None:
    """The rows as tuples of ints when every row has width cells and every cell holds a whole
    number (a float or an int, within EXACT_INTEGER); None otherwise."""
    if not raw or set(map(len, raw)) != {width}:
        return None
    flat = list(chain.from_iterable(raw))
    if not set(map(type, flat)) <= {float, int}:  # an empty cell (""), a text, a date, a bool
        return None
    try:
        whole = list(map(int, flat))
    except (ValueError, OverflowError):  # nan, inf
        return None
    if whole != flat or max(whole) >= EXACT_INTEGER or min(whole) <= -EXACT_INTEGER:
        return None
    cells = iter(whole)
    return list(zip(*[cells] * width, strict=True))


def _beyond_sheet(title: str, number: int) -> RowError:
    return RowError(title, number, "—", "", "строка за пределом листа Excel "
                    f"({_grouped(SHEET_ROWS)} строк): такого листа Excel не пишет — книга "
                    "повреждена; выгрузите её заново из исходной базы")


class _RowShape:
    """What a row of a table becomes: the cells read, the empty columns filled with what an
    empty cell means, the people's derived keys added."""

    def __init__(self, table: Table) -> None:
        self.table = table
        # every column with what its empty cell means: a row starts as a copy of it
        self.empty = {c.name: _empty_value(c) for c in carried_columns(table)}
        self.people = table.name == "people"

    def whole(self, cells: list[tuple[int, str, Any]]) -> bool:
        """Whether the cells read are every column of the table, in its order, on the sheet's
        first columns, each a whole number (the rows can be read a chunk at a time)."""
        return (not self.people and [n for _i, n, _p in cells] == list(self.empty)
                and [i for i, _n, _p in cells] == list(range(len(cells)))
                and all(parse is _parse_whole for _i, _n, parse in cells))

    def read(self, sheet: str, number: int, row: Any, cells: list[tuple[int, str, Any]],
             outcome: SheetOutcome) -> dict[str, Any] | None:
        """The row's values by column (None: no value read); what a cell cannot be goes to
        outcome.fatal. Two million rows of a region's book pass here: a text of a text column
        is taken without a call."""
        values: dict[str, Any] | None = None
        width = len(row)
        for i, name, parse in cells:
            if i >= width:
                break
            value = row[i]
            if value is None:
                continue
            if value.__class__ is str:
                if not value:
                    continue
                if len(value) > CELL_TEXT_LIMIT:  # never cut: refused
                    outcome.fatal.append(RowError(sheet, number, self._where(i, name),
                                                  shown(value), too_long(value) or ""))
                    continue
                if parse is _text_cell:
                    if values is None:
                        values = self.empty.copy()
                    values[name] = value
                    continue
            elif value.__class__ is Formula:
                outcome.fatal.append(RowError(sheet, number, self._where(i, name),
                                              as_text(value), "формула"))
                continue
            try:
                parsed = parse(value)
            except CellProblem as exc:
                outcome.fatal.append(RowError(sheet, number, self._where(i, name),
                                              as_text(value), str(exc)))
                continue
            if values is None:
                values = self.empty.copy()
            values[name] = parsed
        if values is None:
            return None
        if self.people:
            names = values["last_name"], values["first_name"], values["middle_name"]
            values["search_key"] = person_key(*names)
            values["sort_key"] = person_sort_key(*names)
        return values

    def _where(self, i: int, name: str) -> str:
        return f"{openpyxl.utils.get_column_letter(i + 1)} ({column_title(self.table.name, name)})"


def _empty_value(column: Any) -> Any:
    """What an empty cell means: NULL where allowed, else the column default (text: "")."""
    if column.nullable:
        return None
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return default.arg
    return None if isinstance(column.type, Integer | Float | Date | DateTime | Boolean) else ""
