"""Starting a collection round: one workbook per ОО working on the round's date, pre-filled with
what the centre holds for it, and what was sent recorded — all of it, or nothing.

A round file (see spec.py) opens on the sheet «Как заполнить», plain Russian for the school;
then the four data sheets with the blank forms' columns, notes and dropdowns, pre-filled as a
school would type them (real dates, the labels of the lists, «да»/«нет»); then the hidden list
sheet of the blank forms and the very hidden, protected sheet of the round's header.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from desktop_app.exchange.importer import LISTS_SHEET
from desktop_app.exchange.kinds import Field
from desktop_app.exchange.rounds.spec import (
    CODE,
    GUIDE_SHEET,
    MARK,
    ROUND_SHEET,
    SHEETS,
    Header,
    RoundError,
    RoundSheet,
    Snapshot,
    signature,
    take_snapshots,
)
from desktop_app.exchange.templates import FormSheet, closed_lists, fill_lists
from desktop_app.model import CollectionRound, Organisation, RoundFile
from desktop_app.services import requisites, settings as settings_service
from desktop_app.services.changelog import ENABLED_KEY
from desktop_app.services.indicators import MAX_YEAR, MIN_YEAR
from desktop_app.store.database import Database
from desktop_app.store.diskerrors import (
    UserError,
    disk_error_text,
    disk_full_text,
    file_error_text,
    is_disk_error,
    is_disk_full,
    os_reason,
)
from desktop_app.store.leftovers import written_whole
from desktop_app.textutil import clean, fmt_date, quoted_names, ru_sort_key

# Empty rows under an ОО's own rows that keep the dropdowns and checks for additions.
NEW_ROWS = 500
NOT_GIVEN = "не указано"
# Characters Windows refuses in a file name, and control characters.
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{p}{n}" for p in ("COM", "LPT") for n in
                                            (*"123456789", "¹", "²", "³"))}
MAX_STEM = 120  # characters of a file name before «.xlsx» (a Windows path holds 260)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SentFile:
    """A workbook written for one ОО, with the rows it shows."""

    org_id: int
    org_name: str
    path: Path
    people: int  # rows on «Педагоги»
    pairs: int
    participations: int


@dataclass(frozen=True)
class StartResult:
    """A round started: its number, dates, the folder and the files written there."""

    round_id: int
    on: date
    deadline: date | None
    folder: Path
    files: list[SentFile]


def start_round(db: Database, on: date, out_dir: Path, deadline: date | None = None,
                today: date | None = None,
                progress: Progress | None = None) -> StartResult:
    """One workbook per ОО working on `on`, all or nothing; raises RoundError.

    Each ОО working on the date (active, or closed after it) gets a file in out_dir named by
    its short name, with its card, staff, pairs in progress and the year's participations as
    the database holds them on the date (spec.take_snapshot); the round and, per file, what
    was sent and its fingerprint are recorded. Refused, with nothing written or recorded: a
    date in the future or out of the years the program counts, a deadline before the date, no
    working ОО, a file of the same name already in the folder. When a file cannot be written
    (a full disk) or the record cannot be made, the files of this run are removed and nothing
    is recorded. progress(done, total, name) hears each ОО before its file is written."""
    today = today or date.today()
    check_dates(on, deadline, today)
    folder, made = _prepare_folder(Path(out_dir))
    try:
        with db.sessions(info={ENABLED_KEY: False}) as session:  # no secrets in the journal
            return _start(session, on, deadline, folder, progress, db.title)
    except BaseException:
        if made:
            _remove_empty(folder)
        raise


def check_dates(on: date, deadline: date | None, today: date) -> None:
    """The round's date: within the years the program counts and not in the future; the
    deadline: within those years and not before the date (RoundError otherwise)."""
    for day, what in ((on, "Дата сбора сведений"), (deadline, "Срок возврата")):
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            raise RoundError(f"{what} {day.strftime('%d.%m.')}{day.year:04d}: год ожидается "
                             f"от {MIN_YEAR} до {MAX_YEAR}.")
    if on > today:
        raise RoundError(f"Дата сбора сведений {fmt_date(on)} ещё не наступила: сведения "
                         f"собираются на сегодня ({fmt_date(today)}) или на прошедший день.")
    if deadline is not None and deadline < on:
        raise RoundError(f"Срок возврата {fmt_date(deadline)} раньше даты сбора сведений "
                         f"{fmt_date(on)}.")


def _start(session: Session, on: date, deadline: date | None, folder: Path,
           progress: Progress | None, database: str) -> StartResult:
    orgs = working_organisations(session, on)
    if not orgs:
        raise RoundError(f"В базе нет ни одной образовательной организации, действующей на "
                         f"{fmt_date(on)}: сбор сведений не начат. Добавьте ОО и повторите.")
    names = file_names([name for _id, name in orgs])
    _refuse_existing(folder, names)
    book = _RoundBook(session, on, deadline)
    started = datetime.now().replace(microsecond=0)
    collection = CollectionRound(on_date=on, deadline=deadline, started=started,
                                 secret=secrets.token_hex(32))
    session.add(collection)
    written: list[Path] = []
    target: object = folder
    try:
        session.flush()
        snapshots = take_snapshots(session, [org_id for org_id, _name in orgs], on)
        files: list[SentFile] = []
        for done, ((org_id, org_name), name) in enumerate(zip(orgs, names, strict=True)):
            if progress is not None:
                progress(done, len(orgs), org_name)
            target = path = folder / name
            snapshot = snapshots[org_id]
            fingerprint = snapshot.fingerprint()
            book.write(path, org_name, snapshot,
                       _header(collection, org_id, org_name, fingerprint))
            written.append(path)
            session.add(RoundFile(
                round_id=collection.id, organisation_id=org_id, file_name=name,
                sent=datetime.now().replace(microsecond=0), fingerprint=fingerprint,
                snapshot=snapshot.to_json(), returned_name="", returned_sha256=""))
            files.append(_sent_file(org_id, org_name, path, snapshot))
        target = database
        session.commit()
    except BaseException as exc:
        session.rollback()
        _remove(written)
        told = _refusal(exc, target, folder)
        if told is exc:
            raise
        raise told from exc
    if progress is not None:
        progress(len(orgs), len(orgs), "")
    return StartResult(collection.id, on, deadline, folder, files)


def working_organisations(session: Session, on: date) -> list[tuple[int, str]]:
    """(id, short name) of the ОО working on the date — active, or closed after it — in the
    Russian order of their names."""
    working = or_(Organisation.is_active.is_(True), Organisation.deactivated_on > on)
    rows = session.execute(select(Organisation.id, Organisation.short_name).where(working))
    return sorted(((i, n) for i, n in rows), key=lambda r: (ru_sort_key(r[1]), r[0]))


def _header(collection: CollectionRound, org_id: int, org_name: str,
            fingerprint: str) -> Header:
    """The hidden sheet of the ОО's file, signed with the round's secret."""
    signed = signature(collection.secret, collection.id, org_id, collection.on_date,
                       fingerprint)
    return Header(collection.id, collection.on_date, org_id, org_name, fingerprint, signed)


def _sent_file(org_id: int, org_name: str, path: Path, snapshot: Snapshot) -> SentFile:
    rows = snapshot.rows
    return SentFile(org_id, org_name, path, len(rows.get("people", {})),
                    len(rows.get("pairs", {})), len(rows.get("participations", {})))


# the folder and the file names ------------------------------------------------------------
def file_names(org_names: Sequence[str]) -> list[str]:
    """A file name for each ОО name, safe on Windows (no \\ / : * ? " < > |, no trailing dot or
    space, not a device name such as CON) and distinct, letter case aside: a repeated name
    gets « (2)», « (3)»."""
    taken: set[str] = set()
    names: list[str] = []
    for org_name in org_names:
        stem = safe_stem(org_name)
        candidate, n = stem, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem} ({n})"
        taken.add(candidate.casefold())
        names.append(f"{candidate}.xlsx")
    return names


def safe_stem(name: str) -> str:
    """The ОО's name made a file name's stem Windows takes."""
    stem = clean(_FORBIDDEN.sub("_", name))[:MAX_STEM].rstrip(" .")
    if not stem:
        return "ОО"
    if stem.split(".")[0].rstrip(" ").upper() in _RESERVED:
        return f"{stem}_"
    return stem


def _prepare_folder(folder: Path) -> tuple[Path, bool]:
    """The output folder, made when missing (True: made by this run)."""
    if folder.exists():
        if not folder.is_dir():
            raise RoundError(f"«{folder}» — это файл, а нужна папка для файлов сбора сведений.")
        return folder, False
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise RoundError(f"Не удалось создать папку «{folder}»: {os_reason(exc)}.") from exc
    return folder, True


def _refuse_existing(folder: Path, names: Sequence[str]) -> None:
    try:
        present = {entry.casefold() for entry in os.listdir(folder)}
    except OSError as exc:
        raise RoundError(f"Не удалось открыть папку «{folder}»: {os_reason(exc)}.") from exc
    clash = [name for name in names if name.casefold() in present]
    if clash:
        raise RoundError(
            f"В папке «{folder}» уже есть файлы с именами файлов этого сбора: "
            f"{quoted_names(clash)}. "
            "Сбор сведений не начат, база данных не изменена: укажите другую (пустую) папку "
            "или уберите эти файлы.")


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # held open by another program on Windows
            path.unlink(missing_ok=True)


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def _refusal(exc: BaseException, target: object, folder: Path) -> BaseException:
    """The error told in Russian when it is the disk's or the system's (the files of the run
    already removed); any other error is exc itself."""
    if isinstance(exc, RoundError | UserError) or not isinstance(exc, Exception):
        return exc
    removed = " Записанные файлы этого сбора удалены."
    if is_disk_full(exc, folder):
        return RoundError(f"Сбор сведений не начат. {disk_full_text(target)}{removed}")
    if is_disk_error(exc):
        return RoundError(f"Сбор сведений не начат. {disk_error_text(target)}{removed}")
    if isinstance(exc, OSError) and exc.filename:
        return RoundError(f"Сбор сведений не начат. {file_error_text(exc, target)} "
                          f"База данных не изменена.{removed}")
    return exc


# the workbook ------------------------------------------------------------------------------
class _RoundBook:
    """What every file of a round shares (the lists, the centre's requisites), and the writing
    of one ОО's file."""

    def __init__(self, session: Session, on: date, deadline: date | None) -> None:
        self.on, self.deadline = on, deadline
        self.centre = centre_of(settings_service.get_all(session))
        self.lists: dict[str, list[str]] = {}
        self.list_names: dict[str, dict[str, str]] = {}  # sheet kind → field key → list name
        for sheet in SHEETS:
            names: dict[str, str] = {}
            for key, values in closed_lists(session, sheet.form_fields).items():
                name = f"{sheet.title}: {sheet_field(sheet, key).title}"
                self.lists[name], names[key] = values, name
            self.list_names[sheet.kind] = names

    def write(self, path: Path, org_name: str, snapshot: Snapshot, header: Header) -> None:
        """The ОО's workbook at path, whole or not at all."""
        wb = openpyxl.Workbook(write_only=True)
        guide = wb.create_sheet(GUIDE_SHEET)
        data = [wb.create_sheet(sheet.title) for sheet in SHEETS]
        lists = wb.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
        hidden = wb.create_sheet(ROUND_SHEET)
        write_guide(guide, org_name, self.on, self.deadline, self.centre)
        ranges = fill_lists(lists, self.lists)
        for ws, sheet in zip(data, SHEETS, strict=True):
            sheet_ranges = {key: ranges[name] for key, name in self.list_names[sheet.kind].items()
                            if name in ranges}
            write_data_sheet(ws, sheet, snapshot.rows.get(sheet.kind, {}), sheet_ranges)
        write_header_sheet(hidden, header)
        with written_whole(path) as partial:
            wb.save(partial)


def sheet_field(sheet: RoundSheet, key: str) -> Field:
    return next(f for f in sheet.fields if f.key == key)


def write_data_sheet(ws: Any, sheet: RoundSheet, rows: Mapping[str, Mapping[str, str]],
                     ranges: Mapping[str, str]) -> None:
    """A data sheet: the blank form's columns and «Код записи» (grey), the ОО's rows as a
    school would type them, the dropdowns over NEW_ROWS rows more for additions."""
    form = FormSheet(ws, sheet.fields, ranges, len(rows) + NEW_ROWS, grey=(CODE.key,))
    ws.page_setup.orientation = "landscape"
    ws.print_title_rows = "1:1"  # the header on every printed page
    shown = [value_of(f) for f in sheet.fields]
    for code, row in rows.items():
        form.append([code if f.key == CODE.key else show(row.get(f.key, ""))
                     for f, show in zip(sheet.fields, shown, strict=True)])


def value_of(f: Field) -> Callable[[str], Any]:
    """The cell value of a column for the canonical text of spec.canon: a date, a number, the
    label of a list, «да»/«нет» (and «не указано» where it may be unknown), text; None for
    an empty cell."""
    if f.type == "bool":
        blank = NOT_GIVEN if f.unknown else None
        return lambda text: text or blank
    if f.type == "date":
        return lambda text: date.fromisoformat(text) if text else None
    if f.type == "int":
        return lambda text: int(text) if text.lstrip("-").isdigit() else (text or None)
    if f.type == "float":
        return lambda text: float(text) if text else None
    if f.type in ("enum", "enums") and f.enum is not None:
        labels = {m.value: m.label for m in f.enum}
        if f.type == "enum":
            return lambda text: labels.get(text, text) or None
        return lambda text: "; ".join(labels.get(p, p) for p in text.split(";") if p) or None
    return lambda text: text or None


def write_header_sheet(ws: Any, header: Header) -> None:
    """The round's header: very hidden (not listed by «Показать»), protected with a password
    nobody keeps; its values are text or whole numbers."""
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.protection.password = secrets.token_urlsafe(16)
    ws.append([_text_cell(ws, MARK)])
    for label, value in header.rows():
        ws.append([_text_cell(ws, label),
                   _text_cell(ws, value) if isinstance(value, str) else value])


def _text_cell(ws: Any, text: str) -> Any:
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    return cell


# the guide for the school -------------------------------------------------------------------
GUIDE_WIDTH = 80  # of column A, in characters: an A4 page wide
GUIDE_CHARS = 76  # characters of a line that surely fit in it (a wide font)
LINE_HEIGHT = 15.0  # points
TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=12)
WRAP = Alignment(wrap_text=True, vertical="top")
BOTTOM = Alignment(vertical="bottom")


@dataclass(frozen=True)
class Centre:
    name: str  # "" when the requisites still hold the shipped placeholder
    contact: str


def centre_of(values: Mapping[str, str]) -> Centre:
    missing = set(requisites.placeholders(values, for_order=True))
    name = "" if "centre_name" in missing else clean(values.get("centre_name", ""))
    contact = "" if "executor" in missing else clean(values.get("executor", ""))
    return Centre(name, contact)


def guide_text(org_name: str, on: date, deadline: date | None,
               centre: Centre) -> list[tuple[str, str]]:
    """The guide sheet as (kind, text) paragraphs: kind «title», «heading» or «text»."""
    day, year = fmt_date(on), on.year
    by = f"до {fmt_date(deadline)}" if deadline else "как можно скорее"
    holder = f"методический центр ({centre.name})" if centre.name else "методический центр"
    back = (f"в методический центр: {centre.name}" if centre.name
            else "в методический центр, приславший его")
    contact = f" Вопросы по заполнению: {centre.contact}." if centre.contact else ""
    return [
        ("title", f"Сбор сведений на {day}: {org_name}"),
        ("text", f"В этом файле — сведения о вашей организации, которые {holder} хранит на "
                 f"{day}: карточка организации, работающие педагоги, наставнические пары, "
                 f"которые идут или запланированы, и участие педагогов в мероприятиях с "
                 f"1 января {year} года. Проверьте их, исправьте то, что изменилось, добавьте "
                 f"то, чего не хватает, и верните файл {by}."),
        ("heading", "Что проверить"),
        ("text", "• Лист «Организация»: наименование, тип, руководитель, адрес, телефон, "
                 "эл. почта, даты и номер Положения о наставничестве и программы "
                 "наставничества."),
        ("text", "• Лист «Педагоги»: все ли, кто работает у вас сейчас, есть в списке; верны "
                 "ли должность, квалификационная категория и дата её присвоения, образование, "
                 "начало педагогического стажа, телефон, эл. почта."),
        ("text", "• Лист «Наставнические пары»: пары, которые работают или запланированы — "
                 "наставник, наставляемый, форма наставничества, даты, статус."),
        ("text", f"• Лист «Участие в мероприятиях»: участие ваших педагогов в мероприятиях с "
                 f"1 января {year} года по {day}."),
        ("text", "Верные строки оставьте как есть. Неверное значение исправьте прямо в ячейке. "
                 "Где у ячейки есть список (стрелка справа), выберите значение из него. Даты "
                 f"пишите в виде ДД.ММ.ГГГГ, например 01.09.{year}. Столбцы со звёздочкой (*) "
                 "обязательны. Подсказка к столбцу — в примечании к его заголовку (наведите "
                 "на заголовок указатель мыши)."),
        ("heading", "Как добавить педагога, пару или участие"),
        ("text", "Впишите новую строку внизу листа, сразу под последней заполненной. Столбец "
                 "«Код записи» (серый, последний) в новой строке оставьте пустым. Педагог, "
                 "которого вы добавляете в пару или в участие, должен быть и на листе "
                 "«Педагоги» (новый — добавьте его туда тоже)."),
        ("heading", "Если педагог уволился или выбыл"),
        ("text", "Строку педагога не удаляйте. В столбце «Работает» выберите «нет», а в "
                 "столбце «Дата выбытия» укажите день, с которого он у вас не работает. "
                 "Удалённую строку центр не примет за увольнение и спросит о ней ещё раз."),
        ("heading", "Если педагог пришёл к вам из другой организации"),
        ("text", "Добавьте его новой строкой на лист «Педагоги» (ФИО и дата рождения — как в "
                 "документах) и обязательно заполните столбец «Дата перевода (приёма)»: с какого "
                 "дня он работает у вас. По ФИО и дате рождения центр найдёт его в своей базе и "
                 "перенесёт место работы, сохранив историю. У педагога, который раньше нигде "
                 "не работал, это дата приёма на работу (её можно не указывать)."),
        ("heading", "Если наставническая пара закончила работу"),
        ("text", "Строку пары не удаляйте. Заполните столбец «Дата завершения фактическая» и "
                 "выберите «Статус»: «завершена» — программа выполнена, «прекращена досрочно» — "
                 "пара закончила работу раньше срока; тогда заполните и «Причина»."),
        ("heading", "Чего делать нельзя"),
        ("text", "• Не переименовывайте, не удаляйте и не переставляйте листы и столбцы, не "
                 "меняйте заголовки столбцов."),
        ("text", "• Не меняйте и не стирайте «Код записи»: по нему центр находит строку в "
                 "своей базе."),
        ("text", "• Не удаляйте строки: выбытие педагога и завершение пары отмечайте, как "
                 "сказано выше."),
        ("text", "• Не открывайте и не меняйте скрытые части файла: по ним центр узнаёт, что "
                 "это файл вашей организации из этого сбора сведений."),
        ("heading", "Куда вернуть"),
        ("text", f"Сохраните файл в формате Excel (.xlsx) и верните его {by} тем же способом, "
                 f"каким получили, {back}.{contact}"),
    ]


def write_guide(ws: Any, org_name: str, on: date, deadline: date | None,
                centre: Centre) -> None:
    """The first sheet: what the file is and how to fill it, one wrapped paragraph a row."""
    ws.column_dimensions["A"].width = GUIDE_WIDTH
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # printed a page wide
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    paragraphs = guide_text(org_name, on, deadline, centre)
    for number, (kind, text) in enumerate(paragraphs, start=1):
        size = {"title": 14.0, "heading": 12.0}.get(kind, 11.0)
        lines = max(1, math.ceil(len(text) * size / 11.0 / GUIDE_CHARS))
        space = 8.0 if kind == "heading" else 3.0
        ws.row_dimensions[number].height = lines * LINE_HEIGHT * size / 11.0 + space
    styles = {kind: _guide_style(ws, kind) for kind in ("title", "heading", "text")}
    for kind, text in paragraphs:
        cell: Any = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        cell._style = copy(styles[kind])
        ws.append([cell])


def _guide_style(ws: Any, kind: str) -> Any:
    """The style array of a paragraph of the kind (made once: each style set through openpyxl's
    descriptors is hashed whole)."""
    sample: Any = WriteOnlyCell(ws)
    sample.alignment = WRAP if kind == "text" else BOTTOM
    if kind != "text":
        sample.font = TITLE_FONT if kind == "title" else HEADING_FONT
    return sample._style
