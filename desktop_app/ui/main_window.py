"""The main window: four tabs, the menu, the status bar.

Each tab (with its modules: charts, PDF, Excel) is built and loaded when first shown, so the
window opens on the registry without paying for the other three."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, Qt, QTranslator, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from desktop_app import APP_NAME, __version__, paths
from desktop_app.store.database import Database
from desktop_app.ui.common.widgets import LazyPage

DB_FILTER = "База Методактива (*.sqlite *.db);;Все файлы (*)"
# attribute, title, module and class of each tab, in their order
TABS = (
    ("registry_tab", "Реестр", "desktop_app.ui.registry.tab", "RegistryTab"),
    ("pairs_tab", "Пары", "desktop_app.ui.pairs.tab", "PairsTab"),
    ("diagnostics_tab", "Диагностика", "desktop_app.ui.diagnostics.tab", "DiagnosticsTab"),
    ("indicators_tab", "Показатели", "desktop_app.ui.indicators.tab", "IndicatorsTab"),
)


def install_translations(app: QApplication) -> None:
    """Qt's own Russian words (buttons read «Отмена»)."""
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_ru", "qt_ru"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            app.setProperty(f"translator_{name}", translator)
    cyrillic_ok = CyrillicOk(app)  # installed last, so it is asked first
    app.installTranslator(cyrillic_ok)
    app.setProperty("translator_cyrillic_ok", cyrillic_ok)


class CyrillicOk(QTranslator):
    """Qt's Russian catalogue leaves the OK button in Latin letters; Russian spells it «ОК»."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return "ОК" if source in ("OK", "&OK") else None


def show_refusal(message: str, parent: QWidget | None = None) -> None:
    QMessageBox.critical(parent, APP_NAME, message)


@runtime_checkable
class _Reloading(Protocol):
    """A tab: it reloads its lists from the database."""

    def reload(self) -> None: ...


class _CheckResult(QObject):
    """Carries the background quick_check's result from its thread to the window's."""

    finished = Signal(bool)


class MainWindow(QMainWindow):
    """The window over one open database; File → Open swaps the database."""

    def __init__(self, db: Database, demo_database: Callable[[], Path] | None = None) -> None:
        """demo_database: the demo file (written on first use) that File → «Демонстрационная
        база» opens, chosen by the caller (ui.app); without it that item is disabled."""
        super().__init__()
        self.db = db
        self._demo_database = demo_database
        self.setWindowIcon(QIcon(str(paths.resource("icons", "metodaktiv.png"))))
        self.tabs = QTabWidget(self)
        self.setCentralWidget(self.tabs)
        self._pages: dict[str, LazyPage] = {}
        self._pages_db: Database | None = None
        self.tabs.currentChanged.connect(self._load_page)
        self.refused_damaged = False  # closed because the file failed its quick_check
        self._requisites_offered = False  # the settings dialog is offered once per start
        self.first_paint_filter: QObject | None = None  # ui.app.after_first_paint's, kept alive
        self._settings_dialog: QWidget | None = None  # ui.settings_dialog's, kept while shown
        self._build_menu()
        self._build_tabs()
        self.resize(1200, 760)

    # building ----------------------------------------------------------------------
    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("&Файл")
        self._action(file_menu, "Создать базу…", self.create_database, QKeySequence.StandardKey.New)
        self._action(
            file_menu, "Открыть базу…", self.choose_database, QKeySequence.StandardKey.Open
        )
        demo = self._action(file_menu, "Демонстрационная база", self.open_demo)
        demo.setEnabled(self._demo_database is not None)
        # another seat's changes (a database on a server) show after a refresh
        self.refresh_action = self._action(file_menu, "Обновить", self.refresh,
                                           QKeySequence.StandardKey.Refresh)
        file_menu.addSeparator()
        # [file menu: Excel — exchange] (openpyxl is loaded when an action is chosen)
        self._action(file_menu, "Бланк для ОО…",
                     lambda _checked=False: _ui("import_dialog").save_template(self))
        self._action(file_menu, "Импорт из Excel…",
                     lambda _checked=False: _ui("import_dialog").choose_and_import(self))
        self._action(file_menu, "Экспорт всей базы в Excel…",
                     lambda _checked=False: _ui("import_dialog").export_database(self))
        # [file menu: the collection round] (each ОО gets its own data back and returns it)
        self._action(file_menu, "Сбор сведений…",
                     lambda _checked=False: _ui("collection.window").show_collection(self))
        file_menu.addSeparator()
        self._action(file_menu, "Выход", self.close, QKeySequence.StandardKey.Quit)
        docs_menu = self.menuBar().addMenu("&Документы")
        # [documents menu — reports] (filled when first opened: the documents load reportlab
        # and QtPdf)
        docs_menu.aboutToShow.connect(self._fill_docs_menu)
        service_menu = self.menuBar().addMenu("С&ервис")
        # [service menu: settings — registry]
        self._action(service_menu, "Настройки…",
                     lambda _checked=False: _ui("settings_dialog").open_settings(self))
        # [service menu: backups — data safety]
        service_menu.addSeparator()
        self._action(service_menu, "Создать резервную копию…",
                     lambda _checked=False: _ui("backup_dialog").make_backup(self, self.db))
        self._action(service_menu, "Восстановить из копии…",
                     lambda _checked=False: _ui("backup_dialog").restore_into_window(self))
        self._action(service_menu, "Журнал изменений",
                     lambda _checked=False: _ui("history_dialog").show_journal(self, self.db))
        help_menu = self.menuBar().addMenu("&Справка")
        self._action(help_menu, "О программе", self.about)
        self.file_menu, self.docs_menu, self.service_menu = file_menu, docs_menu, service_menu
        self.help_menu = help_menu

    def _fill_docs_menu(self) -> None:
        if self.docs_menu.isEmpty():
            _ui("report_dialog").add_report_actions(self, self.docs_menu)
            _ui("site_dialog").add_site_action(self, self.docs_menu)

    def _action(self, menu: QMenu, text: str, slot: Callable[..., object],
                shortcut: QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_tabs(self) -> None:
        """Show the open database: on the same one (after an import) the tabs already loaded
        reload; on another one they are built again on it; tabs not yet shown stay unloaded.
        The tab on screen is loaded at once."""
        if self._pages and self._pages_db is self.db:
            for page in self._pages.values():
                if isinstance(page.content, _Reloading):  # a tab loaded
                    page.content.reload()
        else:
            self._new_pages()
        self._load_page(self.tabs.currentIndex())
        self._update_title()

    def refresh(self) -> None:
        """Read the database again: the tabs already loaded reload their lists (changes made
        by another seat on the same server, or by the command line, show)."""
        self._build_tabs()

    def _new_pages(self) -> None:
        loaded = {attr for attr, page in self._pages.items() if page.loaded}
        current = max(self.tabs.currentIndex(), 0)
        self.tabs.blockSignals(True)
        self.tabs.clear()
        for page in self._pages.values():
            page.deleteLater()
        self._pages = {}
        for attr, title, module, name in TABS:
            page = LazyPage(self._tab_builder(module, name), self.tabs)
            self._pages[attr] = page
            self.tabs.addTab(page, title)
        self._pages_db = self.db
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        for attr in loaded:
            self._pages[attr].load()

    def _tab_builder(self, module: str, name: str) -> Callable[[], QWidget]:
        def build() -> QWidget:
            tab: QWidget = getattr(importlib.import_module(module), name)(self.db, self)
            return tab

        return build

    def _load_page(self, index: int) -> None:
        page = self.tabs.widget(index)
        if isinstance(page, LazyPage):
            page.load()

    def _tab(self, attr: str) -> QWidget:
        return self._pages[attr].load()

    # each tab, built on first use
    registry_tab = property(lambda self: self._tab("registry_tab"))
    pairs_tab = property(lambda self: self._tab("pairs_tab"))
    diagnostics_tab = property(lambda self: self._tab("diagnostics_tab"))
    indicators_tab = property(lambda self: self._tab("indicators_tab"))

    def tab_loaded(self, attr: str) -> bool:
        """Whether a tab ("registry_tab", "pairs_tab" …) has been built and loaded."""
        page = self._pages.get(attr)
        return page is not None and page.loaded

    def _update_title(self) -> None:
        mode = " (только чтение)" if self.db.read_only else ""
        self.setWindowTitle(f"{APP_NAME} — {self.db.title}{mode}")
        orgs, people = self._counts()
        self.statusBar().showMessage(f"Организаций: {orgs} · педагогов: {people}")

    def _counts(self) -> tuple[int, int]:
        """Organisations and people (all of them, as the registry lists them)."""
        if self.tab_loaded("registry_tab"):
            tab = self.registry_tab
            return tab.organisations.model.total_count(), tab.people.model.total_count()
        from sqlalchemy import func, select

        from desktop_app.model import Organisation, Person

        with self.db.sessions() as session:
            orgs = session.scalar(select(func.count()).select_from(Organisation)) or 0
            people = session.scalar(select(func.count()).select_from(Person)) or 0
        return orgs, people

    # the quick_check started at opening ---------------------------------------------------
    def follow_check(self) -> None:
        """The file's quick_check may still run in a worker thread (open_interactive with
        check_in_background): when it passes, the opening ends as usual (daily backup); when
        it fails, the file is closed unwritten and its latest good backup offered."""
        check = self.db.check
        if check is None:
            return
        carrier = _CheckResult(self)
        self._checked_db = self.db
        # queued: the slot runs in the window's thread, from its event loop
        carrier.finished.connect(self._check_finished, Qt.ConnectionType.QueuedConnection)
        self._check_carrier = carrier  # kept alive until the result arrives
        check.when_done(carrier.finished.emit)

    def _check_finished(self, sound: bool) -> None:
        db = self._checked_db
        if db is not self.db:  # another database was opened meanwhile
            return
        from desktop_app.ui.opening import after_background_check

        restored = after_background_check(self, db, sound)
        if sound:
            return
        if restored is None:
            self.refused_damaged = True
            self.close()
            return
        self.db = restored
        self._build_tabs()

    # the centre's requisites ------------------------------------------------------------
    def offer_requisites(self) -> QWidget | None:
        """At start, once the window is shown: open the settings dialog when the writable
        database's requisites are still the shipped placeholders (documents are not printed
        until they are filled). Once per start; never read-only. Returns the dialog opened."""
        if self._requisites_offered or self.db.read_only:
            return None
        self._requisites_offered = True
        from desktop_app.services.requisites import placeholders

        # plain SQL through the lists' reader: SQLAlchemy is not loaded for this at start
        values = {str(key): str(value) for key, value in
                  self.db.fetch("SELECT key, value FROM settings")}
        if not placeholders(values):
            return None
        dialog: QWidget = _ui("settings_dialog").open_settings(self)
        return dialog

    # actions -------------------------------------------------------------------------
    def switch_to(self, target: str | Path) -> bool:
        """Open another database in this window; a refused file leaves the current one open."""
        from desktop_app.ui.opening import open_interactive

        new_db = open_interactive(self, target)  # lock, damage and network checks
        if new_db is None:
            return False
        self.db.dispose()
        self.db = new_db
        self._build_tabs()
        return True

    def create_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Создать базу", "", DB_FILTER)
        if path:
            if Path(path).exists():
                show_refusal(f"Файл «{path}» уже существует: выберите другое имя.", self)
                return
            self.switch_to(path)

    def choose_database(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Открыть базу", "", DB_FILTER)
        if path:
            self.switch_to(path)

    def open_demo(self) -> None:
        if self._demo_database is not None:
            self.switch_to(self._demo_database())

    def about(self) -> None:
        QMessageBox.about(
            self, "О программе",
            f"<b>{APP_NAME}</b> {__version__}<br>Реестр муниципального методического актива, "
            "наставнических пар, диагностики профессиональных дефицитов и показателей.<br>"
            f"База данных: {self.db.title}",
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.db.dispose()
        super().closeEvent(event)


def _ui(name: str) -> ModuleType:
    """A module of desktop_app.ui imported when its menu action is first chosen."""
    return importlib.import_module(f"desktop_app.ui.{name}")
