"""The exchange workbook: every table on its own sheet, Russian headers, a format version."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import openpyxl
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    func,
    insert,
    or_,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app import __version__
from desktop_app.exchange.book_values import (
    UniqueRows,
    ValueChecks,
    chunks,
    dangling_refusal,
    integrity_refusal,
    unique_keys,
)
from desktop_app.exchange.cells import (
    CellProblem,
    as_text,
    date_cell,
    header_cell,
    header_key,
    is_blank,
    parse_bool,
    parse_date,
    parse_float,
    parse_int,
    shown,
    text_cell,
    too_long,
)
from desktop_app.exchange.limits import CELL_TEXT_LIMIT, SHEET_ROWS
from desktop_app.exchange.merge import DuplicatePeople, merge_book
from desktop_app.exchange.reader import RowError
from desktop_app.exchange.result import ADDED, PART_STRIDE, ImportResult, SheetOutcome
from desktop_app.exchange.safe import ExchangeError
from desktop_app.exchange.schema import (
    DERIVED_COLUMNS,
    ENUMS,
    FORMAT_VERSION,
    INFO_SHEET,
    INFO_TITLE,
    REGISTRY_TABLES,
    SINGLE_SHEET_VERSION,
    SKIPPED_TABLES,
    column_title,
    part_title,
    sheet_title,
)
from desktop_app.model import Base
from desktop_app.services import changelog, validation
from desktop_app.services.diagnostics import store_area_scores
from desktop_app.store.database import Database
from desktop_app.store.leftovers import written_whole
from desktop_app.textutil import fold, person_key, person_sort_key

DATETIME_TEXT = "%Y-%m-%d %H:%M:%S.%f"
# A yes/no that may be not given (people.education_pedagogical): written and read as such.
UNKNOWN_TEXT = "не указано"
# The table of sheets on «Сведения»: first sheet, table, rows, sheets (with its continuations).
INFO_HEADER = ("Лист", "Таблица", "Строк", "Листов")
Progress = Callable[[int, int, str], None]
Row = tuple[int, dict[str, Any]]  # a row of a table: its number (see PART_STRIDE), its values


def exchange_tables() -> list[Table]:
    """The tables carried, parents before children."""
    return [t for t in Base.metadata.sorted_tables if t.name not in SKIPPED_TABLES]


def carried_columns(table: Table) -> list[Any]:
    return [c for c in table.columns if (table.name, c.name) not in DERIVED_COLUMNS]


# export ---------------------------------------------------------------------------------------
# Rows an xlsx sheet holds, its header included (Excel and LibreOffice: 1 048 576). A longer table
# continues on sheets «… (2)», «… (3)», each with the same header row. Tests lower it.
SHEET_ROW_LIMIT = 1_048_576
FETCH_ROWS = 5000  # rows fetched from the database at a time (and between progress reports)
WRITE_ROWS = 5000  # rows of a table written at a time when a book is loaded (a copy)


def export_all(db: Database, out: Path, now: datetime | None = None,
               progress: Progress | None = None) -> dict[str, int]:
    """Write the whole database to an exchange workbook; returns rows written per table.

    progress(done, total, label), if given, hears the rows written so far."""
    now = now or datetime.now().replace(microsecond=0)
    wb = openpyxl.Workbook(write_only=True)
    counts: dict[str, int] = {}
    parts: dict[str, int] = {}
    info = wb.create_sheet(INFO_SHEET)
    with db.sessions() as session:
        _check_lengths(session)
        ticker = _Ticker(progress, _database_rows(session) if progress else 0)
        for table in exchange_tables():
            counts[table.name], parts[table.name] = _export_table(wb, session, table, ticker)
    _write_info(info, now, counts, parts)
    ticker.say("сохранение файла")
    with written_whole(out) as partial:  # removed on any error (a full disk): out as it was
        wb.save(partial)
    return counts


TOO_LONG_SHOWN = 20  # texts too long for a cell that a refused export names


def _check_lengths(session: Session) -> None:
    """Refuse the export of a text longer than a cell holds (CELL_TEXT_LIMIT): the book would
    cut it without a word (openpyxl and Excel do), and the copy made of it would differ."""
    found: list[str] = []
    for table in exchange_tables():
        texts = [c for c in carried_columns(table)
                 if isinstance(c.type, String) and (table.name, c.name) not in ENUMS]
        if not texts or len(found) >= TOO_LONG_SHOWN:
            continue
        key = list(table.primary_key.columns)
        longer = or_(*(func.length(c) > CELL_TEXT_LIMIT for c in texts))
        rows = session.execute(select(*key, *texts).where(longer).limit(TOO_LONG_SHOWN))
        for row in rows:
            code = "/".join(str(v) for v in row[:len(key)])
            for column, value in zip(texts, row[len(key):], strict=True):
                if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT:
                    found.append(f"лист «{sheet_title(table.name)}», код записи {code}, столбец "
                                 f"«{column_title(table.name, column.name)}» — "
                                 f"{_grouped(len(value))} знаков")
    if found:
        raise ExchangeError(
            f"Выгрузка не сделана: в ячейку Excel помещается не больше "
            f"{_grouped(CELL_TEXT_LIMIT)} знаков, а эти тексты длиннее (книга обрезала бы их): "
            + "; ".join(found[:TOO_LONG_SHOWN]) + ". Сократите их в программе и выгрузите "
            "базу снова.")


def _database_rows(session: Session) -> int:
    return sum(int(session.scalar(select(func.count()).select_from(t)) or 0)
               for t in exchange_tables())


class _Ticker:
    """Rows done so far, passed on to a progress(done, total, label) callback if there is one."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done, self.label = progress, total, 0, ""

    def say(self, label: str) -> None:
        self.label = label
        if self.progress is not None:
            self.progress(self.done, self.total, label)

    def add(self, rows: int) -> None:
        self.done += rows
        if self.progress is not None:
            self.progress(self.done, self.total, self.label)


def _write_info(ws: Any, now: datetime, counts: dict[str, int], parts: dict[str, int]) -> None:
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 40
    version = FORMAT_VERSION if any(n > 1 for n in parts.values()) else SINGLE_SHEET_VERSION
    ws.append([header_cell(ws, INFO_TITLE)])
    ws.append(["Версия формата", version])
    ws.append(["Версия программы", __version__])
    ws.append(["Дата выгрузки", date_cell(ws, now)])
    ws.append([])
    ws.append([header_cell(ws, t) for t in INFO_HEADER])
    for name, count in counts.items():
        ws.append([sheet_title(name), name, count, parts[name]])


def _converters(ws: Any, table: Table) -> list[Callable[[Any], Any]]:
    out: list[Callable[[Any], Any]] = []
    for column in carried_columns(table):
        enum = ENUMS.get((table.name, column.name))
        if enum is not None:
            labels = {m.value: m.label for m in enum}

            def labelled(v: Any, labels: dict[str, str] = labels) -> Any:
                return None if v is None else text_cell(ws, labels.get(v, v))

            out.append(labelled)
        elif isinstance(column.type, Boolean):
            out.append(_yes_no_unknown if column.nullable else _yes_no)
        elif isinstance(column.type, DateTime):
            out.append(lambda v: None if v is None else v.strftime(DATETIME_TEXT))
        elif isinstance(column.type, Date):
            out.append(lambda v: None if v is None else date_cell(ws, v))
        elif isinstance(column.type, Integer | Float):
            out.append(lambda v: v)
        else:
            out.append(lambda v: None if v is None or v == "" else text_cell(ws, v))
    return out


def _export_table(wb: Any, session: Session, table: Table, ticker: _Ticker) -> tuple[int, int]:
    """Write one table on as many sheets as it needs; returns (rows, sheets)."""
    columns = carried_columns(table)
    result = session.execute(select(*columns).order_by(*table.primary_key.columns))
    per_sheet = SHEET_ROW_LIMIT - 1
    pending = result.fetchmany(FETCH_ROWS)
    count = part = 0
    while part == 0 or pending:
        part += 1
        ticker.say(f"лист «{part_title(table.name, part)}»")
        ws = _table_sheet(wb, table, part, columns)
        convert = _converters(ws, table)
        room = per_sheet
        while pending and room:
            take = pending if len(pending) <= room else pending[:room]
            for row in take:
                ws.append([f(v) for f, v in zip(convert, row, strict=True)])
            room -= len(take)
            count += len(take)
            ticker.add(len(take))
            pending = pending[len(take):] or result.fetchmany(FETCH_ROWS)
    return count, part


def _table_sheet(wb: Any, table: Table, part: int, columns: list[Any]) -> Any:
    """A new sheet of the table (part 1 — its own, 2… — continuations) with the header row."""
    ws = wb.create_sheet(part_title(table.name, part))
    ws.freeze_panes = "A2"
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = _width(column)
    ws.append([header_cell(ws, column_title(table.name, c.name)) for c in columns])
    return ws


def _width(column: Any) -> int:
    if isinstance(column.type, Date):
        return 12
    if isinstance(column.type, Integer | Float | Boolean):
        return 10
    return 24


# import ---------------------------------------------------------------------------------------
def is_exchange_workbook(wb: Any) -> bool:
    if INFO_SHEET not in wb.sheetnames:
        return False
    first: tuple[Any, ...] = next(wb[INFO_SHEET].iter_rows(max_row=1, values_only=True), ())
    return bool(first) and as_text(first[0]) == INFO_TITLE


def import_exchange(session: Session, wb: Any, result: ImportResult, merge: bool = False,
                    progress: Progress | None = None, file_name: str = "") -> None:
    """Load an exchange workbook: a copy into a new database, else merged into its data.

    A new database (no ОО, no people) becomes an exact copy of the book (its presets replaced by
    the book's) unless merge; otherwise the book is merged (exchange/merge.py): records matched
    by their natural keys, the rest added with new ids, this database's settings kept. A table
    is read across its continuation sheets as one. Tables are read parents first; a copy writes
    each table as it is read (a few thousand rows at a time), a merge keeps the book's rows and
    merges them once all are checked. Every bad cell of the book is reported: after the first
    one nothing more is written and the caller rolls the transaction back. progress(done,
    total, label) hears the rows read (the total from «Сведения»). The rows written are logged
    in change_log with the source «Обмен: file_name» (a copy) or «Объединение: file_name» (a
    merge).
    """
    info = SheetOutcome(INFO_SHEET, "exchange", "книга обмена")
    result.sheets.append(info)
    if not _check_version(wb, info):
        return
    listed = _listed_tables(wb, info)
    if info.fatal:
        return
    ticker = _Ticker(progress, sum(rows or 0 for rows, _parts in listed.values()))
    copy = _is_new(session) and not merge
    changelog.set_source(session, changelog.file_source(
        changelog.EXCHANGE_SOURCE if copy else changelog.MERGE_SOURCE, file_name))
    checks = _Checks()

    def refused() -> bool:
        return checks.found or any(o.fatal for o in result.sheets)

    sink: _Copy | _Collect = _Copy(session, info, refused) if copy else _Collect()
    outcomes: dict[str, SheetOutcome] = {}
    for table in exchange_tables():
        title = sheet_title(table.name)
        outcome = SheetOutcome(title, table.name, title)
        result.sheets.append(outcome)
        outcomes[table.name] = outcome
        letters: dict[str, str] = {}
        stated, parts = listed.get(table.name, (None, 1))
        titles = _table_sheets(wb, table, parts, outcome)
        outcome.continued = titles[1:]
        found: list[int] = []  # data rows read on each sheet read through
        rows = (_read_table(wb, titles, table, outcome, letters, ticker, found) if titles
                else iter(()))
        checker = checks.table(table, outcome, letters)
        sink.table(table, outcome, checker.rows(rows))
        checker.finish()
        outcome.read = sum(found)  # the summary of a refused book tells the rows read
        if titles and len(found) == len(titles) and stated is not None and sum(found) != stated:
            outcome.fatal.append(_count_refusal(titles, found, stated))
    checks.finish()
    if refused():
        for outcome in outcomes.values():
            outcome.actions.clear()  # a refused book adds nothing (the caller rolls back)
        return
    ticker.say("запись в базу")
    if isinstance(sink, _Copy):
        sink.finish()
    else:
        _merge(session, sink.parsed, outcomes, info)


def _check_version(wb: Any, info: SheetOutcome) -> bool:
    for row in wb[INFO_SHEET].iter_rows(max_row=10, values_only=True):
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


def _listed_tables(wb: Any, info: SheetOutcome) -> dict[str, tuple[int | None, int]]:
    """(rows, sheets) of each table by the table of sheets on «Сведения»; a book of format 1
    has no «Листов» column: one sheet each. Rows None: a book without the «Строк» column (none
    of ours: every version wrote it) — its tables are read without the count check."""
    listed: dict[str, tuple[int | None, int]] = {}
    columns: dict[str, int] | None = None
    for number, row in enumerate(wb[INFO_SHEET].iter_rows(values_only=True), start=1):
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


def _table_sheets(wb: Any, table: Table, parts: int, outcome: SheetOutcome) -> list[str]:
    """The titles of a table's sheets as «Сведения» counts them; a missing one (or one more
    than counted) refuses the book."""
    titles = [part_title(table.name, n) for n in range(1, parts + 1)]
    if titles[0] not in wb.sheetnames:
        outcome.fatal.append(RowError(titles[0], 1, "—", "", "в книге нет этого листа"))
        return []
    for title in titles[1:]:
        if title not in wb.sheetnames:
            outcome.fatal.append(RowError(
                title, 1, "—", "", f"в книге нет этого листа: по листу «{INFO_SHEET}» таблица "
                f"«{titles[0]}» занимает {_sheets(parts)}, продолжение не найдено"))
    extra = part_title(table.name, parts + 1)
    if extra in wb.sheetnames:
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


def _grouped(n: int) -> str:
    """1600000 → «1 600 000» (thousands apart by a non-breaking space, as in Russian)."""
    return f"{n:,}".replace(",", "\u00a0")


def _sheets(n: int) -> str:
    """«1 лист», «3 листа», «5 листов»."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} лист"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} листа"
    return f"{n} листов"


def _is_new(session: Session) -> bool:
    """A database without ОО and people (a new one, with only its presets)."""
    return not any(session.scalar(select(func.count()).select_from(Base.metadata.tables[name]))
                   for name in REGISTRY_TABLES)


def _merge(session: Session, parsed: dict[str, list[tuple[int, dict[str, Any]]]],
           outcomes: dict[str, SheetOutcome], info: SheetOutcome) -> None:
    try:
        scored = merge_book(session, exchange_tables(), parsed, outcomes)
        session.flush()
        if scored:
            store_area_scores(session, sorted(scored))  # derived from the answers just added
    except IntegrityError as exc:
        info.fatal.append(integrity_refusal(exc))


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
        return parse_int
    if isinstance(column.type, Float):
        return parse_float
    return lambda v: v if isinstance(v, str) else as_text(v)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else "да" if value else "нет"


def _yes_no_unknown(value: bool | None) -> str | None:
    """A yes/no that may be not given: None is written «не указано», not left blank."""
    return UNKNOWN_TEXT if value is None else _yes_no(value)


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


def _header_map(ws: Any, table: Table, outcome: SheetOutcome,
                letters: dict[str, str]) -> list[Any] | None:
    header = next(ws.iter_rows(max_row=1, values_only=True), ())
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


def _read_table(wb: Any, titles: list[str], table: Table, outcome: SheetOutcome,
                letters: dict[str, str], ticker: _Ticker, found: list[int]) -> Iterator[Row]:
    """Every row of the table over its sheets, numbered part * PART_STRIDE + row (a generator:
    the rows are read as they are taken); found gets the data rows of each sheet read through."""
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


def _beyond_sheet(title: str, number: int) -> RowError:
    return RowError(title, number, "—", "", "строка за пределом листа Excel "
                    f"({_grouped(SHEET_ROWS)} строк): такого листа Excel не пишет — книга "
                    "повреждена; выгрузите её заново из исходной базы")


class _RowShape:
    """What a row of a table becomes: the cells read, the empty columns filled with what an
    empty cell means, the people's derived keys added."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.empty = [(c.name, _empty_value(c)) for c in carried_columns(table)]
        self.people = table.name == "people"

    def read(self, sheet: str, number: int, row: Any, cells: list[tuple[int, str, Any]],
             outcome: SheetOutcome) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        width = len(row)
        for i, name, parse in cells:
            if i >= width:
                break
            cell = row[i]
            value = cell.value
            if value is None or (value.__class__ is str and value == ""):
                continue
            if cell.data_type == "f":
                outcome.fatal.append(RowError(sheet, number, self._where(i, name),
                                              as_text(value), "формула"))
                continue
            if value.__class__ is str and len(value) > CELL_TEXT_LIMIT:  # never cut: refused
                outcome.fatal.append(RowError(sheet, number, self._where(i, name),
                                              shown(value), too_long(value) or ""))
                continue
            try:
                values[name] = parse(value)
            except CellProblem as exc:
                outcome.fatal.append(RowError(sheet, number, self._where(i, name),
                                              as_text(value), str(exc)))
        if not values:
            return None
        for name, empty in self.empty:
            if name not in values:
                values[name] = empty
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


class _Checks:
    """The checks across the book's tables, made as the rows are read, parents first: every
    value by the rules of the forms (book_values.py, services/validation.py, on the day on),
    every reference names a record of the book itself (ids are the book's, not a database's),
    a record code or a unique value is not repeated, one person is not on two rows. Only the
    ids of the referenced tables (and the scales of the instruments) are kept."""

    def __init__(self, on: date | None = None) -> None:
        self.on = on or date.today()
        self.scales = validation.Scales()  # the instruments' scales, for the answers' scores
        self.referred: dict[str, set[str]] = {}  # table → its columns other tables refer to
        for t in exchange_tables():
            for c in carried_columns(t):
                for fk in c.foreign_keys:
                    self.referred.setdefault(fk.column.table.name, set()).add(fk.column.name)
        # (table, column) → the book's values (a record code's: with its row)
        self.ids: dict[tuple[str, str], Container[Any]] = {}
        self.later: list[_TableChecks] = []  # tables referring to a table read after them
        self.found = False  # a refusal found that its table lists when it is read through

    def table(self, table: Table, outcome: SheetOutcome, letters: dict[str, str]
              ) -> _TableChecks:
        return _TableChecks(self, table, outcome, letters)

    def known(self, table: str, column: str) -> Container[Any] | None:
        """The values of a column of a table read already (None: not read yet)."""
        return self.ids.get((table, column))

    def finish(self) -> None:
        """The references to tables read later (organisations.curator_id → people)."""
        for checks in self.later:
            checks.finish(late=True)


class _TableChecks:
    """The checks of one table's rows (see _Checks); their refusals are listed, column by
    column, once the table is read (the cells' own refusals come first, as they are found)."""

    def __init__(self, book: _Checks, table: Table, outcome: SheetOutcome,
                 letters: dict[str, str]) -> None:
        self.book, self.table, self.outcome, self.letters = book, table, outcome, letters
        self.columns = [(c, fk.column.table.name, fk.column.name)
                        for c in carried_columns(table) for fk in list(c.foreign_keys)[:1]]
        self.bad: dict[str, list[tuple[int, str, str]]] = {c.name: [] for c, _t, _n in self.columns}
        self.held: dict[str, list[tuple[int, Any]]] = {}  # references to tables read later
        self.keep = book.referred.get(table.name, set())
        self.people = DuplicatePeople(outcome) if table.name == "people" else None
        carried = carried_columns(table)
        self.values = ValueChecks(table, carried, outcome, letters, book.scales, book.on)
        self.unique = UniqueRows(table, unique_keys(table, [c.name for c in carried]), outcome,
                                 letters)

    def rows(self, rows: Iterable[Row]) -> Iterator[Row]:
        checks: list[tuple[str, Container[Any] | None, list[Any], bool, str]] = []
        for column, target, name in self.columns:
            known = self.book.known(target, name)
            if known is None:
                held: list[tuple[int, Any]] = []
                self.held[column.name] = held
                checks.append((column.name, None, held, column.nullable, target))
            else:
                checks.append((column.name, known, self.bad[column.name], column.nullable,
                               target))
        kept: dict[str, set[Any]] = {}
        for name in self.keep:  # a record code's values are kept by the check of repeats
            first = self.unique.first(name)
            self.book.ids[(self.table.name, name)] = (
                first if first is not None else kept.setdefault(name, set()))
        people, value_checks = self.people, self.values
        unique = self.unique if self.unique.seen else None  # answers, links: no record code
        for chunk in chunks(rows):
            if value_checks.check(chunk):
                self.book.found = True
            for number, values in chunk:
                for name, known, bad, nullable, target in checks:
                    value = values.get(name)
                    if known is None:
                        bad.append((number, value))
                    elif value is None:
                        if not nullable:
                            bad.append((number, "", "обязательное значение не заполнено"))
                            self.book.found = True
                    elif value not in known:
                        bad.append((number, str(value), _unknown(target, value)))
                        self.book.found = True
                for name, found in kept.items():
                    found.add(values.get(name))
                if unique is not None:
                    unique.row(number, values)
                if people is not None:
                    people.row(number, values)
                yield number, values
        if self.unique.found or (people is not None and people.found):
            self.book.found = True
        if self.held:
            self.book.later.append(self)

    def finish(self, late: bool = False) -> None:
        """List the refusals found (late: those of references to tables read after this one)."""
        for column, target, name in self.columns:
            if late != (column.name in self.held):
                continue
            if late:
                self._late(column, target, name)
            where = f"{self.letters.get(column.name, '—')} (" \
                    f"{column_title(self.table.name, column.name)})"
            for number, value, reason in self.bad[column.name]:
                self.outcome.refuse(number, where, value, reason)
        if not late and self.people is not None:
            self.outcome.fatal.extend(self.people.found)

    def _late(self, column: Any, target: str, name: str) -> None:
        known: Container[Any] = self.book.known(target, name) or set()
        bad = self.bad[column.name]
        for number, value in self.held[column.name]:
            if value is None:
                if not column.nullable:
                    bad.append((number, "", "обязательное значение не заполнено"))
            elif value not in known:
                bad.append((number, str(value), _unknown(target, value)))


def _unknown(target: str, value: Any) -> str:
    return (f"ссылка на запись, которой нет в книге: на листе «{sheet_title(target)}» нет "
            f"записи с кодом {value}")


class _Collect:
    """A merge: the book's rows kept, table by table, for merge.py."""

    def __init__(self) -> None:
        self.parsed: dict[str, list[Row]] = {}

    def table(self, table: Table, outcome: SheetOutcome, rows: Iterable[Row]) -> None:
        self.parsed[table.name] = list(rows)


class _Copy:
    """A copy into a new database: its presets deleted, then each table written as it is read,
    WRITE_ROWS rows at a time with their change-log entries. Once anything is refused nothing
    more is written (the rows are still read and checked, for the list of refusals)."""

    def __init__(self, session: Session, info: SheetOutcome, refused: Callable[[], bool]
                 ) -> None:
        self.session, self.info, self.refused, self.stopped = session, info, refused, False
        session.execute(text("PRAGMA defer_foreign_keys=ON"))
        self.log = changelog.BulkLog(session)
        for table in reversed(exchange_tables()):
            if changelog.logged(table):
                rows = session.execute(select(table)).mappings()
                self.log.deleted(table, cast("Iterable[Mapping[str, Any]]", rows))
            session.execute(table.delete())
        self.log.write()

    def table(self, table: Table, outcome: SheetOutcome, rows: Iterable[Row]) -> None:
        chunk: list[dict[str, Any]] = []
        for number, values in rows:
            if self.stopped:
                continue
            chunk.append(values)
            outcome.act(number, ADDED, "")
            if len(chunk) >= WRITE_ROWS:
                self._write(table, chunk)
                chunk = []
        if chunk and not self.stopped:
            self._write(table, chunk)

    def _write(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if self.refused():
            self.stopped = True
            return
        try:
            self.session.execute(insert(table), rows)
        except IntegrityError as exc:
            self._contradiction(exc, table.name)
            return
        self.log.inserted(table, rows)
        self.log.write()

    def finish(self) -> None:
        try:
            self.session.flush()
            if self._dangling():
                return
            store_area_scores(self.session)  # derived from the answers just loaded
        except IntegrityError as exc:
            self._contradiction(exc)

    def _dangling(self) -> bool:
        """References left pointing nowhere, which the book's checks should have refused: the
        copy defers them to the commit, where SQLite would name no table — found now, each
        table named (PRAGMA foreign_key_check: 0,4 s for the region's 2 million rows)."""
        found = Counter((table, parent) for table, _rowid, parent, _key in self.session.execute(
            text("PRAGMA foreign_key_check")))
        for (table, parent), count in sorted(found.items()):
            self.info.fatal.append(dangling_refusal(table, parent, count))
        self.stopped = self.stopped or bool(found)
        return bool(found)

    def _contradiction(self, exc: IntegrityError, table: str | None = None) -> None:
        """A constraint of the database the book still broke: refused, said in Russian."""
        self.stopped = True
        self.info.fatal.append(integrity_refusal(exc, table))
