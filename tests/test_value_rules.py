"""The value rules of services/validation.py: one set for the forms, the person card and the
exchange workbook — what each refuses and in which words, that the column-at-a-time check
refuses exactly what the value-at-a-time one does, and that the table of rules fits the model."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import Date, Float, Integer, String, Text

from desktop_app.exchange.workbook import carried_columns, exchange_tables
from desktop_app.services import validation as v
from desktop_app.services.pairs import end_problems

ON = date(2026, 12, 6)


@pytest.mark.parametrize(("day", "past", "words"), [
    (date(2030, 1, 1), True, "дата 01.01.2030 ещё не наступила (сегодня 06.12.2026)"),
    (date(1899, 12, 31), True, "31.12.1899 — слишком ранняя дата (не раньше 01.01.1900)"),
    (date(1899, 12, 31), False, "31.12.1899 — слишком ранняя дата (не раньше 01.01.1900)"),
    (date(2077, 1, 1), False, "01.01.2077 — слишком поздняя дата (не позже 06.12.2076)"),
])
def test_dates_too_early_or_too_late(day: date, past: bool, words: str) -> None:
    assert v.date_problem(day, ON, past) == words


@pytest.mark.parametrize(("day", "past"), [
    (date(1900, 1, 1), True), (ON, True), (date(2030, 1, 1), False), (date(2076, 12, 6), False),
])
def test_dates_within_bounds(day: date, past: bool) -> None:
    assert v.date_problem(day, ON, past) is None


def test_birth_in_the_past_and_a_plausible_age() -> None:
    assert v.birth_date_problem(date(2030, 1, 1), ON) == \
        "дата 01.01.2030 ещё не наступила (сегодня 06.12.2026)"
    assert v.birth_date_problem(date(2008, 12, 7), ON) == \
        "возраст на 06.12.2026 — 17 (допустимо от 18 до 80 лет)"
    assert v.birth_date_problem(date(2008, 12, 6), ON) is None
    assert v.birth_date_problem(date(1935, 1, 1), ON) is not None  # 91: not at entry
    assert v.birth_date_problem(date(1935, 1, 1), ON, v.KEPT_MAX_AGE) is None  # kept on record
    assert v.birth_date_problem(date(1900, 1, 2), ON, v.KEPT_MAX_AGE) == \
        "возраст на 06.12.2026 — 126 (допустимо от 18 до 100 лет)"


def test_years_hours_and_scores() -> None:
    assert v.education_year_problem(-2000, date(1985, 3, 15), ON) == \
        "-2000 — слишком рано (не раньше 2000 года)"
    assert v.education_year_problem(2027, None, ON) == "2027 год ещё не наступил"
    assert v.HOURS.problem(-40, ON) == "-40 ч — допустимо от 1 до 3000"
    assert v.HOURS.problem(10**12, ON) == "1000000000000 ч — допустимо от 1 до 3000"
    assert v.PERCENT.problem(float("nan"), ON) == "nan % — допустимо от 0 до 100"
    assert v.PERCENT.problem(12.5, ON) is None
    assert v.score_problem(6, 1, 5) == "балл должен быть от 1 до 5"
    assert v.STORABLE.problem(2**70, ON) is not None and v.STORABLE.problem(-(2**63), ON) is None


def test_names_and_emails() -> None:
    assert v.NAME_REQUIRED.problem("Иванoва", ON) == \
        "«Иванoва» — смешаны русские и латинские буквы"
    assert v.NAME_REQUIRED.problem("", ON) == "не заполнено"
    assert v.NAME.problem("", ON) is None
    assert v.EMAIL.problem("not-an-email", ON) == \
        "«not-an-email» — не адрес электронной почты (нужно имя@домен.ru)"
    assert v.EMAIL.problem("директор@школа.рф", ON) is None


def test_the_pair_rule_is_the_forms_rule() -> None:
    """The book's order of a pair's dates and the forms' (services/pairs.end_problems) are one
    rule, in the same words."""
    start, end = date(2026, 9, 1), date(1901, 1, 1)
    rule = next(r for r in v.ROW_RULES["pairs"] if r.column == "end_date")
    found = rule.problems({"end_date": [end], "start_date": [start]}, ON)
    problems = end_problems("planned", start, end, None, "", ON)
    assert found == [(0, problems[0].message)]
    assert problems[0].message == "плановая дата окончания 01.01.1901 раньше даты начала " \
                                  "01.09.2026"


def test_the_person_card_uses_the_same_rules() -> None:
    person = v.PersonInput(last_name="Иванoва", first_name="Анна", birth_date=date(1985, 3, 15),
                           education_year=-2000, email="not-an-email")
    messages = {e.field: e.message for e in v.validate_person(person, ON)}
    assert messages["last_name"] == "«Фамилия»: «Иванoва» — смешаны русские и латинские буквы."
    assert messages["education_year"] == \
        "«Год получения образования»: -2000 — слишком рано (не раньше 2000 года)."
    assert messages["email"].startswith("«E-mail»: «not-an-email» — не адрес")


def test_a_scale_found_through_the_item() -> None:
    scales = v.Scales({1: (1, 5), 2: (0, 3)}, {10: 1, 20: 2})
    rule = v.OnScale()
    columns = {"score": [5, 4, 0, None, 9], "item_id": [10, 20, 10, 20, 99]}
    assert rule.problems(columns, ON, scales) == [(1, "балл должен быть от 0 до 3"),
                                                  (2, "балл должен быть от 1 до 5")]
    assert scales.common() == (1, 3)
    assert rule.problems(columns, ON, None) == []  # no scales known: nothing to check against


# the column-at-a-time check refuses exactly what the value-at-a-time check refuses -------------
def _one_by_one(rule: v.ColumnRule, values: list[Any]) -> list[tuple[int, str]]:
    found = []
    for i, value in enumerate(values):
        reason = None if value is None else rule.problem(value, ON)
        if reason is not None:
            found.append((i, reason))
    return found


_DAYS = st.dates(min_value=date(1850, 1, 1), max_value=date(2100, 12, 31))
_EDGES = st.sampled_from([date(1900, 1, 1), date(1899, 12, 31), ON, ON + timedelta(days=1),
                          date(2008, 12, 6), date(2008, 12, 7), date(1926, 12, 7),
                          date(1926, 12, 6), date(2076, 12, 6), date(2076, 12, 7)])
_NUMBERS = st.one_of(st.integers(-10**13, 10**13), st.integers(-3, 3005),
                     st.floats(allow_nan=True, allow_infinity=True))
_TEXTS = st.one_of(st.sampled_from(["Иванова", "Иванoва", "", "anna@school.ru", "a@b",
                                    "+7 913 123-45-67", "123", "Де Ла Круз", "Ёлкин-Ёж"]),
                   st.text(max_size=12))


def _values(rule: v.ColumnRule) -> st.SearchStrategy[list[Any]]:
    if isinstance(rule, v.Dated | v.Born):
        item: st.SearchStrategy[Any] = st.one_of(_DAYS, _EDGES)
    elif isinstance(rule, v.Number):
        item = _NUMBERS
    else:
        item = _TEXTS
    return st.lists(st.one_of(st.none(), item), max_size=40)


RULES = {f"{table}.{name}": rule for table, rules in v.COLUMN_RULES.items()
         for name, rule in rules.items()} | {"storable": v.STORABLE}


@pytest.mark.parametrize("where", sorted(RULES))
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_columns_are_checked_as_values_are(where: str, data: st.DataObject) -> None:
    rule = RULES[where]
    values = data.draw(_values(rule))
    assert rule.problems(values, ON) == _one_by_one(rule, values)


# the table of rules fits the model -----------------------------------------------------------
def test_every_rule_names_a_carried_column_of_its_type() -> None:
    tables = {t.name: {c.name: c for c in carried_columns(t)} for t in exchange_tables()}
    for table, rules in v.COLUMN_RULES.items():
        for name, rule in rules.items():
            column = tables[table][name]
            kind = {v.Dated: Date, v.Born: Date, v.Number: (Integer, Float), v.Score: Integer,
                    v.Text: (String, Text)}[type(rule)]
            assert isinstance(column.type, kind), (table, name)
    for table, row_rules in v.ROW_RULES.items():
        for row_rule in row_rules:
            assert {row_rule.column, *row_rule.needs} <= set(tables[table]), table


def test_every_other_whole_number_is_bounded() -> None:
    columns, _rows = v.table_rules("answers", ["score"])
    assert columns == {"score": v.STORABLE}
    columns, _rows = v.table_rules("courses", ["id", "hours"])
    assert columns["hours"] is v.HOURS and columns["id"] is v.STORABLE
