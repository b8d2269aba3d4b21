"""A returned round file reviewed and applied: every refusal of the issue, conflicts, unticked
changes, a preview that writes nothing, and the blank forms' rules kept."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from desktop_app.cli import main
from desktop_app.demo import Scale, write_demo
from desktop_app.exchange.importer import import_file
from desktop_app.exchange.rounds import review as rv
from desktop_app.exchange.rounds.apply import apply_return
from desktop_app.exchange.rounds.preview import review_return
from desktop_app.exchange.rounds.review import review_lines
from desktop_app.exchange.rounds.spec import ROUND_SHEET, RoundError, code_of
from desktop_app.exchange.rounds.status import round_status, status_lines
from desktop_app.exchange.rounds.write import SentFile, StartResult, start_round
from desktop_app.exchange.safe import ExchangeError
from desktop_app.model import ChangeLog, Organisation, Pair, Participation, Person, RoundFile
from desktop_app.services import registry
from desktop_app.store.database import Database, open_database
from tests.round_files import SchoolBook, folder_hashes
from tests.test_exchange_roundtrip import db_digest

Capture = pytest.CaptureFixture[str]
TODAY = date.today()
ON = TODAY - timedelta(days=2)
PEOPLE = "Педагоги"
ORG = "Организация"
PAIRS = "Наставнические пары"
PARTS = "Участие в мероприятиях"
CODE = "Код записи"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo town (4 ОО, 80 people, pairs in progress), built once."""
    path = tmp_path_factory.mktemp("town") / "town.sqlite"
    write_demo(path, Scale(organisations=4, people=80, active=4, pairs=30, sessions=10), seed=3)
    return path


@dataclass
class Town:
    db: Database
    path: Path
    folder: Path
    round: StartResult

    def file(self, org_id: int) -> SentFile:
        return next(f for f in self.round.files if f.org_id == org_id)

    def with_pairs(self) -> SentFile:
        return max(self.round.files, key=lambda f: f.pairs)

    def book(self, org_id: int = 1) -> SchoolBook:
        return SchoolBook(self.file(org_id).path)

    def cli(self, *args: str) -> int:
        return main(["--db", str(self.path), *args])

    def digest(self) -> str:
        return db_digest(self.path, skip=("round_files",))


@pytest.fixture
def town(template: Path, tmp_path: Path) -> Iterator[Town]:
    path = tmp_path / "town.sqlite"
    shutil.copy(template, path)
    db = open_database(path)
    started = start_round(db, ON, tmp_path / "round", deadline=TODAY + timedelta(days=10))
    yield Town(db, path, tmp_path, started)
    db.dispose()


def people_of(town: Town, org_id: int) -> dict[str, Person]:
    with town.db.sessions() as s:
        return {code_of("people", p.id): p for p in s.scalars(
            select(Person).where(Person.organisation_id == org_id))}


def person(town: Town, pid: int) -> Person:
    with town.db.sessions() as s:
        found = s.get(Person, pid)
        assert found is not None
        return found


def count(town: Town, model: type) -> int:
    with town.db.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def org_name(town: Town, org_id: int) -> str:
    with town.db.sessions() as s:
        org = s.get(Organisation, org_id)
        assert org is not None
        return org.short_name


def first_working(book: SchoolBook) -> str:
    return next(r[CODE] for r in book.rows(PEOPLE) if r["Работает"] == "да")


# the file as a whole ------------------------------------------------------------------------
def test_untouched_file_has_no_changes(town: Town) -> None:
    review = review_return(town.db, town.file(1).path)
    assert review.changes == [] and review.unconfirmed == [] and review.errors == []
    assert review.org_id == 1 and review.on == ON
    assert "Изменений нет" in "\n".join(review_lines(review))


def test_file_of_an_older_round_is_refused_naming_both_dates(town: Town) -> None:
    old = town.file(1).path
    start_round(town.db, TODAY, town.folder / "second")
    with pytest.raises(RoundError) as caught:
        review_return(town.db, old)
    text = str(caught.value)
    assert ON.strftime("%d.%m.%Y") in text and TODAY.strftime("%d.%m.%Y") in text
    assert "прошлого сбора" in text


def test_rows_of_another_organisation_refuse_the_file(town: Town, capsys: Capture) -> None:
    book = town.book(1)
    code = first_working(book)
    other = org_name(town, 2)
    number = book.set(PEOPLE, code, {"ОО": other})
    path = book.save()
    before = town.digest()
    with pytest.raises(RoundError) as caught:
        review_return(town.db, path)
    assert f"Файл ОО «{org_name(town, 1)}», а в строке {number} — ОО «{other}»" in str(
        caught.value)
    assert town.cli("collect", "apply", str(path)) == 1
    assert f"в строке {number} — ОО «{other}»" in capsys.readouterr().err
    assert town.digest() == before


def test_organisation_row_of_another_organisation_refuses_the_file(town: Town) -> None:
    book = town.book(1)
    other = org_name(town, 2)
    number = book.add(ORG, {"Краткое наименование": other})
    with pytest.raises(RoundError, match=f"в строке {number} — ОО «{other}»"):
        review_return(town.db, book.save())
    book = town.book(1)
    book.set(ORG, code_of("organisations", 1), {CODE: code_of("organisations", 2)})
    with pytest.raises(RoundError, match="а в строке 2 — ОО"):
        review_return(town.db, book.save())


def test_same_file_twice_is_told_and_changes_nothing(town: Town, capsys: Capture) -> None:
    book = town.book(1)
    book.set(PEOPLE, first_working(book), {"Телефон": "8 900 111 22 33"})
    path = book.save()
    first = apply_return(town.db, path)
    assert first.applied and first.taken == 1
    before = town.digest()
    again = apply_return(town.db, path)
    assert not again.applied and again.taken == 0
    assert again.review.applied_before is not None
    assert "уже применён" in again.message
    assert again.review.applied_before.strftime("%d.%m.%Y") in again.message
    assert town.digest() == before
    assert town.cli("collect", "apply", str(path)) == 0
    assert "уже применён" in capsys.readouterr().out
    assert town.digest() == before


def test_edited_hidden_sheet_is_refused(town: Town) -> None:
    book = town.book(1)
    ws = book.wb[ROUND_SHEET]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Код ОО":
            row[1].value = 2  # pretend to be another school
    with pytest.raises(RoundError, match="подпись не сходится"):
        review_return(town.db, book.save())
    book = town.book(1)
    book.wb[ROUND_SHEET]["A1"] = "что-то своё"
    with pytest.raises(RoundError, match="скрытый лист «Сбор сведений» изменён"):
        review_return(town.db, book.save(town.folder / "b.xlsx"))


def test_blank_form_or_exchange_book_where_a_round_file_is_expected(
        town: Town, capsys: Capture) -> None:
    form = town.folder / "бланк.xlsx"
    assert town.cli("template", "people", "--out", str(form)) == 0
    with pytest.raises(RoundError, match="это бланк, а не файл сбора сведений: загрузите его "
                                         "командой import"):
        review_return(town.db, form)
    assert town.cli("collect", "apply", "--preview", str(form)) == 1
    assert "это бланк" in capsys.readouterr().err
    book = town.folder / "обмен.xlsx"
    assert town.cli("export", "--out", str(book)) == 0
    with pytest.raises(RoundError, match="книга обмена"):
        review_return(town.db, book)
    copied = openpyxl.load_workbook(town.file(1).path)
    del copied[ROUND_SHEET]
    copied.save(town.folder / "копия.xlsx")
    with pytest.raises(RoundError, match="нет скрытого листа"):
        review_return(town.db, town.folder / "копия.xlsx")
    (town.folder / "не книга.xlsx").write_text("просто текст")
    with pytest.raises(RoundError, match="не книга Excel"):
        review_return(town.db, town.folder / "не книга.xlsx")


def test_round_file_given_to_import_is_refused(town: Town, capsys: Capture) -> None:
    path = town.file(1).path
    before = town.digest()
    with pytest.raises(ExchangeError) as caught:
        import_file(town.db, path)
    assert str(caught.value) == (
        f"Это файл сбора сведений (ОО «{org_name(town, 1)}», сбор от {ON:%d.%m.%Y}): загрузите "
        "его командой collect apply или в окне «Сбор сведений…».")
    assert town.cli("import", str(path)) == 1
    assert "Это файл сбора сведений" in capsys.readouterr().err
    assert town.digest() == before


# rows and codes ----------------------------------------------------------------------------
def test_copied_row_and_unknown_code_refused_at_their_cells(town: Town) -> None:
    book = town.book(1)
    code = first_working(book)
    source = book.row_of(PEOPLE, code)
    copy = book.copy_row(PEOPLE, code)
    bad = book.add(PEOPLE, {"Фамилия": "Новая", "Имя": "Анна", "Дата рождения": date(1990, 1, 2),
                            "ОО": org_name(town, 1), CODE: "П-999999"})
    review = review_return(town.db, book.save())
    column = f"{openpyxl.utils.get_column_letter(len(book.titles(PEOPLE)))} ({CODE})"
    found = {(e.row, e.column): e.reason for e in review.errors}
    assert f"повторяется в строках {source}, {copy}" in found[(source, column)]
    assert f"повторяется в строках {source}, {copy}" in found[(copy, column)]
    assert "такого кода в отправленном файле нет" in found[(bad, column)]
    assert not review.unconfirmed  # the copied code is there
    result = apply_return(town.db, review.path)
    assert not result.applied and "не принят" in result.message


def test_deleted_row_is_unconfirmed_never_leaving(town: Town) -> None:
    book = town.book(1)
    code = first_working(book)
    pid = int(code.split("-")[1])
    book.delete(PEOPLE, code)
    review = review_return(town.db, book.save())
    assert [u.code for u in review.unconfirmed] == [code]
    assert not review.changes and not review.errors
    assert "Не подтверждены — 1" in "\n".join(review_lines(review))
    result = apply_return(town.db, review.path)
    assert result.applied and result.taken == 0
    assert person(town, pid).is_active and person(town, pid).left_on is None


def test_leaving_without_date_is_refused_as_the_forms_refuse(town: Town) -> None:
    book = town.book(1)
    code = first_working(book)
    number = book.set(PEOPLE, code, {"Работает": "нет"})
    review = review_return(town.db, book.save())
    assert [c.kind for c in review.changes] == [rv.LEAVE]
    assert any(e.row == number and "Работает" in e.column and "Дата выбытия" in e.reason
               for e in review.errors), review.errors


def test_leaving_and_corrected_name_matched_by_code(town: Town) -> None:
    book = town.book(1)
    working = [r[CODE] for r in book.rows(PEOPLE) if r["Работает"] == "да"]
    leaving, renamed = working[0], working[1]
    left_on = ON - timedelta(days=1)
    book.set(PEOPLE, leaving, {"Работает": "нет", "Дата выбытия": left_on})
    book.set(PEOPLE, renamed, {"Фамилия": "Переименованная", "Дата рождения": date(1980, 5, 6)})
    people_before = count(town, Person)
    result = apply_return(town.db, book.save())
    assert result.applied, result.review.errors
    kinds = sorted(c.kind for c in result.review.changes)
    assert kinds == [rv.FIELD, rv.FIELD, rv.LEAVE]
    gone = person(town, int(leaving.split("-")[1]))
    assert not gone.is_active and gone.left_on == left_on
    fixed = person(town, int(renamed.split("-")[1]))
    assert fixed.last_name == "Переименованная" and fixed.birth_date == date(1980, 5, 6)
    assert count(town, Person) == people_before
    with town.db.sessions() as s:
        sources = set(s.scalars(select(ChangeLog.source).where(ChangeLog.source != "")))
    assert f"Сбор сведений {ON:%d.%m.%Y}: {org_name(town, 1)}" in sources


def test_new_teacher_from_another_school_needs_the_move_date(town: Town) -> None:
    other = next(p for p in people_of(town, 2).values() if p.is_active)
    book = town.book(1)
    row = {"Фамилия": other.last_name, "Имя": other.first_name, "Отчество": other.middle_name,
           "Дата рождения": other.birth_date, "ОО": org_name(town, 1), "Должность": "учитель"}
    number = book.add(PEOPLE, row)
    review = review_return(town.db, book.save())
    assert [c.kind for c in review.changes] == [rv.MOVE_IN]
    assert any(e.row == number and "Дата перевода" in e.column for e in review.errors)
    book = town.book(1)
    book.add(PEOPLE, {**row, "Дата перевода (приёма)": ON})
    result = apply_return(town.db, book.save(town.folder / "с датой.xlsx"))
    assert result.applied, result.review.errors
    moved = person(town, other.id)
    assert moved.organisation_id == 1 and moved.is_active


def test_blank_status_with_actual_end_is_derived_and_early_end_needs_reason(town: Town) -> None:
    sent = town.with_pairs()
    book = SchoolBook(sent.path)
    code = book.codes(PAIRS)[0]
    start = book.get(PAIRS, code, "Дата начала").date()
    ended = max(start, ON - timedelta(days=1))
    number = book.set(PAIRS, code, {"Дата завершения фактическая": ended})
    review = review_return(town.db, book.save())
    assert [c.kind for c in review.changes] == [rv.PAIR_END]
    assert any(e.row == number and "Причина" in e.column for e in review.errors), review.errors
    book.set(PAIRS, code, {"Причина": "переезд наставляемого"})
    result = apply_return(town.db, book.save(town.folder / "с причиной.xlsx"))
    assert result.applied, result.review.errors
    with town.db.sessions() as s:
        pair = s.get(Pair, int(code.split("-")[1]))
        assert pair is not None
        assert pair.status == "ended_early" and pair.ended_on == ended


def test_pair_identity_is_not_changed_in_the_file(town: Town) -> None:
    book = SchoolBook(town.with_pairs().path)
    code = book.codes(PAIRS)[0]
    number = book.set(PAIRS, code, {"ФИО наставника": "Другой Наставник Петрович"})
    review = review_return(town.db, book.save())
    assert any(e.row == number and "наставника" in e.column and "не меняются" in e.reason
               for e in review.errors)


def test_empty_sheets_are_taken(town: Town) -> None:
    book = town.book(1)
    for code in book.codes(PAIRS):
        book.delete(PAIRS, code)
    review = review_return(town.db, book.save())
    assert not review.errors
    assert {u.sheet for u in review.unconfirmed} <= {PAIRS}


# conflicts, ticks, preview -----------------------------------------------------------------
def _category_conflict(town: Town) -> tuple[Path, int]:
    """The centre changes a category after sending; the school changes it otherwise."""
    book = town.book(1)
    code = next(r[CODE] for r in book.rows(PEOPLE) if r["Работает"] == "да"
                and r["Квалификационная категория"] not in ("первая", "высшая"))
    pid = int(code.split("-")[1])
    with town.db.sessions.begin() as s:
        data = replace(registry.get_person_input(s, pid), category="highest")
        registry.update_person(s, pid, data)
    book.set(PEOPLE, code, {"Квалификационная категория": "первая"})
    return book.save(), pid


def test_conflict_shows_both_values_and_keeps_the_centre(town: Town) -> None:
    path, pid = _category_conflict(town)
    review = review_return(town.db, path)
    [change] = review.changes
    assert change.conflict and change.current == "высшая" and change.new == "первая"
    assert "конфликт: в базе центра теперь «высшая»" in change.text()
    assert "Конфликты — 1" in "\n".join(review_lines(review))
    result = apply_return(town.db, path)
    assert result.applied and result.taken == 0
    assert person(town, pid).category == "highest"


def test_accepted_conflict_takes_the_schools_value(town: Town) -> None:
    path, pid = _category_conflict(town)
    [change] = review_return(town.db, path).changes
    result = apply_return(town.db, path, accepted={change.id})
    assert result.applied and result.taken == 1
    assert person(town, pid).category == "first"


def test_accept_conflicts_on_the_command_line(town: Town, capsys: Capture) -> None:
    path, pid = _category_conflict(town)
    assert town.cli("collect", "apply", "--accept-conflicts", str(path)) == 0
    assert "Применено: изменений — 1" in capsys.readouterr().out
    assert person(town, pid).category == "first"


def test_unticked_changes_are_not_taken(town: Town) -> None:
    book = town.book(1)
    working = [r[CODE] for r in book.rows(PEOPLE) if r["Работает"] == "да"]
    book.set(PEOPLE, working[0], {"Должность": "завуч"})
    book.set(PEOPLE, working[1], {"Должность": "библиотекарь"})
    path = book.save()
    review = review_return(town.db, path)
    assert len(review.changes) == 2
    taken = review.changes[0]
    result = apply_return(town.db, path, accepted={taken.id})
    assert result.applied and result.taken == 1
    first, second = (person(town, int(c.split("-")[1])) for c in working[:2])
    assert first.position == "завуч" and second.position != "библиотекарь"


def test_a_field_the_school_left_never_undoes_the_centres_change(town: Town) -> None:
    book = town.book(1)
    working = [r[CODE] for r in book.rows(PEOPLE) if r["Работает"] == "да"]
    pid = int(working[0].split("-")[1])
    with town.db.sessions.begin() as s:
        registry.update_person(s, pid, replace(registry.get_person_input(s, pid),
                                               subject="астрономия"))
    book.set(PEOPLE, working[0], {"Телефон": "8 900 765 43 21"})
    result = apply_return(town.db, book.save())
    assert result.applied and result.taken == 1
    assert person(town, pid).subject == "астрономия"
    assert person(town, pid).phone == "+7 (900) 765-43-21"


def test_preview_writes_nothing(town: Town, data_home: Path, capsys: Capture) -> None:
    book = town.book(1)
    book.set(PEOPLE, first_working(book), {"Должность": "завуч"})
    book.add(PEOPLE, {"Фамилия": "Новикова", "Имя": "Ольга", "Дата рождения": date(1991, 3, 4),
                      "ОО": org_name(town, 1), "Должность": "учитель"})
    path = book.save()
    town.db.dispose()
    before = folder_hashes(town.path.parent), folder_hashes(data_home)
    assert town.cli("collect", "apply", "--preview", str(path)) == 0
    out = capsys.readouterr().out
    assert "Добавить педагогов — 1" in out and "Должность" in out and "завуч" in out
    assert "Проверка без записи: база не изменена." in out
    assert (folder_hashes(town.path.parent), folder_hashes(data_home)) == before


def test_apply_records_the_round_and_status_shows_it(town: Town, capsys: Capture) -> None:
    book = town.book(1)
    book.set(PEOPLE, first_working(book), {"Должность": "завуч"})
    path = book.save()
    assert town.cli("collect", "apply", str(path)) == 0
    assert "Резервная копия базы до применения" in capsys.readouterr().out
    status = round_status(town.db)
    assert status is not None
    one = next(o for o in status.orgs if o.org_id == 1)
    assert one.state == "применён" and one.changes == 1 and one.refused == 0
    assert one.returned_name == path.name
    assert len(status.silent) == len(status.orgs) - 1
    assert town.cli("collect", "status") == 0
    out = capsys.readouterr().out
    assert f"{org_name(town, 1)} — применён" in out and "Ещё не вернули:" in out
    assert "\n".join(status_lines(status)) in out


def test_refused_apply_is_recorded_but_changes_no_data(town: Town) -> None:
    book = town.book(1)
    book.set(PEOPLE, first_working(book), {"Работает": "нет"})
    path = book.save()
    before = town.digest()
    result = apply_return(town.db, path)
    assert not result.applied and result.review.errors
    assert town.digest() == before
    with town.db.sessions() as s:
        rf = s.scalars(select(RoundFile).where(RoundFile.organisation_id == 1)).one()
        assert rf.applied is None and rf.refused == len(result.review.errors)
        assert rf.returned is not None


def test_status_without_a_round(tmp_path: Path, capsys: Capture) -> None:
    path = tmp_path / "empty.sqlite"
    assert main(["--db", str(path), "init"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "collect", "status"]) == 0
    assert "Сбора сведений ещё не было" in capsys.readouterr().out
    assert main(["--db", str(path), "collect", "status", "--json"]) == 0
    assert capsys.readouterr().out.strip() == "null"


def test_reminder_names_the_silent_with_emails_and_deadline(town: Town) -> None:
    status = round_status(town.db, today=TODAY + timedelta(days=11))
    assert status is not None
    assert all(o.overdue for o in status.orgs)
    text = status.reminder_text()
    for org in status.orgs:
        assert org.org_name in text
        if org.email:
            assert org.email in text
    assert (TODAY + timedelta(days=10)).strftime("%d.%m.%Y") in text
    assert "срок прошёл" in "\n".join(status_lines(status))


def test_participation_added_and_changed(town: Town) -> None:
    sent = max(town.round.files, key=lambda f: f.participations)
    book = SchoolBook(sent.path)
    code = book.codes(PARTS)[0]
    book.set(PARTS, code, {"Название мероприятия": "Исправленное название"})
    who = next(iter(book.rows(PEOPLE)))
    book.add(PARTS, {"Фамилия": who["Фамилия"], "Имя": who["Имя"], "Отчество": who["Отчество"],
                     "Дата рождения": who["Дата рождения"], "Вид участия": "мастер-класс",
                     "Название мероприятия": "Новый мастер-класс", "Уровень": "муниципальный",
                     "Дата": ON})
    before = count(town, Participation)
    result = apply_return(town.db, book.save())
    assert result.applied, result.review.errors
    assert sorted(c.kind for c in result.review.changes) == [rv.FIELD, rv.PARTICIPATION_ADD]
    assert count(town, Participation) == before + 1
    with town.db.sessions() as s:
        record = s.get(Participation, int(code.split("-")[1]))
        assert record is not None and record.title == "Исправленное название"
