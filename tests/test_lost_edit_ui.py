"""No lost edit in the window: two seats (two Database objects on one file or one PostgreSQL
database) open the same record's dialog; the first saves, the second's save is refused with the
message, its dialog stays open with what was typed, and the database keeps the first save."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from desktop_app.model import ActiveMember, Organisation, Pair, Person
from desktop_app.services import pairs, registry
from desktop_app.store.database import Database, open_database
from desktop_app.ui.pairs.dialogs import PairDialog, StatusDialog
from desktop_app.ui.registry.active_panel import MemberDialog
from desktop_app.ui.registry.organisation_dialog import OrganisationDialog
from desktop_app.ui.registry.person_dialog import PersonDialog
from tests.test_lost_edit import make_world, target

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)
CHANGED = re.compile(r"^Запись изменена другим пользователем \(\d\d\.\d\d\.\d{4} \d\d:\d\d\) — "
                     r"обновите и повторите$")


@pytest.fixture
def seat_b(db: Database) -> Iterator[Database]:
    """The same database opened again, as another seat opens it."""
    other = open_database(target(db))
    yield other
    other.dispose()


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    """The records of the service tests (tests/test_lost_edit.py), the same for the dialogs."""
    return make_world(db)


def test_two_person_dialogs_the_second_save_is_refused(
        qtbot, db: Database, seat_b: Database, world: dict[str, int],  # type: ignore[no-untyped-def]
        no_blocking_message_boxes: list[tuple[str, str]]) -> None:
    pid = world["mentee"]
    first = PersonDialog(db, pid)
    second = PersonDialog(seat_b, pid)
    for dialog in (first, second):
        qtbot.addWidget(dialog)
        dialog.show()
    assert first.version == second.version == 1
    first.phone.setText("+7 913 111-11-11")
    second.subject.setText("химия")
    second.notes.setPlainText("набрано на втором месте")
    assert first.save() is True
    assert second.save() is False
    assert CHANGED.match(second.summary.text()), second.summary.text()
    assert not second.summary.isHidden()
    assert second.isVisible() and second.result() == 0  # still open, nothing accepted
    assert (second.subject.text(), second.notes.toPlainText()) == (
        "химия", "набрано на втором месте")
    assert no_blocking_message_boxes == []  # told in the form, as its other refusals
    with db.sessions() as s:
        person = s.get(Person, pid)
        assert person is not None
        assert (person.phone, person.subject, person.notes) == ("+7 (913) 111-11-11", "", "")
    # reopened, the second seat's form loads the first save and saves on top of it
    again = PersonDialog(seat_b, pid)
    qtbot.addWidget(again)
    assert again.version == 2 and again.phone.text() == "+7 (913) 111-11-11"
    again.subject.setText("химия")
    assert again.save() is True
    with db.sessions() as s:
        person = s.get(Person, pid)
        assert person is not None
        assert (person.phone, person.subject) == ("+7 (913) 111-11-11", "химия")


def test_two_organisation_dialogs(qtbot, db: Database, seat_b: Database,  # type: ignore[no-untyped-def]
                                  world: dict[str, int]) -> None:
    first, second = OrganisationDialog(db, world["org"]), OrganisationDialog(seat_b, world["org"])
    for dialog in (first, second):
        qtbot.addWidget(dialog)
    first.head_name.setText("Орлова В. П.")
    second.address.setText("ул. Ленина, 1")
    assert first.save() is True and second.save() is False
    assert CHANGED.match(second.summary.text()), second.summary.text()
    assert second.address.text() == "ул. Ленина, 1"
    with db.sessions() as s:
        org = s.get(Organisation, world["org"])
        assert org is not None
        assert (org.head_name, org.address) == ("Орлова В. П.", "")


def test_two_pair_dialogs_and_a_status_change(qtbot, db: Database, seat_b: Database,  # type: ignore[no-untyped-def]
                                              world: dict[str, int]) -> None:
    first, second = PairDialog(db, world["pair"]), PairDialog(seat_b, world["pair"])
    status = StatusDialog(seat_b, world["pair"], "planned")
    for dialog in (first, second, status):
        qtbot.addWidget(dialog)
        dialog.confirm_warnings = lambda _warnings: True  # type: ignore[method-assign]
    first.order_number.setText("15-к")
    second.goal_edit.setPlainText("Освоить ФОП")
    first.save()
    assert first.result() == 1
    second.save()
    assert second.result() == 0
    assert "Запись изменена другим пользователем (" in second.notice.text()
    assert second.goal_edit.toPlainText() == "Освоить ФОП"
    status.save()
    assert status.result() == 0 and CHANGED.match(status.error.text()), status.error.text()
    with db.sessions() as s:
        pair = s.get(Pair, world["pair"])
        assert pair is not None
        assert (pair.order_number, pair.status) == ("15-к", "planned")
        assert pairs.pair_input(s, world["pair"]).goal == ""


def test_two_member_dialogs(qtbot, db: Database, seat_b: Database,  # type: ignore[no-untyped-def]
                            world: dict[str, int]) -> None:
    first = MemberDialog(db, member_id=world["member"])
    second = MemberDialog(seat_b, member_id=world["member"])
    for dialog in (first, second):
        qtbot.addWidget(dialog)
    first.subject_area.setText("биология")
    second.subject_area.setText("физика")
    assert first.save() is True and second.save() is False
    assert CHANGED.match(second.error.text()), second.error.text()
    assert second.subject_area.text() == "физика"
    with db.sessions() as s:
        member = s.get(ActiveMember, world["member"])
        assert member is not None and member.subject_area == "биология"


def test_a_job_corrected_in_the_form_is_not_another_seat(
        qtbot, db: Database, seat_b: Database, world: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    """The «История работы» page of the person's own form changes the position of the current
    job, a new version of the person: the form takes it as its own and still saves; another
    seat's save after that is still refused."""
    pid = world["mentee"]
    dialog = PersonDialog(db, pid)
    qtbot.addWidget(dialog)
    with db.sessions.begin() as s:  # what the page saves
        job = next(j for j in registry.job_history(s, pid) if j.is_current)
        registry.update_job(s, job.id, registry.JobInput(job.organisation_id, "учитель химии",
                                                         job.start_date, None))
    dialog._jobs_changed()
    assert dialog.version == 2 and dialog.position.currentText() == "учитель химии"
    other = PersonDialog(seat_b, pid)
    qtbot.addWidget(other)
    other.notes.setPlainText("со второго места")
    assert other.save() is True
    dialog.subject.setText("химия")
    assert dialog.save() is False and CHANGED.match(dialog.summary.text())
    with db.sessions() as s:
        person = s.get(Person, pid)
        assert person is not None
        assert (person.position, person.notes, person.subject) == (
            "учитель химии", "со второго места", "")
