"""Documents → «Страница для сайта…»: choose a folder and write the page «Наставничество» there
(reports/site.py; the same page as `metodaktiv site --out ПАПКА`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from desktop_app import APP_NAME
from desktop_app.reports.site import PAGE, SiteRefused, write_site
from desktop_app.services import requisites, settings

if TYPE_CHECKING:
    from desktop_app.ui.main_window import MainWindow

MENU_TITLE = "Страница для сайта «Наставничество»…"


def add_site_action(window: MainWindow, menu: QMenu) -> None:
    """The menu item (in the documents menu, after the documents)."""
    menu.addSeparator()
    action = menu.addAction(MENU_TITLE)
    action.triggered.connect(lambda _checked=False: publish_site(window))


def publish_site(window: MainWindow) -> Path | None:
    """Ask for the folder, write the page for today; returns index.html, None when refused or
    cancelled (the reason shown in a message)."""
    with window.db.sessions() as session:
        missing = settings.missing_requisites(session)
    if missing:
        QMessageBox.warning(window, APP_NAME, requisites.window_refusal(missing))
        return None
    folder = QFileDialog.getExistingDirectory(
        window, "Папка для страницы сайта (новая, пустая или с прежней страницей)")
    if not folder:
        return None
    out = Path(folder)
    try:
        with window.db.sessions() as session:
            written = write_site(session, out)
    except SiteRefused as exc:
        QMessageBox.warning(window, APP_NAME, str(exc))
        return None
    except OSError as exc:
        QMessageBox.warning(window, APP_NAME, f"Не удалось записать страницу в папку «{out}»: "
                                              f"{exc.strerror or exc}")
        return None
    names = ", ".join(path.name for path in written)
    QMessageBox.information(
        window, APP_NAME, f"Страница сайта записана в папку «{out}» ({names}). Скопируйте "
                          "папку на сайт центра целиком, как есть; откройте index.html, чтобы "
                          "посмотреть страницу.")
    return out / PAGE
