"""Bad input, property-based: validators and the Excel import never crash and never half-save."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import inspect, text

from desktop_app.exchange.importer import import_file
from desktop_app.exchange.kinds import KINDS
from desktop_app.exchange.safe import ExchangeError
from desktop_app.model.enums import Category, EducationLevel, OrgKind
from desktop_app.services import registry, validation
from desktop_app.services.validation import (
    CourseInput,
    FieldError,
    OrganisationInput,
    PersonInput,
    Refused,
)
from desktop_app.store.database import Database

ENGINES = ("sqlite", "postgresql")  # the tests taking `db` run on both (conftest.py)

BOUNDED = settings(max_examples=60, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
TODAY = date(2026, 3, 1)

texts = st.text(max_size=60) | st.sampled_from(
    ["", " ", "Иванов", "Фёдорова-Петрова", "O'Neil", "12345", "=1+1", "a" * 400, "\x00", "ё"])
dates = st.none() | st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
small_ints = st.none() | st.integers(min_value=-(10**12), max_value=10**12)
codes = st.sampled_from(["", "?", *[m.value for m in EducationLevel], *[m.value for m in Category],
                         *[m.value for m in OrgKind]])
phones = st.sampled_from(["", "+7 913 555-12-34", "8 (3822) 77-66-55", "12", "телефон"]) | texts
emails = st.sampled_from(["", "a@b.ru", "почта@сайт.рф", "@", "a@b"]) | texts

courses = st.builds(CourseInput, title=texts, kind=codes, provider=texts, hours=small_ints,
                    end_date=dates, in_federal_registry=st.booleans())
people = st.builds(
    PersonInput, last_name=texts, first_name=texts, middle_name=texts, birth_date=dates,
    education_level=codes, education_year=small_ints, education_specialty=texts,
    education_institution=texts, education_pedagogical=st.booleans(),
    courses=st.lists(courses, max_size=3).map(tuple), organisation_id=st.none(),
    position=texts, category=codes, category_date=dates, ped_experience_start=dates,
    subject=texts, is_manager=st.booleans(), methodical_experience=texts, phone=phones,
    email=emails, achievements=texts,
    ground_numbers=st.lists(st.integers(-5, 50), max_size=4).map(tuple),
    consent_publish=st.booleans(), consent_date=dates, notes=texts,
)
organisations = st.builds(
    OrganisationInput, short_name=texts, full_name=texts, kind=codes,
    is_low_results=st.booleans(), is_difficult_conditions=st.booleans(),
    mentoring_act_date=dates, mentoring_act_number=texts, mentoring_programme_date=dates,
    curator_id=st.none(), head_name=texts, address=texts, phone=phones, email=emails,
)
anything = (st.none() | st.booleans() | st.integers() | st.floats() | texts | dates
            | st.datetimes(min_value=datetime(1900, 1, 1)) | st.times())


def _is_errors(found: object) -> None:
    assert isinstance(found, list)
    for error in found:
        assert isinstance(error, FieldError) and error.message.startswith("«")


@BOUNDED
@given(people, st.none() | st.sets(st.integers(0, 30)))
def test_validate_person_never_raises(data: PersonInput, grounds: set[int] | None) -> None:
    _is_errors(validation.validate_person(data, TODAY, grounds))
    validation.clean_person(data)


@BOUNDED
@given(organisations)
def test_validate_organisation_never_raises(data: OrganisationInput) -> None:
    _is_errors(validation.validate_organisation(data, TODAY))
    validation.clean_organisation(data)


@BOUNDED
@given(anything, texts, texts, dates)
def test_field_checks_never_raise(value: object, text: str, other: str, day: date | None) -> None:
    parsed = validation.parse_date_ru(value)
    assert parsed is None or isinstance(parsed, date)
    assert validation.normalise_phone(text) is None or isinstance(validation.normalise_phone(text),
                                                                   str)
    assert isinstance(validation.normalise_email(other), str)
    for problem in (validation.name_part_problem(text, True), validation.email_problem(other),
                    validation.phone_problem(text), validation.future_problem(day, TODAY)):
        assert problem is None or isinstance(problem, str)


def _table_counts(db: Database) -> dict[str, int]:
    """Rows in every table of the database, a file's or a server's."""
    with db.engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in inspect(conn).get_table_names()}


def test_add_person_saves_whole_or_nothing(db) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        org_id = registry.add_organisation(session, OrganisationInput(short_name="МБОУ СОШ № 7"))

    @BOUNDED
    @given(people, st.booleans())
    def check(data: PersonInput, with_org: bool) -> None:
        if with_org:
            data = PersonInput(**{**vars(data), "organisation_id": org_id})
        before = _table_counts(db)
        try:
            with db.sessions.begin() as session:
                registry.add_person(session, data, on=TODAY)
        except Refused as refused:
            assert str(refused)
            assert _table_counts(db) == before
            return
        after = _table_counts(db)
        assert after["people"] == before["people"] + 1
        assert after["change_log"] > before["change_log"]

    check()


cells = (st.none() | st.booleans() | st.integers(-(10**15), 10**15)
         | st.floats(allow_nan=False, allow_infinity=False)
         | texts.map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t))
         | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))
         | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1))
         | st.just(time(10, 30)))
titles = st.sampled_from([*(k.title for k in KINDS.values()), "Лист1", "Сведения", "Педагоги",
                          "x" * 31, "Организации"])


@st.composite
def workbooks(draw: st.DrawFn) -> list[tuple[str, list[list[object]]]]:
    """Sheets of random titles; each starts with a real form's headers or random cells."""
    sheets = []
    for _ in range(draw(st.integers(0, 3))):
        rows: list[list[object]] = []
        if draw(st.booleans()):
            kind = KINDS[draw(st.sampled_from(sorted(KINDS)))]
            headers = [f.title for f in kind.fields]
            rows.append(draw(st.permutations(headers)) if draw(st.booleans()) else headers)
        width = draw(st.integers(1, 12))
        rows += draw(st.lists(st.lists(cells, min_size=0, max_size=width), max_size=15))
        sheets.append((draw(titles), rows))
    return sheets


def _write(path: Path, sheets: list[tuple[str, list[list[object]]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    if not sheets:
        book.create_sheet("Пусто")
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)


def test_excel_import_never_crashes_or_half_saves(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with db.sessions.begin() as session:
        registry.add_organisation(session, OrganisationInput(short_name="МБОУ СОШ № 7"))
    book = tmp_path / "random.xlsx"

    @settings(BOUNDED, max_examples=40)
    @given(workbooks(), st.booleans())
    def check(sheets: list[tuple[str, list[list[object]]]], valid_only: bool) -> None:
        _write(book, sheets)
        before = _table_counts(db)
        try:
            result = import_file(db, book, valid_only=valid_only, today=TODAY)
        except ExchangeError as refused:
            assert str(refused)
            assert _table_counts(db) == before
            return
        if not result.applied:
            assert _table_counts(db) == before
        for error in result.errors:
            assert error.sheet and error.reason

    check()


def test_import_of_random_bytes_is_refused(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.xlsx"

    @BOUNDED
    @given(st.binary(max_size=2000), st.booleans())
    def check(data: bytes, zipped: bool) -> None:
        path.write_bytes(b"PK\x03\x04" + data if zipped else data)
        before = _table_counts(db)
        try:
            import_file(db, path)
        except ExchangeError as refused:
            assert "«broken.xlsx»" in str(refused)
        assert _table_counts(db) == before

    check()
