"""Import of a workbook file (.xlsx, .ods, .xls): recognise each sheet, check every row, then
all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_app.exchange import forms_import as fi
from desktop_app.exchange.book_file import BookFile, BookSheet, open_book
from desktop_app.exchange.forms_practices import PracticesImport
from desktop_app.exchange.kinds import (
    DIAGNOSTICS_BASE,
    KIND_CODES,
    KIND_TITLES,
    KINDS,
    Field,
)
from desktop_app.exchange.reader import (
    HEADER_SCAN_ROWS,
    RowError,
    SheetReader,
    header_index,
    score_header,
)
from desktop_app.exchange.result import ImportResult, SheetOutcome
from desktop_app.exchange.round_header import MARK, ROUND_SHEET, HeaderProblem, read_header
from desktop_app.exchange.safe import ExchangeError
from desktop_app.gcpause import gc_paused
from desktop_app.model import Instrument, InstrumentItem
from desktop_app.services import changelog
from desktop_app.store.backups import backup_now
from desktop_app.store.database import Database
from desktop_app.store.dialect import hold_import_lock
from desktop_app.textutil import fmt_date

LISTS_SHEET = "Списки"
STALE_IMPORT = ("Загрузка не выполнена: пока она шла, другой пользователь сохранил запись, "
                "которую она меняет. База не изменена — повторите загрузку.")
REPORT_EVERY = 2000  # rows read between progress reports
Progress = Callable[[int, int, str], None]
IMPORTERS: dict[str, type[fi.FormImport]] = {
    "organisations": fi.OrganisationImport, "people": fi.PeopleImport,
    "active": fi.ActiveImport, "pairs": fi.PairsImport,
    "participations": fi.ParticipationsImport, "diagnostics": fi.DiagnosticsImport,
    "practices": PracticesImport,
}


def backup_before_import(db: Database) -> Path | None:
    """A checked copy of the database in the backups folder, rotated with the others: of the
    file, or of the database on a PostgreSQL server (pg_dump, store/server_backup.py). None for
    an in-memory database. Raises BackupError (Russian message) when it cannot be made: the
    import is then not applied."""
    on_server = db.path is None and db.url.startswith("postgresql")
    if not on_server and (db.path is None or not db.path.exists()):
        return None
    return backup_now(db, "before-import")


def current_instrument(session: Session) -> Instrument | None:
    """The instrument the diagnostics form is built on: the newest one that has items."""
    with_items = select(InstrumentItem.instrument_id).group_by(InstrumentItem.instrument_id)
    stmt = select(Instrument).where(Instrument.id.in_(with_items)).order_by(
        (Instrument.kind == "self").desc(), Instrument.id.desc())
    return session.scalars(stmt).first()


def diagnostics_fields(session: Session) -> tuple[tuple[Field, ...], Instrument | None]:
    """The diagnostics form's columns: ФИО, date, kind, then one per item of the instrument."""
    instrument = current_instrument(session)
    if instrument is None:
        return DIAGNOSTICS_BASE, None
    items = [
        Field(f"item:{i.code}", i.code, "int", width=7, low=instrument.scale_min,
              high=instrument.scale_max,
              note=f"{i.text} Балл от {instrument.scale_min} до {instrument.scale_max}.")
        for i in instrument.items
    ]
    return (*DIAGNOSTICS_BASE, *items), instrument


def kind_fields(session: Session) -> dict[str, tuple[Field, ...]]:
    out = {code: KINDS[code].fields for code in KINDS}
    out["diagnostics"] = diagnostics_fields(session)[0]
    return out


def import_file(db: Database, path: Path, dry_run: bool = False, valid_only: bool = False,
                today: date | None = None,
                progress: Progress | None = None,
                merge: bool = False) -> ImportResult:
    """Check every row of the file and write it in one transaction, or nothing at all.

    Any refused row leaves the database unchanged unless valid_only (then the valid rows are
    written). dry_run checks and counts without writing. merge: an exchange workbook is merged
    even into a new database (its settings kept). progress(done, total, label) hears the rows
    read so far (label: the sheet being read, then «запись в базу»). Raises ExchangeError for a
    file that is not a readable workbook.
    """
    today = today or date.today()
    result = ImportResult(Path(path), dry_run=dry_run, valid_only=valid_only)
    workbook = open_book(Path(path))
    try:
        from desktop_app.exchange import workbook as exchange

        refusal = round_file_refusal(workbook)
        if refusal is not None:
            raise ExchangeError(refusal)

        from sqlalchemy.orm.exc import StaleDataError

        try:
            # millions of row objects with no cycles: the collector's passes held (gcpause.py)
            with gc_paused(), db.sessions() as session, session.begin():
                hold_import_lock(session)  # on a server: one import at a time, the next waits
                if exchange.is_exchange_workbook(workbook):
                    exchange.import_exchange(session, workbook, result, merge=merge,
                                             progress=progress, file_name=Path(path).name)
                else:
                    changelog.set_source(session,
                                         changelog.file_source(changelog.IMPORT_SOURCE, path))
                    _import_forms(session, workbook, Path(path), result, today, progress)
                _finish(db, session, result)
        except StaleDataError as exc:  # another seat saved a record this import changes
            raise ExchangeError(STALE_IMPORT) from exc
    finally:
        workbook.close()
    return result


def round_file_refusal(workbook: BookFile) -> str | None:
    """What to say of a collection round's file given to the import (None: it is not one): it
    is taken in by `collect apply`, compared with what was sent to its ОО. Its very hidden sheet
    is looked at first — the forms' import skips sheets that are not visible."""
    if ROUND_SHEET not in workbook:
        return None
    rows = list(workbook[ROUND_SHEET].iter_rows(max_row=20, max_col=4))
    if not rows or not rows[0] or rows[0][0] != MARK:
        return None  # a sheet of that name in some other workbook
    try:
        header = read_header(rows)
        what = f"ОО «{header.org_name}», сбор от {fmt_date(header.on)}"
    except HeaderProblem:
        what = "его скрытый лист изменён"
    return (f"Это файл сбора сведений ({what}): загрузите его командой collect apply или в "
            "окне «Сбор сведений…».")


def _finish(db: Database, session: Session, result: ImportResult) -> None:
    if result.fatal or (result.errors and not result.valid_only) or result.dry_run:
        session.rollback()
        if result.fatal:
            result.message = "Файл не принят: исправьте ошибки; база не изменена."
        elif result.errors and not result.valid_only:
            result.message = ("Есть отклонённые строки: база не изменена. Исправьте их или "
                              "загрузите только верные строки.")
        else:
            result.message = "Проверка без записи: база не изменена."
        return
    if result.added or result.changed:
        result.backup = backup_before_import(db)
    session.commit()
    result.applied = True
    result.message = f"Загружено: добавлено {result.added}, изменено {result.changed}."


def _import_forms(session: Session, workbook: BookFile, path: Path, result: ImportResult,
                  today: date, progress: Progress | None) -> None:
    fields_by_kind = kind_fields(session)
    instrument = diagnostics_fields(session)[1]
    planned: list[tuple[int, BookSheet, str]] = []
    for ws in workbook.worksheets:
        if ws.title == LISTS_SHEET or not ws.visible:
            continue
        head = [list(r) for r in ws.iter_rows(max_row=HEADER_SCAN_ROWS)]
        if not any(v not in (None, "") for row in head for v in row):
            continue
        kind = detect_kind(head, fields_by_kind)
        if kind is None:
            raise ExchangeError(
                f"Лист «{ws.title}»: не удалось понять, что в нём — заголовки столбцов не "
                "совпадают ни с одним бланком. Возьмите бланк из программы (команда template)."
            )
        planned.append((KIND_CODES.index(kind), ws, kind))
    if not planned:
        raise ExchangeError(f"В файле «{path.name}» нет данных: все листы пусты.")
    counter = RowCounter(progress, sum(ws.stated_rows for _o, ws, _k in planned))
    for _order, ws, kind in sorted(planned, key=lambda p: p[0]):
        _import_sheet(session, ws, kind, fields_by_kind[kind], result, today, instrument, counter,
                      path.parent)


def detect_kind(head: list[list[Any]], fields_by_kind: dict[str, tuple[Field, ...]]) -> str | None:
    """The form whose headers match best (at least two of them and half of the row)."""
    best, best_score = None, 0
    for code in KIND_CODES:
        index = header_index(fields_by_kind[code])
        for row in head:
            filled = sum(1 for v in row if v not in (None, ""))
            score = score_header(row, index)
            if score >= 2 and score * 2 >= filled and score > best_score:
                best, best_score = code, score
    return best


class RowCounter:
    """Counts the rows read for progress(done, total, label): «N из M» in the window. The total
    is the sheets' recorded dimensions; a file without them (some programs do not write them)
    gets total 0 and the rows read in the label."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def rows(self, rows: Iterable[Any], label: str) -> Iterator[Any]:
        """The rows passed through, reported every REPORT_EVERY rows."""
        if self.progress is None:
            yield from rows
            return
        self._report(self.done, label)
        count = 0
        for count, row in enumerate(rows, start=1):
            yield row
            if not count % REPORT_EVERY:
                self._report(self.done + count, label)
        self.done += count
        self._report(self.done, label)

    def say(self, label: str) -> None:
        self._report(self.done, label)

    def _report(self, done: int, label: str) -> None:
        if self.progress is None:
            return
        if self.total >= done:
            self.progress(done, self.total, label)
        else:  # no dimensions recorded (or wrong ones): a busy bar, the count in the label
            self.progress(0, 0, f"{label}, прочитано строк: {done}")


def _import_sheet(session: Session, ws: BookSheet, kind: str, fields: tuple[Field, ...],
                  result: ImportResult, today: date, instrument: Instrument | None,
                  counter: RowCounter, folder: Path) -> None:
    outcome = SheetOutcome(ws.title, kind, KIND_TITLES[kind])
    result.sheets.append(outcome)
    reader = SheetReader(ws.title, fields, today)
    rows = reader.read(counter.rows(ws.iter_rows(), f"лист «{ws.title}»"), ws.merged)
    outcome.header_row = rows.header_row
    outcome.notes.extend(rows.notes)
    outcome.fatal.extend(rows.fatal)
    if rows.fatal:
        return
    outcome.errors.extend(rows.errors)
    extra: dict[str, Any] = {"instrument": instrument} if kind == "diagnostics" else {}
    if kind == "practices":  # the files a row names lie beside the form
        extra["folder"] = folder
    if kind == "diagnostics" and instrument is None:
        outcome.fatal.append(RowError(ws.title, rows.header_row, "—", "",
                                      "в базе нет диагностического инструмента"))
        return
    counter.say(f"лист «{ws.title}»: проверка и запись")
    IMPORTERS[kind](session, rows, outcome, today, **extra).run()


def count_rows(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)
