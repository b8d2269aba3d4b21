"""The main window: four tabs, the menu, the status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from desktop_app import APP_NAME, __version__, paths
from desktop_app.store.database import Database
from desktop_app.ui.tab_diagnostics import DiagnosticsTab
from desktop_app.ui.tab_indicators import IndicatorsTab
from desktop_app.ui.tab_pairs import PairsTab
from desktop_app.ui.tab_registry import RegistryTab

DB_FILTER = "База Методактива (*.sqlite *.db);;Все файлы (*)"


def install_translations(app: QApplication) -> None:
    """Qt's own Russian words (buttons read «Отмена»)."""
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_ru", "qt_ru"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            app.setProperty(f"translator_{name}", translator)


def show_refusal(message: str, parent: QWidget | None = None) -> None:
    QMessageBox.critical(parent, APP_NAME, message)


class MainWindow(QMainWindow):
    """The window over one open database; File → Open swaps the database."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.setWindowIcon(QIcon(str(paths.resource("icons", "metodaktiv.png"))))
        self.tabs = QTabWidget(self)
        self.setCentralWidget(self.tabs)
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
        self._action(file_menu, "Демонстрационная база", self.open_demo)
        file_menu.addSeparator()
        # [file menu: Excel — exchange]
        from desktop_app.ui import import_dialog

        self._action(file_menu, "Бланк для ОО…",
                     lambda _checked=False: import_dialog.save_template(self))
        self._action(file_menu, "Импорт из Excel…",
                     lambda _checked=False: import_dialog.choose_and_import(self))
        self._action(file_menu, "Экспорт всей базы в Excel…",
                     lambda _checked=False: import_dialog.export_database(self))
        file_menu.addSeparator()
        self._action(file_menu, "Выход", self.close, QKeySequence.StandardKey.Quit)
        docs_menu = self.menuBar().addMenu("&Документы")
        # [documents menu — reports]
        from desktop_app.ui.report_dialog import add_report_actions

        add_report_actions(self, docs_menu)
        service_menu = self.menuBar().addMenu("С&ервис")
        # [service menu: settings — registry]
        from desktop_app.ui.settings_dialog import open_settings

        self._action(service_menu, "Настройки…", lambda _checked=False: open_settings(self))
        # [service menu: backups — data safety]
        from desktop_app.ui import backup_dialog, history_dialog

        service_menu.addSeparator()
        self._action(service_menu, "Создать резервную копию…",
                     lambda _checked=False: backup_dialog.make_backup(self, self.db))
        self._action(service_menu, "Восстановить из копии…",
                     lambda _checked=False: backup_dialog.restore_into_window(self))
        self._action(service_menu, "Журнал изменений",
                     lambda _checked=False: history_dialog.show_journal(self, self.db))
        help_menu = self.menuBar().addMenu("&Справка")
        self._action(help_menu, "О программе", self.about)
        self.file_menu, self.docs_menu, self.service_menu = file_menu, docs_menu, service_menu
        self.help_menu = help_menu

    def _action(self, menu, text, slot, shortcut=None) -> QAction:  # type: ignore[no-untyped-def]
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_tabs(self) -> None:
        self.tabs.clear()
        self.registry_tab = RegistryTab(self.db, self)
        self.pairs_tab = PairsTab(self.db, self)
        self.diagnostics_tab = DiagnosticsTab(self.db, self)
        self.indicators_tab = IndicatorsTab(self.db, self)
        self.tabs.addTab(self.registry_tab, "Реестр")
        self.tabs.addTab(self.pairs_tab, "Пары")
        self.tabs.addTab(self.diagnostics_tab, "Диагностика")
        self.tabs.addTab(self.indicators_tab, "Показатели")
        self._update_title()

    def _update_title(self) -> None:
        mode = " (только чтение)" if self.db.read_only else ""
        self.setWindowTitle(f"{APP_NAME} — {self.db.title}{mode}")
        people = self.registry_tab.people.model.total_count()
        orgs = self.registry_tab.organisations.model.total_count()
        self.statusBar().showMessage(f"Организаций: {orgs} · педагогов: {people}")

    # actions -------------------------------------------------------------------------
    def switch_to(self, target: str | Path) -> bool:
        """Open another database in this window; a refused file leaves the current one open."""
        from desktop_app.ui.backup_dialog import open_interactive

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
        from desktop_app.app import demo_database

        self.switch_to(demo_database())

    def about(self) -> None:
        QMessageBox.about(
            self, "О программе",
            f"<b>{APP_NAME}</b> {__version__}<br>Реестр муниципального методического актива, "
            "наставнических пар, диагностики профессиональных дефицитов и показателей.<br>"
            f"База данных: {self.db.title}",
        )

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.db.dispose()
        super().closeEvent(event)
