"""Opening every dialog of the window at region scale, each beside a bare dialog with as many
widgets built and shown in the same run.

Run: python benchmarks/bench_dialogs.py [--runs 5] [--only TEXT] [--rebuild]

The window (offscreen) works on benchmarks/out/dialogs/dialogs.sqlite, a copy of the region demo
(benchmarks/common.py region_db_path()) with what a region's database holds besides:
* its change log filled as a load of the region's exchange book into a new database fills it: an
  «Обмен» entry for every row of the logged tables (≈ 370 000);
* a collection round of every ОО started (its 600 files in benchmarks/out/dialogs/round/);
* 22 backups in its backups folder (one real copy, the others hard links to it under the names of
  other days: the list reads names and sizes).
The import dialog shows the dry run of the region's exchange book into a new database (the book
exported from that copy), kept as benchmarks/out/dialogs/preview.pickle; the collection round's
review shows ten of its files returned as they were sent. All of it is made once (a few minutes)
and again when the region demo is rebuilt (or with --rebuild).

Each opening is timed from the action — the tab's or the menu's slot when it shows the dialog
without blocking, else the dialog built as the slot builds it — until the dialog is shown with its
data and the events are processed. The first opening of each (module imports) is not counted; the
median of the next --runs is printed with the goal (≤ 150 ms), and beside it the baseline: a bare
QDialog with as many labels as the dialog has widgets, shown the same way, and the ratio.
The window is built as the program builds it (ui/app.py: the cyclic collector held meanwhile,
what was built then frozen); its other three tabs are then loaded, as when they are first shown,
before any dialog is measured.
Not measured: the question boxes (QMessageBox, QInputDialog) and the file choosers, and the
dialog of a missing database (at start-up, before the window).
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import pickle
import re
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import OUT, region_db_path  # noqa: E402

HERE = OUT / "dialogs"
os.environ.setdefault("METODAKTIV_HOME", str(HERE / "home"))

GOAL = 150.0
DB_FILE = HERE / "dialogs.sqlite"
ROUND_DIR = HERE / "round"
BOOK = HERE / "region-book.xlsx"
PREVIEW = HERE / "preview.pickle"
READY = HERE / "ready.txt"  # written last: the region demo's time it was made from
BACKUPS = 22  # 10 daily and 12 monthly, as the rotation keeps them
REVIEWED = 10  # returned files of the round opened for review at once
EXCHANGE_BOOK_NAME = "Методактив — книга обмена.xlsx"


# the database ------------------------------------------------------------------------------------
def prepared(rebuild: bool) -> Path:
    """benchmarks/out/dialogs/dialogs.sqlite with its round, backups and preview, made when
    missing or older than the region demo."""
    region = region_db_path()
    stamp = f"{region.stat().st_mtime:.0f}"
    if not rebuild and READY.exists() and READY.read_text(encoding="utf-8") == stamp:
        return DB_FILE
    if HERE.exists():
        shutil.rmtree(HERE)
    HERE.mkdir(parents=True)
    started = time.perf_counter()
    print(f"Готовится база диалогов: {DB_FILE} …", flush=True)
    source, target = sqlite3.connect(region), sqlite3.connect(DB_FILE)
    with target:
        source.backup(target)
    source.close()
    target.close()
    step = _step("копия базы региона", started)
    entries = fill_change_log(DB_FILE)
    step = _step(f"журнал изменений как после загрузки книги обмена: {entries} записей", step)
    files = start_round(DB_FILE)
    step = _step(f"сбор сведений начат: файлов для ОО {files}", step)
    make_backups(DB_FILE)
    step = _step(f"резервных копий: {BACKUPS}", step)
    rows = make_preview(DB_FILE)
    _step(f"книга обмена региона ({rows} строк) выгружена и проверена для импорта", step)
    READY.write_text(stamp, encoding="utf-8")
    print(f"  готово за {time.perf_counter() - started:.0f} с", flush=True)
    return DB_FILE


def _step(what: str, since: float) -> float:
    now = time.perf_counter()
    print(f"  {what}: {now - since:.1f} с", flush=True)
    return now


def fill_change_log(path: Path) -> int:
    """An «Обмен» insert entry for every row of the logged tables, as a copy of the exchange
    book into a new database writes them (exchange/workbook.py: BulkLog.inserted)."""
    from sqlalchemy import Table, select

    from desktop_app.exchange.book_spec import exchange_tables
    from desktop_app.services import changelog
    from desktop_app.store.database import open_database

    db = open_database(path)
    written = 0
    try:
        with db.sessions() as session, session.begin():
            changelog.set_source(session, changelog.file_source(changelog.EXCHANGE_SOURCE,
                                                                EXCHANGE_BOOK_NAME))
            log = changelog.BulkLog(session)
            tables: list[Table] = [t for t in exchange_tables() if log.wants(t)]
            for table in tables:
                rows = session.execute(select(table)).mappings().all()
                for start in range(0, len(rows), changelog.BULK_CHUNK):
                    log.inserted(table, rows[start:start + changelog.BULK_CHUNK])
                    written += log.write()
    finally:
        db.dispose()
    return written


def start_round(path: Path) -> int:
    """A collection round of every working ОО (its files written to ROUND_DIR)."""
    from desktop_app.exchange.rounds.write import start_round as start
    from desktop_app.store.database import open_database

    db = open_database(path)
    try:
        today = date.today()
        result = start(db, today, ROUND_DIR, deadline=today + timedelta(days=14), today=today)
    finally:
        db.dispose()
    return len(result.files)


def make_backups(path: Path) -> None:
    """One real daily copy in the database's backups folder, the rest hard links named for
    earlier days, then months (the restore dialog lists names, times and sizes)."""
    from desktop_app.store.backups import backup_now

    first = backup_now(path, "daily", now=datetime.now().replace(microsecond=0))
    stamp = re.search(r"\d{4}-\d{2}-\d{2}_\d{6}", first.name)
    assert stamp is not None, first.name
    for n in range(1, BACKUPS):
        day = datetime.now() - (timedelta(days=n) if n < 10 else timedelta(days=30 * (n - 9)))
        os.link(first, first.with_name(first.name.replace(stamp.group(0),
                                                          f"{day:%Y-%m-%d_%H%M%S}")))


def make_preview(path: Path) -> int:
    """The exchange book of the copy, and the import's dry run of it into a new database
    (pickled: the dialog is built from it)."""
    from desktop_app.exchange.importer import import_file
    from desktop_app.exchange.workbook import export_all
    from desktop_app.store.database import open_database

    db = open_database(path)
    try:
        rows = sum(export_all(db, BOOK).values())
    finally:
        db.dispose()
    new = open_database(HERE / "new.sqlite")
    try:
        preview = import_file(new, BOOK, dry_run=True)
    finally:
        new.dispose()
    for leftover in HERE.glob("new.sqlite*"):
        leftover.unlink()
    with PREVIEW.open("wb") as out:
        pickle.dump(preview, out, protocol=pickle.HIGHEST_PROTOCOL)
    return rows


# the records the dialogs open --------------------------------------------------------------------
def busiest(path: Path) -> dict[str, int]:
    """The records with the most behind them: a mentor in the active with the most courses, the
    largest group, the ОО with the most people, the person with the most diagnostics, …"""
    con = sqlite3.connect(path)
    one = lambda sql: int(con.execute(sql).fetchone()[0])  # noqa: E731
    found = {
        "person": one(
            "SELECT p.id FROM people p JOIN active_members a ON a.person_id = p.id "
            "WHERE p.is_active AND p.id IN (SELECT mentor_id FROM pairs) "
            "ORDER BY (SELECT count(*) FROM courses c WHERE c.person_id = p.id) "
            "+ (SELECT count(*) FROM participations x WHERE x.person_id = p.id) DESC, p.id "
            "LIMIT 1"),
        "organisation": one(
            "SELECT organisation_id FROM people GROUP BY organisation_id "
            "ORDER BY count(*) DESC, organisation_id LIMIT 1"),
        "pair": one(
            "SELECT p.id FROM pairs p JOIN pair_mentees m ON m.pair_id = p.id "
            "JOIN programmes g ON g.pair_id = p.id WHERE p.status = 'active' "
            "GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1"),
        "diagnosed": one(
            "SELECT person_id FROM diagnostic_sessions GROUP BY person_id "
            "ORDER BY count(*) DESC, person_id LIMIT 1"),
        "member": one("SELECT id FROM active_members WHERE status = 'included' "
                      "ORDER BY id LIMIT 1"),
        "meeting": one("SELECT meeting_id FROM meeting_attendees GROUP BY meeting_id "
                       "ORDER BY count(*) DESC LIMIT 1"),
        "roadmap": one("SELECT id FROM roadmap_items ORDER BY id LIMIT 1"),
    }
    found["meeting_year"] = one("SELECT substr(meeting_date, 1, 4) FROM meetings "
                                f"WHERE id = {found['meeting']}")
    found["job"] = one(f"SELECT id FROM employments WHERE person_id = {found['person']} "
                       "ORDER BY id DESC LIMIT 1")
    con.close()
    return found


# the dialogs -------------------------------------------------------------------------------------
Case = tuple[str, Callable[[], Any]]


def dialog_cases(window: Any, ids: dict[str, int]) -> list[Case]:
    """(name, action returning the dialog) for every dialog a methodist opens from the window."""
    return [*_registry_cases(window, ids), *_pairs_cases(window, ids),
            *_diagnostics_cases(window, ids), *_indicators_cases(window, ids),
            *_menu_cases(window)]


def _select(panel: Any, record_id: int) -> None:
    row = panel.model.row_of_id(record_id)
    assert row is not None, record_id
    panel.table.selectRow(row)
    assert panel.selected_id() == record_id


def _registry_cases(window: Any, ids: dict[str, int]) -> list[Case]:
    from desktop_app.model.enums import ActiveStatus
    from desktop_app.ui.registry.job_history_page import JobDialog

    tab = window.registry_tab
    person, db = ids["person"], window.db

    def selected(action: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            _select(tab.people, person)
            return action()
        return run

    def panel() -> Any:
        active = tab.active
        _select(active.members, ids["member"])
        return active

    def picker() -> Any:
        active = tab.active
        active.propose()
        return active.dialog

    return [
        ("Реестр: форма педагога (наставник, член актива)", lambda: tab.edit_person(person)),
        ("Реестр: новый педагог", tab.add_person),
        ("Реестр: место работы (из формы педагога)",
         lambda: JobDialog(db, person, ids["job"], tab)),
        ("Реестр: перевод в другую ОО", selected(tab.move_person)),
        ("Реестр: история изменений педагога", selected(tab.person_history)),
        ("Реестр: неполные записи", tab.show_incomplete),
        ("Реестр: карточка ОО (больше всех педагогов)",
         lambda: tab.edit_organisation(ids["organisation"])),
        ("Актив: выбор педагога для предложения", picker),
        ("Актив: член актива", lambda: panel().edit_member()),
        ("Актив: шаг «Исключить из состава»", lambda: panel().step(ActiveStatus.EXCLUDED)),
    ]


def _pairs_cases(window: Any, ids: dict[str, int]) -> list[Case]:
    from desktop_app.ui.pairs.dialogs import FormDialog, PairDialog, StatusDialog
    from desktop_app.ui.pairs.programme_panel import MonitoringDialog

    tab, db, pair = window.pairs_tab, window.db, ids["pair"]

    def history() -> Any:
        _select(tab.list, pair)
        return tab.pair_history()

    return [
        ("Пары: диалог пары (самая большая группа)", lambda: PairDialog(db, pair, tab)),
        ("Пары: новая пара", lambda: PairDialog(db, None, tab)),
        ("Пары: статус пары", lambda: StatusDialog(db, pair, "active", tab)),
        ("Пары: история изменений пары", history),
        ("Пары: запись мониторинга", lambda: MonitoringDialog(db, pair, tab.programme)),
        ("Пары: новая форма наставничества", lambda: FormDialog(db, tab)),
    ]


def _diagnostics_cases(window: Any, ids: dict[str, int]) -> list[Case]:
    from desktop_app.ui.diagnostics.analysis import HeatDialog, SuggestionsDialog
    from desktop_app.ui.diagnostics.entry import SessionEntryDialog
    from desktop_app.ui.diagnostics.external import ExternalEntryDialog
    from desktop_app.ui.diagnostics.person import PictureDialog, RouteDialog

    tab, db, person = window.diagnostics_tab, window.db, ids["diagnosed"]
    return [
        ("Диагностика: новая самооценка", lambda: SessionEntryDialog(db, parent=tab)),
        ("Диагностика: внешняя оценка", lambda: ExternalEntryDialog(db, person, tab)),
        ("Диагностика: дефициты педагога", lambda: PictureDialog(db, person, tab)),
        ("Диагностика: ИОМ педагога", lambda: RouteDialog(db, person, tab)),
        ("Диагностика: подбор наставника по дефицитам",
         lambda: SuggestionsDialog(db, person, tab)),
        ("Диагностика: муниципальный анализ дефицитов", lambda: HeatDialog(db, tab)),
    ]


def _indicators_cases(window: Any, ids: dict[str, int]) -> list[Case]:
    from desktop_app.services import awards, meetings, nominations, roadmap
    from desktop_app.ui.indicators.meetings import MeetingDialog
    from desktop_app.ui.indicators.recognitions import (
        ConditionsDialog,
        NominationDialog,
        ResultDialog,
    )
    from desktop_app.ui.indicators.roadmap import RoadmapItemDialog

    tab = window.indicators_tab
    with window.db.sessions() as session:
        meeting = next(r for r in meetings.list_meetings(session, ids["meeting_year"])
                       if r.id == ids["meeting"])
        item = next(r for r in roadmap.list_roadmap(session, date.today())
                    if r.id == ids["roadmap"])
        nomination = nominations.list_nominations(session)[0]
    view, page = tab.meetings, tab.recognition

    def award_list() -> list[Any]:  # as the page's slots read it
        with window.db.sessions() as session:
            return awards.list_awards(session)

    return [
        ("Показатели: заседание актива (больше всех участников)",
         lambda: MeetingDialog(view._people(), meeting, view)),
        ("Показатели: мероприятие дорожной карты", lambda: RoadmapItemDialog(item, tab.roadmap)),
        ("Поощрение: выдвижение к награде",
         lambda: NominationDialog(nomination.person, award_list(), nomination.award, page)),
        ("Поощрение: результат выдвижения", lambda: ResultDialog(nomination, page)),
        ("Поощрение: условия наград", lambda: ConditionsDialog(award_list(), page)),
    ]


def _menu_cases(window: Any) -> list[Case]:
    from desktop_app.reports import KINDS
    from desktop_app.ui import backup_dialog, history_dialog, import_dialog, settings_dialog
    from desktop_app.ui.collection.review import ReviewDialog
    from desktop_app.ui.collection.window import StartRoundDialog, show_collection
    from desktop_app.ui.report_dialog import ReportDialog

    db = window.db
    cases: list[Case] = [
        ("Файл → Импорт из Excel: книга обмена региона",
         lambda: import_dialog._show_preview(window, BOOK, _preview())),
        ("Файл → Сбор сведений (600 ОО)", lambda: show_collection(window)),
        ("Сбор сведений → Начать сбор", lambda: StartRoundDialog(date.today(), window)),
        (f"Сбор сведений → Загрузить ответы ({REVIEWED} файлов)",
         lambda: ReviewDialog(db, _reviews(db), window)),
    ]
    cases += [(f"Документы → {kind.title}", lambda code=code: ReportDialog(db, window, code))
              for code, kind in KINDS.items()]
    cases += [
        ("Сервис → Настройки", lambda: settings_dialog.open_settings(window)),
        (f"Сервис → Восстановить из копии ({BACKUPS} копии)",
         lambda: backup_dialog.RestoreDialog(db.path, window)),
        ("Сервис → Журнал изменений", lambda: history_dialog.journal_dialog(window, db)),
    ]
    return cases


@functools.cache
def _preview() -> Any:
    """The dry run of the region's exchange book (read at the first opening, not counted; made
    again when the program's result classes no longer read the stored one)."""
    try:
        with PREVIEW.open("rb") as stored:
            return pickle.load(stored)
    except (OSError, pickle.UnpicklingError, AttributeError, TypeError, ImportError):
        make_preview(DB_FILE)
        with PREVIEW.open("rb") as stored:
            return pickle.load(stored)


_REVIEWS: list[Any] = []


def _reviews(db: Any) -> list[Any]:
    """The largest ОО's files of the round, returned as they were sent, read for review (at the
    first opening, not counted)."""
    from desktop_app.exchange.rounds.preview import review_return

    if not _REVIEWS:
        files = sorted(ROUND_DIR.glob("*.xlsx"), key=lambda f: f.stat().st_size, reverse=True)
        _REVIEWS.extend(review_return(db, f) for f in files[:REVIEWED])
    return _REVIEWS


# timing ------------------------------------------------------------------------------------------
def _close(app: Any, dialog: Any) -> None:
    """Close and delete the dialog, as the window's event loop would (processEvents outside a
    loop leaves deferred deletions waiting: the dialogs would pile up and slow the rest)."""
    from PySide6.QtCore import QEvent

    dialog.reject()
    dialog.deleteLater()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


def opened(app: Any, action: Callable[[], Any]) -> tuple[float, Any]:
    """ms from the action until the dialog is shown and the events processed."""
    start = time.perf_counter()
    dialog = action()
    if not dialog.isVisible():
        dialog.show()
    app.processEvents()
    return (time.perf_counter() - start) * 1000, dialog


def bare(app: Any, widgets: int) -> float:
    """The baseline: a QDialog with as many labels as the dialog has widgets, shown the same way."""
    from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

    start = time.perf_counter()
    dialog = QDialog()
    layout = QVBoxLayout(dialog)
    for n in range(widgets):
        layout.addWidget(QLabel(f"Поле {n}", dialog))
    dialog.show()
    app.processEvents()
    took = (time.perf_counter() - start) * 1000
    _close(app, dialog)
    return took


def measure(app: Any, action: Callable[[], Any], runs: int) -> tuple[float, float, int]:
    """(median ms of the dialog, median ms of its baseline, its widgets); the first opening
    (module imports, first queries) is not counted."""
    from PySide6.QtWidgets import QWidget

    _took, dialog = opened(app, action)
    widgets = len(dialog.findChildren(QWidget))
    _close(app, dialog)
    ours, base = [], []
    for _ in range(runs):
        took, dialog = opened(app, action)
        ours.append(took)
        _close(app, dialog)
        base.append(bare(app, widgets))
    return statistics.median(ours), statistics.median(base), widgets


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="открытий каждого диалога (после "
                        "первого)")
    parser.add_argument("--only", default="", help="только диалоги, в названии которых есть "
                        "этот текст")
    parser.add_argument("--rebuild", action="store_true", help="подготовить базу заново")
    args = parser.parse_args()
    path = prepared(args.rebuild)
    from PySide6.QtWidgets import QApplication

    from desktop_app.store.database import open_database
    from desktop_app.ui.main_window import MainWindow, install_translations

    app = QApplication.instance() or QApplication(sys.argv)
    install_translations(app)
    ids = busiest(path)
    db = open_database(path)
    gc.disable()  # as the program starts (ui/app.py): the collector held while the window is
    window = MainWindow(db)  # built, what was built then set aside (gc.freeze) once it is shown
    window.show()
    app.processEvents()
    gc.freeze()
    gc.enable()
    cases = [(name, action) for name, action in dialog_cases(window, ids)
             if args.only.lower() in name.lower()]
    con = sqlite3.connect(path)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("organisations", "people", "pairs", "diagnostic_sessions", "change_log")}
    con.close()
    print(f"База: {path} — ОО {counts['organisations']}, педагогов {counts['people']}, "
          f"пар {counts['pairs']}, диагностик {counts['diagnostic_sessions']}, "
          f"записей журнала изменений {counts['change_log']}")
    print(f"Медиана {args.runs} открытий каждого диалога (первое не считается), мс; база — "
          "пустой QDialog с тем же числом надписей, сколько у диалога виджетов, показанный так "
          "же; × — отношение к базе")
    width = max((len(name) for name, _action in cases), default=10)
    head = (f"{'диалог':<{width}} {'мс':>7} {'цель':>5} {'в норме':>7} {'база':>6} {'×':>6} "
            f"{'видж.':>5}")
    print(head)
    print("-" * len(head))
    over = []
    for name, action in cases:
        ours, base, widgets = measure(app, action, args.runs)
        met = ours <= GOAL
        if not met:
            over.append(f"{name} ({ours:.0f} мс)")
        print(f"{name:<{width}} {ours:7.1f} {GOAL:5.0f} {'да' if met else 'нет':>7} {base:6.1f} "
              f"{ours / base:6.1f} {widgets:5d}", flush=True)
    print(f"Открыто диалогов: {len(cases)}; дольше {GOAL:.0f} мс: {len(over)}"
          + (": " + "; ".join(over) if over else ""))
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
