"""Personal data: public exports, the data folder, the log; unexpected errors in Russian."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

import desktop_app
from desktop_app import paths
from desktop_app.cli import main
from desktop_app.logging_setup import log_file, log_unexpected, mask, setup_logging
from desktop_app.model import ActiveMember, Organisation, Person
from tests.helpers import address, only_copy

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

PUBLIC = ("Ёлкина", "Анна", "Сергеевна")
HIDDEN = ("Засекреченный", "Пётр", "Ильич")
NOT_MEMBER = ("Посторонняя", "Вера", "Павловна")
PHONES = ("+7 913 555-12-34", "8 (3822) 77-66-55", "+7 900 111-22-33")
BIRTHS = (date(1979, 4, 13), date(1983, 11, 27), date(1990, 2, 8))


def _people(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        org = Organisation(short_name="МБОУ «Гимназия № 2»", full_name="МБОУ «Гимназия № 2»")
        session.add(org)
        for (last, first, middle), phone, born, consent, member in zip(
                (PUBLIC, HIDDEN, NOT_MEMBER), PHONES, BIRTHS, (True, False, True),
                (True, True, False), strict=True):
            person = Person(last_name=last, first_name=first, middle_name=middle,
                            search_key=last.lower(), birth_date=born, organisation=org,
                            phone=phone, email=f"{last.lower()}@example.ru",
                            position="учитель", consent_publish=consent)
            session.add(person)
            if member:
                session.add(ActiveMember(person=person, status="included",
                                         included_on=date(2025, 9, 1)))


def _no_private(text: str, public_name: bool) -> None:
    for phone in PHONES:
        assert phone not in text
    for born in BIRTHS:
        assert born.strftime("%d.%m.%Y") not in text and born.isoformat() not in text
    for name in (HIDDEN[0], NOT_MEMBER[0]):
        assert name not in text
    assert (PUBLIC[0] in text) is public_name


def test_public_list_service_holds_only_consenting_public_fields(db) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.services.active import public_list

    _people(db)
    with db.sessions() as session:
        rows = public_list(session, on=date(2026, 1, 15))
    assert [r.fio for r in rows] == [" ".join(PUBLIC)]
    assert set(vars(rows[0])) == {"fio", "place_of_work", "position", "subject_area", "email"}
    _no_private(repr(rows), public_name=True)


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_public_list_documents_hold_no_private_data(db, tmp_path: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.reports import produce
    from desktop_app.reports.params import ReportParams

    _people(db)
    out = tmp_path / f"public{suffix}"
    with db.sessions.begin() as session:
        produce(session, "public-list", ReportParams(on=date(2026, 1, 15)), out)
    if suffix == ".pdf":
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                              capture_output=True, text=True).stdout
    else:
        import docx

        document = docx.Document(str(out))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        text = "\n".join([p.text for p in document.paragraphs] + cells)
    _no_private(text, public_name=True)


def test_data_folder_is_the_users_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("METODAKTIV_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "profile"))
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = paths.data_dir()
    install = Path(desktop_app.__file__).resolve().parent.parent
    assert folder.is_relative_to(tmp_path / "profile") or sys.platform != "linux"
    assert not folder.is_relative_to(install)
    for sub in (paths.backups_dir(), paths.logs_dir(), paths.default_db_path()):
        assert sub.is_relative_to(folder)


def test_mask_hides_names_contacts_and_parameters() -> None:
    text = ("(sqlite3.IntegrityError) UNIQUE constraint failed: people.search_key "
            "[SQL: INSERT INTO people (last_name) VALUES (?)] "
            "[parameters: ('Ёлкина', 'Анна', '1979-04-13')] Иванова ivanova@example.ru "
            "+7 913 555-12-34 person_id=17")
    masked = mask(text)
    for secret in ("Ёлкина", "Анна", "1979-04-13", "Иванова", "ivanova@", "555-12-34"):
        assert secret not in masked
    assert "person_id=17" in masked and "UNIQUE constraint failed" in masked


def test_log_after_operations_holds_no_personal_data(db, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _people(db)
    path = address(db)
    db.dispose()
    assert main(["--db", path, "backup"]) == 0
    assert main(["--db", path, "check"]) == 0
    assert main(["--db", path, "restore", str(only_copy(db))]) == 0
    try:
        raise IntegrityError("INSERT INTO people", (PUBLIC[0], PHONES[0]), Exception("UNIQUE"))
    except IntegrityError as exc:
        log_unexpected(type(exc), exc, exc.__traceback__)
    try:
        raise ValueError(f"{' '.join(HIDDEN)} {HIDDEN[0].lower()}@example.ru {PHONES[1]}")
    except ValueError as exc:
        log_unexpected(type(exc), exc, exc.__traceback__)
    text = log_file().read_text(encoding="utf-8")
    assert "backup made" in text and "restore done" in text and "ValueError" in text
    _no_private(text, public_name=False)
    for part in (*PUBLIC, *HIDDEN, "example.ru"):
        assert part not in text


def test_cli_unexpected_error_is_russian_with_log_path(db, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop_app.commands import core

    def broken(_target: str, _progress: object = None) -> dict[str, object]:
        raise RuntimeError("сбой при подсчёте")

    monkeypatch.setattr(core, "collect", broken)
    assert main(["--db", address(db), "check"]) == 1
    err = capsys.readouterr().err
    assert "непредвиденная ошибка" in err and str(log_file()) in err
    assert "Traceback" not in err
    assert "RuntimeError" in log_file().read_text(encoding="utf-8")


def test_window_error_hook_shows_log_path_and_keeps_window(qtbot, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    from desktop_app.ui.app import install_error_hook
    from desktop_app.ui.main_window import MainWindow

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda _p, _t, text, *_a: shown.append(text) or QMessageBox.StandardButton.Ok)  # noqa: E501
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    setup_logging()
    window = MainWindow(db)
    qtbot.addWidget(window)
    window.show()
    install_error_hook(window)
    try:
        raise KeyError("people")
    except KeyError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(shown) == 1 and str(log_file()) in shown[0]
    assert "Сохранённые данные не потеряны" in shown[0]
    assert window.isVisible()
    assert "KeyError" in log_file().read_text(encoding="utf-8")
